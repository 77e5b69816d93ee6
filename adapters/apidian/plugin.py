"""Registers the APIDIAN dialect, as any third-party dialect plugin would.

Each module of the dialect exports its handlers/routers; ``ROUTE_HANDLERS`` collects them
(one line per module).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.apidian import configuration, document_api, queries
from adapters.apidian.auth import API_PREFIX, DIALECT
from adapters.apidian.bench import BENCH
from adapters.apidian.errors import SHAPE, ErrorBody
from adapters.apidian.rules import LIMITS
from core.api import Dialect, hookimpl

ROUTE_HANDLERS: list[Any] = [
    *configuration.ROUTE_HANDLERS,
    *queries.ROUTE_HANDLERS,
    *document_api.ROUTE_HANDLERS,
]


def credentials_for_demo(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """What ``serve --demo`` writes for APIDIAN: the token, for ``Authorization: Bearer``."""
    return {"token": credential["token"]}


@hookimpl
def pasarela_register_dialects(register: Callable[[Dialect], None]) -> None:
    register(
        Dialect(
            id=DIALECT,
            title="APIDIAN",
            route_handlers=ROUTE_HANDLERS,
            path_prefix=API_PREFIX,
            errors=SHAPE,
            error_body=ErrorBody,
            limits=LIMITS,
            credentials_for_demo=credentials_for_demo,
            version="ubl2.1",
            token_scheme="opaco",
            bench=BENCH,
        )
    )
