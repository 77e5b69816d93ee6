"""One ``validate`` at a time per tenant and document kind, across every gateway process on
the database (research §7).

Factus issues a kind's documents one after another: a re-sent ``reference_code`` returns the
document issued for it, and a document DIAN has not validated blocks the next one with 409.
Both checks read the stored documents and then insert one, so two processes doing them at
once could both pass: two documents (two numbers) for one code, or two pending documents.
A row in ``factus_issue_claims`` per (tenant, kind) closes that gap: a ``validate`` inserts it
before the checks (the primary key lets one insert win) and deletes it when its answer is
ready; the others wait for it, then run the checks and see the winner's document.

A claim older than its lease (a process that died mid-issue) is taken over.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.factus.tables import ISSUE_CLAIMS

POLL_S = 0.02  # between two tries while another request holds the claim
MIN_LEASE_S = 120.0


class ClaimTimeout(Exception):
    """Another request held the claim longer than this one may wait."""


def _try_claim(
    conn: Connection, tenant_id: int, kind: str, reference: str, token: str, now: int, lease: int
) -> bool:
    columns = ISSUE_CLAIMS.c
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    inserted = conn.execute(
        dialect.insert(ISSUE_CLAIMS)
        .values(
            tenant_id=tenant_id, kind=kind, reference_code=reference, token=token, claimed_at=now
        )
        .on_conflict_do_nothing(index_elements=[columns.tenant_id, columns.kind])
    )
    if inserted.rowcount == 1:
        return True
    held = conn.execute(
        select(columns.token, columns.claimed_at).where(
            columns.tenant_id == tenant_id, columns.kind == kind
        )
    ).first()
    if held is None or held.claimed_at > now - lease:
        return False
    taken = conn.execute(  # stale: its holder died; the update wins only once
        update(ISSUE_CLAIMS)
        .where(columns.tenant_id == tenant_id, columns.kind == kind, columns.token == held.token)
        .values(reference_code=reference, token=token, claimed_at=now)
    )
    return taken.rowcount == 1


def _release(conn: Connection, tenant_id: int, kind: str, token: str) -> None:
    columns = ISSUE_CLAIMS.c
    conn.execute(
        delete(ISSUE_CLAIMS).where(
            columns.tenant_id == tenant_id, columns.kind == kind, columns.token == token
        )
    )


def lease_s(ctx: Any) -> int:
    """How long a claim stands: far longer than one issue (signing plus DIAN's timeout)."""
    return int(max(MIN_LEASE_S, 4 * float(ctx.settings.dian_timeout_s)))


@asynccontextmanager
async def issuing(ctx: Any, tenant_id: int, kind: str, reference: str) -> AsyncIterator[None]:
    """Hold the tenant's claim for ``kind`` (waiting for it at most one lease) while the body
    runs; raises ``ClaimTimeout`` when it stays taken."""
    token = secrets.token_hex(16)
    lease = lease_s(ctx)
    deadline = time.monotonic() + lease
    while not await ctx.database.run(
        _try_claim, tenant_id, kind, reference, token, int(time.time()), lease, write=True
    ):
        if time.monotonic() >= deadline:
            raise ClaimTimeout
        await asyncio.sleep(POLL_S)
    try:
        yield
    finally:
        await ctx.database.run(_release, tenant_id, kind, token, write=True)
