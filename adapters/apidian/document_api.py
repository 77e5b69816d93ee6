"""The routes of APIDIAN's documents: issuing, contingency sending, RADIAN events, status
queries and file downloads."""

from __future__ import annotations

from typing import Any

from adapters.apidian import contingency, documents, downloads, events, status

ROUTE_HANDLERS: list[Any] = [
    *documents.ROUTE_HANDLERS,
    *contingency.ROUTE_HANDLERS,
    *events.ROUTE_HANDLERS,
    *status.ROUTE_HANDLERS,
    *downloads.ROUTE_HANDLERS,
]
