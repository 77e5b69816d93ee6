"""The audit log: one row per authenticated request, written in batches."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Final

import msgspec
from sqlalchemy import Connection, func, insert, select

from core.clock import now_bogota
from core.storage.database import Database
from core.storage.tables import AuditEntry

log = logging.getLogger(__name__)

AUDIT_FLUSH_DELAY_S = 0.2  # audit rows wait at most this long for their batch
AUDIT_BATCH_MAX = 256
_AUDIT: Final = AuditEntry.__table__
_INSERT_AUDIT: Final = insert(_AUDIT)


class AuditLog:
    """Rows are written in batches: one transaction at most every ``AUDIT_FLUSH_DELAY_S`` (or
    every ``AUDIT_BATCH_MAX`` rows) instead of one per request. ``flush`` writes what is
    waiting; counting and closing the application flush first, so only a killed process can
    lose the last fraction of a second of audit rows."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._pending: list[dict[str, Any]] = []
        self._timer: tuple[asyncio.TimerHandle, asyncio.AbstractEventLoop] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def record(
        self,
        *,
        tenant_id: int | None,
        credential_id: int | None,
        dialect: str | None,
        method: str,
        path: str,
        status: int,
        duration_ms: float,
        ip: str | None = None,
        at: dt.datetime | None = None,
        user_id: int | None = None,
    ) -> None:
        """One audit row for an authenticated request (``status`` is the HTTP status;
        ``user_id``: the portal user, for portal requests)."""
        self._pending.append(
            {
                "at": at or now_bogota(),
                "tenant_id": tenant_id,
                "credential_id": credential_id,
                "dialect": dialect,
                "method": method,
                "path": path[:500],
                "status_code": status,
                "ip": ip,
                "duration_ms": duration_ms,
                "user_id": user_id,
            }
        )
        if len(self._pending) >= AUDIT_BATCH_MAX:
            await self.flush()
            return
        loop = asyncio.get_running_loop()
        if self._timer is None or self._timer[1] is not loop:
            self._timer = (loop.call_later(AUDIT_FLUSH_DELAY_S, self._flush_soon), loop)

    def _flush_soon(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> None:
        """Write the rows waiting for their batch (a failure is logged, never raised: an audit
        row must not turn a served request into an error)."""
        if self._timer is not None:
            self._timer[0].cancel()
            self._timer = None
        entries, self._pending = self._pending, []
        if not entries:
            return
        try:
            await self._db.run(_insert, entries, write=True)
        except Exception:
            log.exception("audit write failed", extra={"rows": len(entries)})

    async def count(self, tenant_id: int) -> int:
        await self.flush()
        query = select(func.count()).select_from(_AUDIT).where(_AUDIT.c.tenant_id == tenant_id)
        return int(await self._db.scalar(query) or 0)

    async def entries(self, tenant_id: int | None, limit: int = 100) -> list[AuditRecord]:
        """The latest rows of a tenant (``None``: the gateway operator's own), newest first."""
        await self.flush()
        condition = (
            _AUDIT.c.tenant_id.is_(None) if tenant_id is None else _AUDIT.c.tenant_id == tenant_id
        )
        query = select(_AUDIT).where(condition).order_by(_AUDIT.c.id.desc()).limit(limit)
        return [
            AuditRecord(
                at=row.at,
                dialect=row.dialect,
                credential_id=row.credential_id,
                user_id=row.user_id,
                method=row.method,
                path=row.path,
                status=row.status_code,
            )
            for row in await self._db.all(query)
        ]


class AuditRecord(msgspec.Struct, frozen=True, kw_only=True):
    at: dt.datetime
    dialect: str | None
    credential_id: int | None
    user_id: int | None
    method: str
    path: str
    status: int


def _insert(conn: Connection, entries: list[dict[str, Any]]) -> None:
    conn.execute(_INSERT_AUDIT, entries)
