"""Document quotas: usage counted per Bogotá month and year against the tenant's limits."""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any, Final

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from core.clock import BOGOTA
from core.errors import NotFound, QuotaExceeded
from core.storage.database import Database
from core.tenancy.records import QuotaStatus
from core.tenancy.rows import QUOTA_USAGE, TENANTS, tenant_row


def period_keys(now: dt.datetime) -> tuple[str, str]:
    """Quota periods of a moment, in Bogota time: (``2026-11``, ``2026``)."""
    local = now.astimezone(BOGOTA)
    return f"{local.year:04d}-{local.month:02d}", f"{local.year:04d}"


def seconds_until_next_period(now: dt.datetime, period: str) -> int:
    """Seconds from ``now`` until the next month (``mensual``) or year (``anual``) starts."""
    local = now.astimezone(BOGOTA)
    if period == "anual" or local.month == 12:
        start = dt.datetime(local.year + 1, 1, 1, tzinfo=BOGOTA)
    else:
        start = dt.datetime(local.year, local.month + 1, 1, tzinfo=BOGOTA)
    return max(1, math.ceil((start - local).total_seconds()))


class Quotas:
    """Count documents and report usage; the issuing path counts with ``count_quota`` inside
    the transaction that stores the document, so a refused document stores nothing."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def consume_quota(self, tenant_id: int, now: dt.datetime) -> None:
        """Count one document in the tenant's month and year; atomically refuse it when a limit
        is reached (``QuotaExceeded``; nothing is counted then)."""
        await self._db.run(count_quota, tenant_id, now, write=True)

    async def quota_status(self, tenant_id: int, now: dt.datetime) -> QuotaStatus:
        month_key, year_key = period_keys(now)

        def read(conn: Connection) -> tuple[Any, dict[str, int]]:
            row = tenant_row(conn, tenant_id)
            result = conn.execute(
                select(QUOTA_USAGE.c.period_key, QUOTA_USAGE.c.count).where(
                    QUOTA_USAGE.c.tenant_id == row.id,
                    QUOTA_USAGE.c.period_key.in_((month_key, year_key)),
                )
            )
            return row, {key: count for key, count in result}

        row, counts = await self._db.run(read)
        return QuotaStatus(
            monthly_used=counts.get(month_key, 0),
            monthly_limit=row.monthly_limit,
            yearly_used=counts.get(year_key, 0),
            yearly_limit=row.yearly_limit,
        )


def count_quota(conn: Connection, tenant_id: int, now: dt.datetime) -> None:
    """Count one document inside the caller's transaction (a unit of work); usage is counted
    even for tenants without limits, for reporting. ``QuotaExceeded`` at a limit."""
    month_key, year_key = period_keys(now)
    limits = conn.execute(_TENANT_LIMITS, {"limits_tenant_id": tenant_id}).one_or_none()
    if limits is None:
        raise NotFound(f"la empresa {tenant_id} no existe")
    for key, limit, period in (
        (month_key, limits.monthly_limit, "mensual"),
        (year_key, limits.yearly_limit, "anual"),
    ):
        if not _count_one(conn, tenant_id, key, limit):
            used = conn.execute(
                select(QUOTA_USAGE.c.count).where(
                    QUOTA_USAGE.c.tenant_id == tenant_id, QUOTA_USAGE.c.period_key == key
                )
            ).scalar()
            assert limit is not None
            raise QuotaExceeded(used or 0, limit, period, seconds_until_next_period(now, period))


_TENANT_LIMITS: Final = select(TENANTS.c.monthly_limit, TENANTS.c.yearly_limit).where(
    TENANTS.c.id == bindparam("limits_tenant_id")
)


def _count_one(conn: Connection, tenant_id: int, period_key: str, limit: int | None) -> bool:
    """Add one to a period's count unless it reached ``limit``; whether it was added."""
    if limit is not None and limit <= 0:
        return False
    statement = _count_statement(conn.dialect.name, limited=limit is not None)
    parameters: dict[str, Any] = {"tenant_id": tenant_id, "period_key": period_key}
    if limit is not None:
        parameters["quota_limit"] = limit
    return conn.execute(statement, parameters).scalar_one_or_none() is not None


@functools.cache
def _count_statement(dialect: str, *, limited: bool) -> Any:
    """The upsert ``_count_one`` runs, built once (building it is costlier than running it)."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(QUOTA_USAGE).values(
        tenant_id=bindparam("tenant_id"), period_key=bindparam("period_key"), count=1
    )
    return statement.on_conflict_do_update(
        index_elements=[QUOTA_USAGE.c.tenant_id, QUOTA_USAGE.c.period_key],
        set_={"count": QUOTA_USAGE.c.count + 1},
        where=(QUOTA_USAGE.c.count < bindparam("quota_limit")) if limited else None,
    ).returning(QUOTA_USAGE.c.count)
