"""APIDIAN's query routes: numbering ranges, consecutives and catalog listings."""

from __future__ import annotations

from typing import Any

ROUTE_HANDLERS: list[Any] = []
