"""Supplier (section J) and customer (section K) rules: identification, DV, RUT codes, address.

DIAN ids: ``{P}J24``/``{P}K24`` (DV of a NIT) and ``{P}J26``/``{P}K26`` (TaxLevelCode list), with
``P`` the document type's rule prefix. The catalog checks DIAN's tables publish under ids our
sources do not name get gateway ids ``PAS-J..``/``PAS-K..``: unknown identification type (01),
organization type (02), party tax scheme (03), DANE municipality (04), department (05) and
country (06).
"""

from __future__ import annotations

from typing import Literal

from core import catalogs
from core.model import Address, Party, Problem
from core.validation.nit import check_digit

NIT = "31"
Role = Literal["supplier", "customer"]
_SECTION = {"supplier": "J", "customer": "K"}
_WHO = {"supplier": "del emisor", "customer": "del adquiriente"}


def check_party(party: Party, *, role: Role, rule_prefix: str) -> list[Problem]:
    """Every rule about one party; paths start with ``supplier.`` or ``customer.``."""
    section, who = _SECTION[role], _WHO[role]
    problems: list[Problem] = []

    def add(field: str, rule: str, message: str) -> None:
        problems.append(Problem(path=f"{role}.{field}", rule=rule, message=message))

    if catalogs.identification_type(party.id_type) is None:
        add(
            "id_type",
            f"PAS-{section}01",
            f"Tipo de documento de identificación {who} no válido: {party.id_type!r}.",
        )
    if catalogs.organization_type(party.organization_type) is None:
        add(
            "organization_type",
            f"PAS-{section}02",
            f"Tipo de organización {who} no válido: {party.organization_type!r} (1 jurídica, 2 "
            "natural).",
        )
    if catalogs.party_tax_scheme_name(party.tax_scheme) is None:
        add(
            "tax_scheme",
            f"PAS-{section}03",
            f"Tributo {who} no válido: {party.tax_scheme!r} (01 IVA, 04 INC, ZA IVA e INC, ZZ No "
            "aplica).",
        )
    if not party.id_number.strip():
        add("id_number", f"{rule_prefix}{section}24", f"Falta el número de identificación {who}.")
    elif party.id_type == NIT:
        problems.extend(_check_dv(party, role=role, rule=f"{rule_prefix}{section}24", who=who))
    for index, code in enumerate(party.tax_level_codes):
        if catalogs.fiscal_responsibility(code) is None:
            add(
                f"tax_level_codes[{index}]",
                f"{rule_prefix}{section}26",
                f"Responsabilidad fiscal {who} no válida: {code!r}; valores permitidos: "
                "O-13, O-15, O-23, O-47, R-99-PN.",
            )
    if not party.tax_level_codes:
        add(
            "tax_level_codes",
            f"{rule_prefix}{section}26",
            f"Falta la responsabilidad fiscal {who} (TaxLevelCode).",
        )
    if party.address is not None:
        problems.extend(
            _check_address(party.address, path=f"{role}.address", section=section, who=who)
        )
    return problems


def _check_dv(party: Party, *, role: Role, rule: str, who: str) -> list[Problem]:
    if not (party.id_number.isascii() and party.id_number.isdigit()) or len(party.id_number) > 15:
        return [
            Problem(
                path=f"{role}.id_number",
                rule=rule,
                message=(
                    f"El NIT {who} debe tener solo dígitos, sin puntos, guiones ni dígito de "
                    "verificación."
                ),
            )
        ]
    expected = check_digit(party.id_number)
    if party.dv is None or not party.dv.strip():
        return [
            Problem(
                path=f"{role}.dv",
                rule=rule,
                message=f"Falta el dígito de verificación del NIT {who}.",
            )
        ]
    if party.dv.strip() != expected:
        return [
            Problem(
                path=f"{role}.dv",
                rule=rule,
                message=(
                    f"El dígito de verificación del NIT {who} ({party.id_number}-{party.dv}) no es "
                    f"correcto: debe ser {expected}."
                ),
            )
        ]
    return []


def _check_address(address: Address, *, path: str, section: str, who: str) -> list[Problem]:
    problems: list[Problem] = []
    if catalogs.country(address.country_code) is None:
        problems.append(
            Problem(
                path=f"{path}.country_code",
                rule=f"PAS-{section}06",
                message=f"Código de país {who} no válido: {address.country_code!r}.",
            )
        )
    if address.country_code != "CO":
        return problems
    municipality = None
    if address.municipality_code is not None:
        municipality = catalogs.municipality(address.municipality_code)
        if municipality is None:
            problems.append(
                Problem(
                    path=f"{path}.municipality_code",
                    rule=f"PAS-{section}04",
                    message=(
                        f"Código DANE de municipio {who} no válido: {address.municipality_code!r}."
                    ),
                )
            )
    if address.department_code is not None:
        if catalogs.department(address.department_code) is None:
            problems.append(
                Problem(
                    path=f"{path}.department_code",
                    rule=f"PAS-{section}05",
                    message=(
                        f"Código DANE de departamento {who} no válido: {address.department_code!r}."
                    ),
                )
            )
        elif municipality is not None and municipality.department.code != address.department_code:
            problems.append(
                Problem(
                    path=f"{path}.department_code",
                    rule=f"PAS-{section}05",
                    message=(
                        f"El municipio {municipality.code} ({municipality.name}) {who} pertenece "
                        "al "
                        f"departamento {municipality.department.code} "
                        f"({municipality.department.name}), "
                        f"no al {address.department_code}."
                    ),
                )
            )
    return problems
