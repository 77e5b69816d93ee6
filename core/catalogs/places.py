"""Where parties are: DANE municipalities and departments, ISO countries.

The UBL builder prints ``cbc:CityName``/``cbc:CountrySubentity`` and ``cac:Country/cbc:Name``
from these, and pre-flight checks the DANE codes a dialect sent.
"""

from __future__ import annotations

import functools

import msgspec

from core.catalogs.source import names_by_code, read_table


class Department(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # DANE, 2 digits
    name: str


class Municipality(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # DANE, 5 digits; the first two are the department
    name: str
    department: Department


class Country(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # ISO 3166-1 alpha-2
    name: str  # Spanish name, as DIAN's list spells it


@functools.cache
def _departments() -> dict[str, Department]:
    return {
        code: Department(code=code, name=name)
        for code, name in names_by_code("departments").items()
    }


@functools.cache
def _municipalities() -> dict[str, Municipality]:
    departments = _departments()
    return {
        row["municipality_code"]: Municipality(
            code=row["municipality_code"],
            name=row["municipality_name"],
            department=departments[row["department_code"]],
        )
        for row in read_table("municipalities")
    }


def municipality(code: str | None) -> Municipality | None:
    """The DANE municipality with this 5-digit code (``11001`` Bogotá), or ``None``."""
    return _municipalities().get(code or "")


def department(code: str | None) -> Department | None:
    """The DANE department with this 2-digit code (``05`` Antioquia), or ``None``."""
    return _departments().get(code or "")


@functools.cache
def _countries() -> dict[str, Country]:
    return {
        code: Country(code=code, name=name) for code, name in names_by_code("countries").items()
    }


def country(code: str | None) -> Country | None:
    """The country with this ISO alpha-2 code (``CO`` Colombia), or ``None``."""
    return _countries().get(code or "")
