"""Factus' rate limit: PASARELA_FACTUS_RATE_LIMIT requests per minute per API user (80 by
default, as Factus), shared by every gateway process on the database.

Each authenticated ``/v1`` request adds one to its user's counter for the current
one-minute window with one atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
on SQLite and PostgreSQL alike), so processes never lose a count; the first request of a
window drops the user's older windows. The user is the credential the access token was
granted to. Over the limit the request is answered 429 with ``Retry-After``; every answer
of an authenticated request carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (epoch seconds when the window ends), errors included: the
middleware adds them to answers the handlers write, the error shape to errors
(``current_headers``).
"""

from __future__ import annotations

import contextvars
import math
import time
import weakref
from collections.abc import Callable
from typing import Any

import msgspec
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite

from adapters.factus.tables import RATE_LIMITS

WINDOW_S = 60


class RateDecision(msgspec.Struct, frozen=True, kw_only=True):
    limit: int
    hits: int
    window_end: int
    now: float

    @property
    def allowed(self) -> bool:
        return self.hits <= self.limit

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.hits)),
            "X-RateLimit-Reset": str(self.window_end),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.window_end - self.now)))
        return headers


def _count(conn: Connection, user_id: int, window_start: int) -> int:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    columns = RATE_LIMITS.c
    statement = (
        dialect.insert(RATE_LIMITS)
        .values(user_id=user_id, window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=[columns.user_id, columns.window_start],
            set_={"hits": columns.hits + 1},
        )
        .returning(columns.hits)
    )
    hits = int(conn.execute(statement).scalar_one())
    if hits == 1:
        conn.execute(
            delete(RATE_LIMITS).where(
                columns.user_id == user_id, columns.window_start < window_start
            )
        )
    return hits


class RateLimiter:
    """Counts requests per user and window. ``clock`` (epoch seconds) is replaceable."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    async def hit(self, ctx: Any, user_id: int, limit: int) -> RateDecision:
        now = self.clock()
        window_start = int(now // WINDOW_S) * WINDOW_S
        hits = await ctx.database.run(_count, user_id, window_start, write=True)
        return RateDecision(limit=limit, hits=hits, window_end=window_start + WINDOW_S, now=now)


_limiters: weakref.WeakKeyDictionary[Any, RateLimiter] = weakref.WeakKeyDictionary()


def limiter_for(ctx: Any) -> RateLimiter:
    """The limiter of one gateway context (``AppContext``)."""
    found = _limiters.get(ctx)
    if found is None:
        found = _limiters[ctx] = RateLimiter()
    return found


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


async def count_request(ctx: Any, user_id: int, limit: int) -> None:
    """Count a request of ``user_id``; raise the 429 when it is over ``limit``."""
    decision = await limiter_for(ctx).hit(ctx, user_id, limit)
    headers = decision.headers()
    state = _state.get()
    if state is not None:
        state.headers = {k: v for k, v in headers.items() if k != "Retry-After"}
    if not decision.allowed:
        raise TooManyRequestsException(headers={"Retry-After": headers["Retry-After"]})


def rate_limit_middleware(app: ASGIApp) -> ASGIApp:
    """Adds the request's rate-limit headers to its answer (unless the answer has them: the
    error shape writes them too, for an error answered outside this middleware)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        state = RateState()
        token = _state.set(state)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and state.headers:
                present = {bytes(name).lower() for name, _ in message.get("headers", [])}
                extra: list[Any] = [
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in state.headers.items()
                    if name.lower().encode("latin-1") not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await app(scope, receive, send_with_headers)
        finally:
            _state.reset(token)

    return middleware
