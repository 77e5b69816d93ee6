"""Factus' id tables (research §6): the CSV files in ``catalogs/``, loaded once.

Factus v1 sends database ids where DIAN wants codes (``unit_measure_id`` 70 is DIAN's unit
``94``); each table maps them. ``table`` is the CSV file's stem (``unit_measures``,
``municipalities_with_department``, ``product_tributes`` ...). Ids are ints where the file's
ids are digits, else the text as written (``O-13`` in ``fiscal_responsibilities``); columns
besides ``id,code,name`` go to ``extra`` (``department`` of the municipalities).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from importlib import resources

import msgspec


class CatalogRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int | str
    code: str
    name: str
    extra: Mapping[str, str] = msgspec.field(default_factory=dict)


class _Table(msgspec.Struct, frozen=True):
    rows: tuple[CatalogRow, ...]
    by_id: Mapping[int | str, CatalogRow]
    by_code: Mapping[str, CatalogRow]


def _row_id(text: str) -> int | str:
    return int(text) if text.isascii() and text.isdigit() else text


@cache
def _table(table: str) -> _Table:
    if not table.replace("_", "").isalnum():
        raise KeyError(table)
    resource = resources.files("adapters.factus").joinpath("catalogs", f"{table}.csv")
    if not resource.is_file():
        raise KeyError(table)
    reader = csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8")))
    rows = tuple(
        CatalogRow(
            id=_row_id(record["id"]),
            code=record["code"],
            name=record["name"],
            extra={k: v for k, v in record.items() if k not in ("id", "code", "name")},
        )
        for record in reader
    )
    by_code: dict[str, CatalogRow] = {}
    for row in rows:
        by_code.setdefault(row.code, row)  # a few codes repeat (research §6): the first wins
    return _Table(rows=rows, by_id={row.id: row for row in rows}, by_code=by_code)


def rows(table: str) -> tuple[CatalogRow, ...]:
    """Every row of ``table`` in file order (``KeyError`` for an unknown table)."""
    return _table(table).rows


def row(table: str, id: int | str) -> CatalogRow | None:
    """The row of ``table`` with Factus id ``id`` (``"70"`` and ``70`` alike), or ``None``."""
    key = _row_id(id) if isinstance(id, str) else id
    if isinstance(key, bool):
        return None
    return _table(table).by_id.get(key)


def by_code(table: str, code: str) -> CatalogRow | None:
    """The first row of ``table`` whose DIAN code is ``code``, or ``None``."""
    return _table(table).by_code.get(code)
