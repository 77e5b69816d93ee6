"""The routes of APIDIAN's documents: issuing, status queries and file downloads."""

from __future__ import annotations

from typing import Any

from adapters.apidian import documents, downloads, status

ROUTE_HANDLERS: list[Any] = [
    *documents.ROUTE_HANDLERS,
    *status.ROUTE_HANDLERS,
    *downloads.ROUTE_HANDLERS,
]
