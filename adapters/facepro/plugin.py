"""Registers the FacEPro Cloud dialect, as any third-party dialect plugin would."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.facepro.bench import BENCH
from adapters.facepro.errors import SHAPE, ErrorBody
from adapters.facepro.responses import API_PREFIX
from adapters.facepro.routes import router
from adapters.facepro.validation import LIMITS
from core.api import Dialect, hookimpl


def credentials_for_demo(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """What ``serve --demo`` writes for FacEPro: the Bearer token, ready for the header."""
    return {"token": credential["token"]}


@hookimpl
def pasarela_register_dialects(register: Callable[[Dialect], None]) -> None:
    register(
        Dialect(
            id="facepro",
            title="FacEPro Cloud",
            route_handlers=[router],
            path_prefix=API_PREFIX,
            errors=SHAPE,
            error_body=ErrorBody,
            limits=LIMITS,
            credentials_for_demo=credentials_for_demo,
            version="v1",
            bench=BENCH,
        )
    )
