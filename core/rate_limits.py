"""Per-credential rate limits, for every dialect: N requests per minute, shared by every
gateway process on the database.

A dialect declares its default (``Dialect.rate_limit``, requests per minute per credential;
``None``: unlimited); the operator sets or changes it with ``PASARELA_RATE_LIMIT_<DIALECT>``
(``0``: unlimited). ``BearerAuth`` counts each authenticated request against its credential
— the parent credential for tokens granted to one (an OAuth access token counts for the
client or user it was granted to) — with one atomic upsert per request (``INSERT ... ON
CONFLICT DO UPDATE ... RETURNING`` on SQLite and PostgreSQL alike) in the current one-minute
window; the first request of a window drops the credential's older windows. Over the limit
the request is answered 429 in the dialect's error shape, with ``Retry-After``. Every answer
of a counted request carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (epoch seconds when the window ends), errors included: the app-wide
middleware adds them to the answers, and ``rate_limit_headers`` gives them to a dialect that
writes its own responses.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import msgspec
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite

from core.contracts import Dialect
from core.rate_limit_settings import normalized_dialect_id
from core.storage.tables import RateLimitWindow

WINDOW_S: Final = 60

_WINDOWS: Final = RateLimitWindow.__table__


class RateLimits:
    """Each dialect's limit: the operator's setting, else the dialect's own default."""

    def __init__(self, dialects: Iterable[Dialect], configured: Mapping[str, int]) -> None:
        self._limits: dict[str, int | None] = {d.id: d.rate_limit for d in dialects}
        ids = {normalized_dialect_id(dialect_id): dialect_id for dialect_id in self._limits}
        for key, value in configured.items():
            self._limits[ids.get(normalized_dialect_id(key), key)] = value or None
        self.clock: Callable[[], float] = time.time  # epoch seconds; replaceable in tests

    def limit_for(self, dialect_id: str) -> int | None:
        return self._limits.get(dialect_id)

    def set(self, dialect_id: str, limit: int | None) -> None:
        """Change a dialect's limit in this process (embedding applications and tests)."""
        self._limits[dialect_id] = limit or None

    async def hit(self, database: Any, dialect_id: str, subject_id: int, limit: int) -> Decision:
        now = self.clock()
        window_start = int(now // WINDOW_S) * WINDOW_S
        hits = await database.run(_count, dialect_id, subject_id, window_start, write=True)
        return Decision(limit=limit, hits=hits, window_end=window_start + WINDOW_S, now=now)


class Decision(msgspec.Struct, frozen=True, kw_only=True):
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


def _count(conn: Connection, dialect_id: str, subject_id: int, window_start: int) -> int:
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert
    columns = _WINDOWS.c
    statement = (
        insert(_WINDOWS)
        .values(dialect=dialect_id, subject_id=subject_id, window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=[columns.dialect, columns.subject_id, columns.window_start],
            set_={"hits": columns.hits + 1},
        )
        .returning(columns.hits)
    )
    hits = int(conn.execute(statement).scalar_one())
    if hits == 1:
        conn.execute(
            delete(_WINDOWS).where(
                columns.dialect == dialect_id,
                columns.subject_id == subject_id,
                columns.window_start < window_start,
            )
        )
    return hits


class _RequestState:
    """The rate-limit headers of the request being served (set once it is counted)."""

    __slots__ = ("headers",)

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}


_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "pasarela_rate_state", default=None
)


def rate_limit_headers() -> dict[str, str]:
    """The rate-limit headers of the current request ({} when it was not counted)."""
    state = _state.get()
    return dict(state.headers) if state is not None else {}


async def count_request(ctx: Any, dialect_id: str, subject_id: int) -> None:
    """Count a request of credential ``subject_id`` against its dialect's limit (nothing
    when the dialect has none); raise the 429 when it is over."""
    limits: RateLimits = ctx.rate_limits
    limit = limits.limit_for(dialect_id)
    if limit is None:
        return
    decision = await limits.hit(ctx.database, dialect_id, subject_id, limit)
    headers = decision.headers()
    state = _state.get()
    if state is not None:
        state.headers = {k: v for k, v in headers.items() if k != "Retry-After"}
    if not decision.allowed:
        raise TooManyRequestsException(headers={"Retry-After": headers["Retry-After"]})


def rate_limit_middleware(app: ASGIApp) -> ASGIApp:
    """Adds the request's rate-limit headers to its answer (unless the answer has them)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        state = _RequestState()
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
