"""Idempotent document creation: a client that lost an answer re-sends with the same key.

A client sends ``Idempotency-Key: <key>`` on any document-creating request of any dialect.
``IdempotencyKeyMiddleware`` (installed app-wide) puts the header in a context variable for
the request; the issuing service then:

- answers a key it has seen with a request of the same fingerprint (dialect, kind and the
  exact body) with that request's document — same document, same number, its current state;
- refuses a key seen with a different fingerprint (``IdempotencyConflict``, a 409 in the
  dialect's shape);
- otherwise claims the key in the very transaction that numbers and stores the document, so
  two requests with one key, at once, in two processes, yield one document: the second
  insert waits for the first transaction and finds the key taken, its own transaction (and
  the number it would have spent) rolls back, and it answers with the first one's document.

Keys are per tenant and remembered ``IDEMPOTENCY_TTL_S`` (24 h); an older key is free again.
A request that is refused before anything is stored (validation, quota, permission) claims
nothing: the same key may be retried with a corrected body.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from core.clock import now_bogota
from core.errors import IdempotencyConflict, InvalidRequest
from core.storage.column_types import AwareDateTime
from core.storage.database import database_for
from core.storage.tables import IdempotencyKey

HEADER: Final = "Idempotency-Key"
IDEMPOTENCY_TTL_S: Final = 24 * 3600
MAX_KEY_LENGTH: Final = 255
KEYS: Final = IdempotencyKey.__table__

_request_key: ContextVar[str | None] = ContextVar("pasarela_idempotency_key", default=None)


class IdempotencyKeyMiddleware(ASGIMiddleware):
    """Expose the request's ``Idempotency-Key`` header to the issuing service."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        value = None
        for name, raw in scope["headers"]:
            if name == b"idempotency-key":
                value = raw.decode("latin-1")
                break
        if value is None:
            await next_app(scope, receive, send)
            return
        token = _request_key.set(value)
        try:
            await next_app(scope, receive, send)
        finally:
            _request_key.reset(token)


class KeyTaken(Exception):
    """Raised inside the issuing transaction when another request holds the key."""

    def __init__(self, request: KeyedRequest) -> None:
        super().__init__(request.key)
        self.request = request


def request_fingerprint(dialect: str, type_code: str, body: bytes | None, fallback: bytes) -> str:
    """The hash a repeated request must match; ``fallback`` (the canonical document) stands in
    for a body the dialect did not hand over."""
    digest = hashlib.sha256()
    for part in (dialect.encode(), type_code.encode(), body if body is not None else fallback):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def current_key() -> str | None:
    """The request's key, checked; ``None`` without the header. ``InvalidRequest`` for a key
    that is empty, too long or not printable ASCII."""
    key = _request_key.get()
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not all(" " < char <= "~" for char in key):
        raise InvalidRequest(
            {
                HEADER: [
                    f"La cabecera {HEADER} debe tener entre 1 y {MAX_KEY_LENGTH} caracteres "
                    "ASCII visibles, sin espacios."
                ]
            }
        )
    return key


@dataclass(frozen=True, slots=True)
class KeyedRequest:
    """One request that came with a key: ``document_uuid`` is the document the key already
    created (answer with it), ``None`` for a key not seen yet (``claim`` it while storing)."""

    keys: IdempotencyKeys
    tenant_id: int
    key: str
    fingerprint: str
    document_uuid: str | None

    def claim(self, conn: Connection, document_uuid: str) -> None:
        """In the document's own transaction: take the key for ``document_uuid`` (an expired
        row is taken over); ``KeyTaken`` when a live row holds it."""
        now = now_bogota()
        claimed = conn.execute(
            _claim_statement(conn.dialect.name),
            {
                "tenant_id": self.tenant_id,
                "key": self.key,
                "fingerprint": self.fingerprint,
                "document_uuid": document_uuid,
                "created_at": now,
                "cutoff": now - dt.timedelta(seconds=self.keys.ttl_s),
            },
        ).scalar_one_or_none()
        if claimed is None:
            raise KeyTaken(self)

    async def replay(self) -> str:
        """The uuid of the document the request that took the key created."""
        document_uuid = await self.keys.earlier(self.tenant_id, self.key, self.fingerprint)
        if document_uuid is None:  # taken and expired in between: only with a tiny TTL
            raise IdempotencyConflict(self.key)
        return document_uuid


class IdempotencyKeys:
    """The ``idempotency_keys`` table: which document a tenant's key created."""

    def __init__(self, bind: Any, *, ttl_s: float = IDEMPOTENCY_TTL_S) -> None:
        self.database = database_for(bind)
        self.ttl_s = ttl_s

    async def open(
        self, tenant_id: int, dialect: str, document: Any, body: bytes | None
    ) -> KeyedRequest | None:
        """The issuing request's key and what it already created; ``None`` without a key."""
        key = current_key()
        if key is None:
            return None
        fallback = msgspec.json.encode(document) if body is None else b""
        fingerprint = request_fingerprint(dialect, document.type_code, body, fallback)
        earlier = await self.earlier(tenant_id, key, fingerprint)
        return KeyedRequest(self, tenant_id, key, fingerprint, earlier)

    async def earlier(self, tenant_id: int, key: str, fingerprint: str) -> str | None:
        """The uuid of the document this key already created (within the TTL), or ``None``;
        ``IdempotencyConflict`` when the key came with another request."""
        cutoff = now_bogota() - dt.timedelta(seconds=self.ttl_s)

        def read(conn: Connection) -> Any:
            return conn.execute(
                select(KEYS.c.fingerprint, KEYS.c.document_uuid).where(
                    KEYS.c.tenant_id == tenant_id,
                    KEYS.c.key == key,
                    KEYS.c.created_at >= cutoff,
                )
            ).one_or_none()

        row = await self.database.run(read)
        if row is None:
            return None
        if row.fingerprint != fingerprint:
            raise IdempotencyConflict(key)
        return row.document_uuid


@functools.cache
def _claim_statement(dialect: str) -> Any:
    """Insert the key, or take over an expired row; returns nothing when a live row holds it."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(KEYS).values(
        tenant_id=bindparam("tenant_id"),
        key=bindparam("key"),
        fingerprint=bindparam("fingerprint"),
        document_uuid=bindparam("document_uuid"),
        created_at=bindparam("created_at", type_=AwareDateTime()),
    )
    return statement.on_conflict_do_update(
        index_elements=[KEYS.c.tenant_id, KEYS.c.key],
        set_={
            "fingerprint": statement.excluded.fingerprint,
            "document_uuid": statement.excluded.document_uuid,
            "created_at": statement.excluded.created_at,
        },
        where=KEYS.c.created_at < bindparam("cutoff", type_=AwareDateTime()),
    ).returning(KEYS.c.document_uuid)
