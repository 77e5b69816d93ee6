"""Migration 0003 on both backends: pending documents of an existing database become DIAN
delivery jobs (no pending work is lost), and the worker's table replaces their retry column."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import Connection, inspect

from core.clock import BOGOTA
from core.jobs import store
from core.storage.column_types import AwareDateTime
from core.storage.database import database_for, dispose_database
from core.storage.engine import create_engine
from core.storage.migrate import pending_revisions, upgrade

BEFORE_JOBS = "0001"
CREATED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=BOGOTA)
RETRY_AT = dt.datetime(2026, 11, 20, 9, 5, 30, tzinfo=BOGOTA)

# The tables as revision 0001 made them (only the columns without defaults).
tenants = sa.table(
    "tenants",
    *(sa.column(n) for n in ("id", "uuid", "nit", "dv", "name", "environment", "software_id")),
    *(sa.column(n) for n in ("software_pin", "provider_nit", "provider_dv")),
    sa.column("party", sa.JSON()),
    sa.column("created_at", AwareDateTime()),
    sa.column("updated_at", AwareDateTime()),
)
documents = sa.table(
    "documents",
    *(sa.column(n) for n in ("uuid", "tenant_id", "dialect", "type_code", "environment")),
    *(sa.column(n) for n in ("prefix", "number", "status", "attempts", "last_error")),
    sa.column("next_attempt_at", AwareDateTime()),
    sa.column("created_at", AwareDateTime()),
    sa.column("updated_at", AwareDateTime()),
)


def fill_0001(conn: Connection) -> None:
    conn.execute(
        sa.insert(tenants).values(
            id=7, uuid="00000000-0000-4000-8000-000000000007", nit="900373076", dv="5",
            name="Antes S.A.S.", environment="simulador", software_id="soft",
            software_pin=b"x", provider_nit="900373076", provider_dv="5", party={},
            created_at=CREATED, updated_at=CREATED,
        )
    )  # fmt: skip
    for number, status, retry_at in (
        (1, "aceptado", None),
        (2, "pendiente", RETRY_AT),
        (3, "pendiente", None),  # never given a retry time: due at once
    ):
        conn.execute(
            sa.insert(documents).values(
                uuid=f"00000000-0000-4000-8000-00000000000{number}", tenant_id=7,
                dialect="facepro", type_code="01", environment="simulador", prefix="SETP",
                number=number, status=status, attempts=number, last_error=f"error {number}",
                next_attempt_at=retry_at, created_at=CREATED, updated_at=CREATED,
            )
        )  # fmt: skip


async def test_pending_documents_become_delivery_jobs(database_url: str) -> None:
    upgrade(database_url, (), BEFORE_JOBS)  # core's tree alone
    engine = create_engine(database_url)
    database = database_for(engine)
    try:
        await database.run(fill_0001, write=True)
        dispose_database(engine)
        upgrade(database_url, ())
        assert pending_revisions(database_url, ()) == ()

        def read(conn: Connection) -> tuple[list[store.Job], list[str]]:
            jobs = [store.get(conn, job_id) for job_id in (1, 2, 3)]
            columns = [c["name"] for c in inspect(conn).get_columns("documents")]
            return [job for job in jobs if job is not None], columns

        jobs, columns = await database.run(read)
    finally:
        dispose_database(engine)
        await engine.dispose()

    assert "next_attempt_at" not in columns
    uuids = [f"00000000-0000-4000-8000-00000000000{n}" for n in (2, 3)]
    assert [(job.kind, job.payload, job.status) for job in jobs] == [
        ("dian.deliver", {"tenant_id": 7, "uuid": uuid}, "queued") for uuid in uuids
    ]
    assert [job.due_at for job in jobs] == [RETRY_AT, CREATED]
    assert [(job.attempts, job.last_error, job.lease_until) for job in jobs] == [
        (2, "error 2", None),
        (3, "error 3", None),
    ]
