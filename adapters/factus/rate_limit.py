"""Factus' rate limit: PASARELA_FACTUS_RATE_LIMIT requests per minute per API user.

(skeleton: the counter comes with the limiter)
"""

from __future__ import annotations

import contextvars
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send


class RateState:
    """The rate-limit headers of the request being served (set once it is authenticated)."""

    __slots__ = ("headers",)

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}


_state: contextvars.ContextVar[RateState | None] = contextvars.ContextVar(
    "factus_rate_state", default=None
)


def current_headers() -> dict[str, str]:
    """The rate-limit headers of the current request ({} before authentication)."""
    state = _state.get()
    return dict(state.headers) if state is not None else {}


def rate_limit_middleware(app: ASGIApp) -> ASGIApp:
    """Adds the request's rate-limit headers to its answer. Errors are answered outside the
    middleware by the error shape, which reads the same state (``current_headers``)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        state = RateState()
        _state.set(state)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and state.headers:
                extra: list[Any] = [
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in state.headers.items()
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
