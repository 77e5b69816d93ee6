"""The durable job queue on SQLite and PostgreSQL: atomic enqueue, exclusive claims, leases,
backoff and the attempt limit."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Connection, select

from core.api import JobContext, JobKind, JobOutcome, enqueue_job
from core.clock import now_bogota
from core.jobs import Job, JobQueue, JobWorker, store
from core.storage.database import database_for, dispose_database
from core.storage.engine import create_engine
from core.storage.tables import JobRow

LEASE_S = 30.0


class Gateway:
    """One gateway process's view of the database: its own engine and queue."""

    def __init__(self, url: str, name: str) -> None:
        self.engine = create_engine(url)
        self.database = database_for(self.engine)
        self.queue = JobQueue(self.engine, lease_s=LEASE_S, owner=name)

    async def close(self) -> None:
        dispose_database(self.engine)
        await self.engine.dispose()

    async def claim_at(self, moment: dt.datetime, kinds: list[str], limit: int = 10) -> list[Job]:
        return await self.database.run(
            store.claim,
            kinds,
            limit,
            lease_s=LEASE_S,
            owner=self.queue.owner,
            now=moment,
            write=True,
        )

    async def jobs(self) -> list[Job]:
        def read(conn: Connection) -> list[Job]:
            ids = conn.execute(select(JobRow.id).order_by(JobRow.id)).scalars().all()
            return [job for job in (store.get(conn, i) for i in ids) if job is not None]

        return await self.database.run(read)


@pytest.fixture
async def gateways(migrated_url: str) -> AsyncIterator[list[Gateway]]:
    """Three independent gateways (engines) on one migrated database of each backend."""
    made = [Gateway(migrated_url, f"process-{n}") for n in range(3)]
    try:
        yield made
    finally:
        for gateway in made:
            await gateway.close()


async def test_a_job_enqueued_in_a_rolled_back_transaction_is_not_stored(
    gateways: list[Gateway],
) -> None:
    gateway = gateways[0]

    def store_then_fail(conn: Connection) -> None:
        enqueue_job(conn, "test.echo", {"n": 1})
        raise RuntimeError("the caller's own write failed")

    with pytest.raises(RuntimeError):
        await gateway.database.run(store_then_fail, write=True)
    assert await gateway.jobs() == []

    kept = await gateway.database.run(enqueue_job, "test.echo", {"n": 2}, write=True)
    assert [(job.id, job.payload, job.attempts) for job in await gateway.jobs()] == [
        (kept.id, {"n": 2}, 0)
    ]


async def test_concurrent_claims_from_several_processes_never_overlap(
    gateways: list[Gateway],
) -> None:
    first = gateways[0]
    enqueued = [await first.queue.enqueue("test.echo", {"n": n}) for n in range(30)]
    later = now_bogota() + dt.timedelta(seconds=1)
    batches = await asyncio.gather(
        *(gateway.claim_at(later, ["test.echo"], limit=4) for gateway in gateways for _ in range(4))
    )
    claimed = [job.id for batch in batches for job in batch]
    assert len(claimed) == len(set(claimed))
    # what was left is there for the next claim, and kinds this process lacks are not taken
    rest = await first.claim_at(later, ["test.echo"], limit=30)
    assert sorted(claimed + [job.id for job in rest]) == [job.id for job in enqueued]
    other = await first.queue.enqueue("other.kind", {})
    assert await first.claim_at(other.due_at, ["test.echo"]) == []
    assert [job.id for job in await first.claim_at(other.due_at, ["other.kind"])] == [other.id]


async def test_a_crashed_holder_loses_the_job_when_its_lease_runs_out(
    gateways: list[Gateway],
) -> None:
    crashed, survivor = gateways[0], gateways[1]
    await crashed.queue.enqueue("test.echo", {"n": 1})
    now = now_bogota() + dt.timedelta(seconds=1)
    (held,) = await crashed.claim_at(now, ["test.echo"])
    assert (held.attempts, held.owner) == (1, "process-0")
    assert held.lease_until == held.due_at == now + dt.timedelta(seconds=LEASE_S)

    # the holder "crashes": nothing settles the job; while the lease lasts nobody takes it
    assert await survivor.claim_at(now + dt.timedelta(seconds=LEASE_S - 1), ["test.echo"]) == []
    (taken,) = await survivor.claim_at(now + dt.timedelta(seconds=LEASE_S), ["test.echo"])
    assert (taken.id, taken.attempts, taken.owner) == (held.id, 2, "process-1")

    # the old holder, back from a long pause, can no longer settle it: the new claim stands
    kind = JobKind(id="test.echo", handler=_never_called)
    await crashed.queue.settle(held, kind, JobOutcome.done())
    assert [job.attempts for job in await survivor.jobs()] == [2]
    await survivor.queue.settle(taken, kind, JobOutcome.done())
    assert await survivor.jobs() == []


async def test_retries_back_off_and_stop_at_max_attempts(gateways: list[Gateway]) -> None:
    gateway = gateways[0]
    runs: list[int] = []

    async def flaky(payload: dict, context: JobContext) -> JobOutcome:
        runs.append(context.attempt)
        if context.attempt == 2:
            raise ConnectionError("smtp down")
        return JobOutcome.retry("still busy")

    kind = JobKind(id="test.flaky", handler=flaky, max_attempts=3, backoff_s=10, max_backoff_s=15)
    worker = JobWorker(gateway.queue, {kind.id: kind}, gateway=None, interval_s=60)
    await gateway.queue.enqueue(kind.id, {})
    moment = now_bogota()
    for expected_delay, expected_error in ((10, "still busy"), (15, "smtp down")):
        moment += dt.timedelta(days=1)
        (job,) = await gateway.claim_at(moment, [kind.id])
        await worker.run(job)
        (after,) = await gateway.jobs()
        assert after.status == "queued" and after.lease_until is None
        assert after.due_at - after.updated_at == dt.timedelta(seconds=expected_delay)
        assert expected_error in (after.last_error or "")
    (job,) = await gateway.claim_at(moment + dt.timedelta(days=1), [kind.id])
    await worker.run(job)
    (failed,) = await gateway.jobs()
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 3, "still busy")
    assert runs == [1, 2, 3]
    assert await gateway.claim_at(moment + dt.timedelta(days=9), [kind.id]) == []


async def test_two_workers_run_every_job_exactly_once(gateways: list[Gateway]) -> None:
    ran: list[int] = []

    async def record(payload: dict, context: JobContext) -> None:
        ran.append(payload["n"])
        await asyncio.sleep(0)  # let the other worker interleave

    kind = JobKind(id="test.record", handler=record)
    workers = [
        JobWorker(g.queue, {kind.id: kind}, gateway=None, interval_s=60, batch=3, concurrency=2)
        for g in gateways[:2]
    ]
    for n in range(40):
        await gateways[0].queue.enqueue(kind.id, {"n": n})
    while True:
        claimed = await asyncio.gather(*(worker.sweep() for worker in workers))
        if not any(claimed):
            break
    assert sorted(ran) == list(range(40))
    assert await gateways[0].jobs() == []


async def test_a_long_run_keeps_its_lease(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    queue = JobQueue(engine, lease_s=0.3, owner="slow")
    try:
        job = await queue.enqueue("test.echo", {})
        (held,) = await queue.claim(["test.echo"], 1)
        async with queue.hold(held):
            await asyncio.sleep(0.5)  # longer than the lease: renewed every 0.1 s meanwhile
            assert await queue.claim(["test.echo"], 1) == []
        renewed = await queue.get(job.id)
        assert renewed is not None and renewed.lease_until is not None
        assert renewed.lease_until > held.lease_until  # type: ignore[operator]
        assert renewed.lease_until - renewed.updated_at == dt.timedelta(seconds=0.3)
    finally:
        dispose_database(engine)
        await engine.dispose()


async def _never_called(payload: dict, context: JobContext) -> None:
    raise AssertionError("not run in this test")


def test_backoff_doubles_up_to_its_cap() -> None:
    kind = JobKind(id="k", handler=_never_called, backoff_s=5, max_backoff_s=300)
    assert [kind.delay_after(n) for n in (1, 2, 3, 7, 1000)] == [5, 10, 20, 300, 300]


async def test_claim_now_takes_queued_jobs_early_but_never_one_held_elsewhere(
    gateways: list[Gateway],
) -> None:
    """A client asking for work now (contingency "send pendings") takes jobs not yet due, but
    a job another process holds under a live lease stays with that process."""
    first, second = gateways[0], gateways[1]
    later = now_bogota() + dt.timedelta(hours=1)
    held = await first.queue.enqueue("contingency.test", {"n": 1}, due_at=later)
    waiting = await first.queue.enqueue("contingency.test", {"n": 2}, due_at=later)
    (claimed_elsewhere,) = await first.claim_at(later, ["contingency.test"], limit=1)
    assert claimed_elsewhere.id == held.id

    taken = await second.queue.claim_now([held.id, waiting.id])

    assert [job.id for job in taken] == [waiting.id]
    assert taken[0].owner == second.queue.owner and taken[0].attempts == 1
    assert {job.id for job in await second.queue.queued("contingency.test")} == {
        held.id,
        waiting.id,
    }
    assert await second.queue.claim_now([waiting.id]) == []  # now held by the second
