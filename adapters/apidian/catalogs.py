"""APIDIAN's id catalogs (its ``public/csv`` seeds as an upgraded install holds them).

APIDIAN clients send ids of APIDIAN's tables (``type_document_id: 1``, ``unit_measure_id:
70``), not DIAN codes. The CSV files under ``catalogs/`` are package data, one per table
(file stem = table name); each is read once per process. ``row(table, id)`` gives the row or
``None`` for an id APIDIAN does not have, so callers turn unknown ids into 422s.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from importlib import resources

import msgspec

PACKAGE = "adapters.apidian"
DIRECTORY = "catalogs"
# Research bookkeeping in the CSVs, not APIDIAN data: left out of ``extra``.
_NOT_DATA = frozenset({"notes"})


class CatalogRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of an APIDIAN table: its id, DIAN code, name and the other columns."""

    id: int
    code: str
    name: str
    extra: Mapping[str, str] = msgspec.field(default_factory=dict)


@functools.cache
def tables() -> tuple[str, ...]:
    """The names of every catalog shipped (CSV stems), sorted."""
    folder = resources.files(PACKAGE).joinpath(DIRECTORY)
    return tuple(
        sorted(p.name[: -len(".csv")] for p in folder.iterdir() if p.name.endswith(".csv"))
    )


@functools.cache
def _table(table: str) -> tuple[tuple[CatalogRow, ...], dict[int, CatalogRow]]:
    if table not in tables():
        raise KeyError(f"APIDIAN has no catalog {table!r}")
    text = resources.files(PACKAGE).joinpath(DIRECTORY, f"{table}.csv").read_text("utf-8")
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        values = {key: (value or "").strip() for key, value in raw.items()}
        rows.append(
            CatalogRow(
                id=int(values.pop("id")),
                code=values.pop("code", ""),
                name=values.pop("name", ""),
                extra={k: v for k, v in values.items() if k not in _NOT_DATA},
            )
        )
    ordered = tuple(rows)
    return ordered, {r.id: r for r in ordered}


def rows(table: str) -> tuple[CatalogRow, ...]:
    """Every row of ``table`` in file order; ``KeyError`` for a table that is not shipped."""
    return _table(table)[0]


def row(table: str, id: int) -> CatalogRow | None:
    """The row with ``id`` in ``table``, or ``None`` when APIDIAN has no such id."""
    return _table(table)[1].get(id)
