"""APIDIAN's configuration routes (``/api/ubl2.1/config/...``)."""

from __future__ import annotations

from typing import Any

ROUTE_HANDLERS: list[Any] = []
