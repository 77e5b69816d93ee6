"""``JobQueue``: the job store (``core.jobs.store``) behind async calls, each its own
transaction, plus the lease keeper that renews a job's lease while it runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from core.contracts import JobKind, JobOutcome
from core.jobs import store
from core.jobs.store import Job
from core.metrics import job_retried
from core.storage.database import database_for

log = logging.getLogger(__name__)


def process_owner() -> str:
    """Who holds a lease: host, process id and a random tag (process ids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobQueue:
    """Durable jobs in the gateway's database (see ``core.jobs``).

    ``lease_s`` is how long a claim holds a job before another process may take it
    (``Settings.job_lease_s``); ``hold`` renews it while the job runs.
    """

    def __init__(self, engine: AsyncEngine, *, lease_s: float, owner: str | None = None) -> None:
        self._db = database_for(engine)
        self.lease_s = lease_s
        self.owner = owner or process_owner()
        self._listeners: list[Callable[[], None]] = []

    def on_stored(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever this process stores jobs (the worker's wake-up)."""
        self._listeners.append(listener)

    def notify(self) -> None:
        """Jobs were stored in a transaction of the caller's, now committed: wake the
        listeners (``enqueue`` does this itself)."""
        for listener in self._listeners:
            listener()

    async def enqueue(self, kind: str, payload: Mapping[str, Any], *, due_at: Any = None) -> Job:
        """Store a job in a transaction of its own (inside a transaction of yours, call
        ``core.jobs.enqueue(connection, ...)`` instead)."""
        job = await self._db.run(store.enqueue, kind, payload, due_at=due_at, write=True)
        self.notify()
        return job

    async def claim(self, kinds: Collection[str], limit: int) -> list[Job]:
        return await self._db.run(
            store.claim, kinds, limit, lease_s=self.lease_s, owner=self.owner, write=True
        )

    async def claim_now(self, ids: Collection[int]) -> list[Job]:
        """Claim the queued jobs ``ids`` whether due or not (``store.claim_now``)."""
        return await self._db.run(
            store.claim_now, ids, lease_s=self.lease_s, owner=self.owner, write=True
        )

    async def queued(self, kind: str) -> list[Job]:
        return await self._db.run(store.queued, kind)

    async def get(self, job_id: int) -> Job | None:
        return await self._db.run(store.get, job_id)

    async def queued_by_kind(self) -> dict[str, int]:
        """The queue depth by job kind (``/-/metrics``)."""
        return await self._db.run(store.queued_by_kind)

    async def counts(self) -> dict[str, int]:
        """How many jobs wait (``queued``) and how many gave up (``failed``), by status."""
        return await self._db.run(store.count_by_status)

    async def settle(self, job: Job, kind: JobKind, outcome: JobOutcome | None) -> None:
        """Apply how a run ended: delete it when done, else retry with the kind's backoff,
        or keep it as failed once ``kind.max_attempts`` runs are spent."""
        outcome = outcome or JobOutcome.done()
        if outcome.state == "done":
            settled = await self._db.run(store.complete, job, write=True)
        elif outcome.state == "failed" or job.attempts >= kind.max_attempts:
            log.warning(
                "job failed",
                extra={
                    "job": job.id,
                    "kind": job.kind,
                    "attempts": job.attempts,
                    "error": outcome.error,
                },
            )
            settled = await self._db.run(store.fail, job, outcome.error, write=True)
        else:
            delay = (
                outcome.delay_s if outcome.delay_s is not None else kind.delay_after(job.attempts)
            )
            settled = await self._db.run(store.reschedule, job, delay, outcome.error, write=True)
            job_retried(job.kind)
        if not settled:  # the lease ran out and another process claimed the job meanwhile
            log.info("job settled elsewhere", extra={"job": job.id, "kind": job.kind})

    @contextlib.asynccontextmanager
    async def hold(self, job: Job) -> AsyncIterator[None]:
        """Renew ``job``'s lease every third of it while the block runs, so a slow run (a
        DIAN call near its timeout) is not taken over by another process; a crash stops the
        renewals and the job is due again one lease later."""
        loop = asyncio.get_running_loop()
        interval = self.lease_s / 3
        renewing: set[asyncio.Task[None]] = set()
        handle: asyncio.TimerHandle | None = None

        async def renew() -> None:
            try:
                await self._db.run(store.renew, job, self.lease_s, write=True)
            except Exception:
                log.warning("renewing a job lease failed", exc_info=True, extra={"job": job.id})

        def tick() -> None:
            nonlocal handle
            task = loop.create_task(renew())
            renewing.add(task)
            task.add_done_callback(renewing.discard)
            handle = loop.call_later(interval, tick)

        handle = loop.call_later(interval, tick)
        try:
            yield
        finally:
            handle.cancel()
            if renewing:  # let a renewal in flight finish: settling comes after it
                await asyncio.gather(*renewing, return_exceptions=True)
