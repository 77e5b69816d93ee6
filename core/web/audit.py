"""One log line and one metric sample for every request, one audit row for every
authenticated one.

A dialect's auth code calls ``mark_authenticated(connection, ...)`` once it has resolved a
credential; ``RequestAuditMiddleware`` (installed app-wide by ``create_app``) then records
tenant, credential, dialect, method, path, status and duration through
``AuditLog.record`` when the response has been sent. Dialects never write audit rows
themselves, so every authenticated route is audited the same way.

Only the path is logged: never the query string, headers or bodies (tokens travel there).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.metrics import observe_request

log = logging.getLogger("pasarela.request")

AUDIT_SCOPE_KEY = "pasarela.audit_subject"


@dataclass(frozen=True, slots=True)
class AuditSubject:
    """Who made an authenticated request."""

    tenant_id: int | None
    credential_id: int | None
    dialect: str
    user_id: int | None = None  # the portal user behind a portal request


def mark_authenticated(
    connection: ASGIConnection[Any, Any, Any, Any] | Scope,
    *,
    tenant_id: int | None,
    credential_id: int | None,
    dialect: str,
    user_id: int | None = None,
) -> None:
    """Tell the audit middleware who is behind this request (call it from auth code; the
    portal passes its user, and no tenant for the gateway's operator)."""
    scope = connection.scope if isinstance(connection, ASGIConnection) else connection
    scope.setdefault("state", {})[AUDIT_SCOPE_KEY] = AuditSubject(
        tenant_id=tenant_id, credential_id=credential_id, dialect=dialect, user_id=user_id
    )


def audit_subject(scope: Scope) -> AuditSubject | None:
    return scope.get("state", {}).get(AUDIT_SCOPE_KEY)


class RequestAuditMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await next_app(scope, receive, send_with_status)
        except HTTPException as error:  # raised by a middleware inside: answered further out
            status = error.status_code
            raise
        finally:
            elapsed = time.perf_counter() - started
            duration_ms = round(elapsed * 1000, 3)
            subject = audit_subject(scope)
            labels = Litestar.from_scope(scope).state.ctx.dialect_labels
            observe_request(
                labels.of(scope["path"], subject.dialect if subject else None), status, elapsed
            )
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": duration_ms,
                    "tenant_id": subject.tenant_id if subject else None,
                    "dialect": subject.dialect if subject else None,
                },
            )
            if subject is not None:
                await _record(scope, subject, status, duration_ms)


async def _record(scope: Scope, subject: AuditSubject, status: int, duration_ms: float) -> None:
    """Write the audit row; a failure is logged and never turns into an error response."""
    ctx = Litestar.from_scope(scope).state.ctx
    try:
        await ctx.audit.record(
            tenant_id=subject.tenant_id,
            credential_id=subject.credential_id,
            dialect=subject.dialect,
            user_id=subject.user_id,
            method=scope["method"],
            path=scope["path"],
            status=status,
            duration_ms=duration_ms,
        )
    except Exception:
        log.exception("audit write failed", extra={"tenant_id": subject.tenant_id})
