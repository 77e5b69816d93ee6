"""Reads the CSV code lists shipped in ``core/catalogs/data`` (one read per file per process)."""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources


@functools.cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``data/<name>.csv`` as dicts keyed by the header; values stripped.

    Cached: catalogs are immutable data, parsed once per process.
    """
    text = resources.files("core.catalogs.data").joinpath(f"{name}.csv").read_text("utf-8")
    return tuple(
        {key: (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    )


@functools.cache
def names_by_code(
    name: str, code_column: str = "code", name_column: str = "name"
) -> dict[str, str]:
    """``code -> name`` for a two-column list (first occurrence wins on duplicates)."""
    table: dict[str, str] = {}
    for row in read_table(name):
        table.setdefault(row[code_column], row[name_column])
    return table
