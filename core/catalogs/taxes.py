"""DIAN tax schemes (TipoImpuesto 1.9) and the rates DIAN accepts for IVA and INC.

``tax_scheme(code).name`` is what goes in ``cac:TaxScheme/cbc:Name``; rate checks back FAS01b
("Tributo IVA (01), INC (04) informado no coincide, revisar Porcentaje, Nombre y ID").
"""

from __future__ import annotations

import functools
from decimal import Decimal

import msgspec

from core.catalogs.source import names_by_code, read_table


class TaxScheme(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # 01 IVA, 04 INC, 22 INC Bolsas, 05 ReteIVA ...
    name: str
    description: str
    is_withholding: bool  # 05, 06, 07 go in cac:WithholdingTaxTotal


# Taxes charged per unit (BaseUnitMeasure + PerUnitAmount, no Percent) and the unit DIAN expects.
PER_UNIT_TAX_UNITS: dict[str, str] = {"22": "NIU", "32": "LTR", "34": "ML"}

# Schemes whose rates DIAN checks against a closed list (FAS01b); others (ICA per-mil, ...) vary.
RATED_SCHEMES = frozenset({"01", "04"})


@functools.cache
def _tax_schemes() -> dict[str, TaxScheme]:
    return {
        row["code"]: TaxScheme(
            code=row["code"],
            name=row["name"],
            description=row["description"],
            is_withholding=row["is_withholding"] == "true",
        )
        for row in read_table("tax_schemes")
    }


def tax_scheme(code: str | None) -> TaxScheme | None:
    """The tax scheme with this code, or ``None`` when DIAN's 1.9 list lacks it."""
    return _tax_schemes().get(code or "")


def is_per_unit_scheme(code: str) -> bool:
    """INC Bolsas (22), ICL (32) and IBUA (34) are amounts per unit, not percentages."""
    return code in PER_UNIT_TAX_UNITS


@functools.cache
def _rates() -> dict[str, frozenset[Decimal]]:
    rates: dict[str, set[Decimal]] = {}
    for row in read_table("tax_rates"):
        rates.setdefault(row["scheme"], set()).add(Decimal(row["percent"]))
    return {scheme: frozenset(values) for scheme, values in rates.items()}


def tax_rates(scheme: str) -> frozenset[Decimal]:
    """Listed percentages for a scheme (``{0, 5, 16, 19}`` for IVA); empty when unlisted."""
    return _rates().get(scheme, frozenset())


def is_valid_rate(scheme: str, percent: Decimal) -> bool:
    """Whether ``percent`` is acceptable for ``scheme``: listed for IVA/INC, any for others."""
    if scheme not in RATED_SCHEMES:
        return True
    return percent in tax_rates(scheme)


def party_tax_scheme_name(code: str | None) -> str | None:
    """Name of a party's tax scheme (01 IVA, 04 INC, ZA IVA e INC, ZZ No aplica), or ``None``."""
    return names_by_code("party_tax_schemes").get(code or "")
