"""The job worker: an asyncio task in every gateway process that runs due jobs.

Each sweep claims due jobs of the kinds this process knows (``JobQueue.claim``) and runs
their handlers, at most ``concurrency`` at a time, each under a renewed lease; the outcome
settles the job (done, retry with backoff, failed). A sweep that found a full batch is
followed at once by another; otherwise the worker waits ``interval_s``, or less: jobs stored
in this process (``JobQueue.notify``) wake it, so the work that follows an acceptance starts
at once instead of piling up for the next sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from core.contracts import JobContext, JobKind, JobOutcome
from core.jobs.queue import JobQueue
from core.jobs.store import Job

log = logging.getLogger(__name__)

# How long a woken worker waits before it sweeps, so that the follow-ups of a burst of
# acceptances are claimed together rather than one transaction each.
WAKE_GATHER_S = 0.02


class JobWorker:
    """Runs the jobs of ``kinds`` from ``queue``; ``gateway`` is handed to every handler
    (``JobContext.gateway``)."""

    def __init__(
        self,
        queue: JobQueue,
        kinds: Mapping[str, JobKind],
        *,
        gateway: Any,
        interval_s: float,
        batch: int = 32,
        concurrency: int = 8,
    ) -> None:
        self.queue = queue
        self.kinds = kinds
        self.gateway = gateway
        self.interval_s = interval_s
        self.batch = batch
        self.concurrency = concurrency
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._woken = asyncio.Event()
        queue.on_stored(self.wake)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stopping, self._woken = asyncio.Event(), asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="pasarela-job-worker")

    def wake(self) -> None:
        """Sweep now if idle (after the sweep in progress, if any)."""
        self._woken.set()

    async def stop(self, grace_s: float = 10.0) -> None:
        """Let the sweep in progress finish (no half-done database call), then stop; past
        ``grace_s`` the sweep is cancelled and its jobs come back when their leases run out."""
        if self._task is None:
            return
        self._stopping.set()
        self._woken.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace_s)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._woken.clear()  # a job stored during the sweep asks for the next one
            try:
                claimed = await self.sweep()
            except Exception:
                log.exception("job sweep failed")
                claimed = 0
            if claimed < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), timeout=self.interval_s)
                    await asyncio.sleep(WAKE_GATHER_S)  # the jobs stored meanwhile join in

    async def sweep(self) -> int:
        """Claim due jobs and run them; returns how many were claimed."""
        jobs = await self.queue.claim(list(self.kinds), self.batch)
        if not jobs:
            return 0
        gate = asyncio.Semaphore(self.concurrency)

        async def run(job: Job) -> None:
            async with gate:
                await self.run(job)

        await asyncio.gather(*(run(job) for job in jobs))
        log.info("job sweep", extra={"claimed": len(jobs)})
        return len(jobs)

    async def run(self, job: Job) -> None:
        """One attempt of a claimed job, settled by its outcome; never raises for the job."""
        kind = self.kinds[job.kind]
        context = JobContext(
            job_id=job.id, kind=job.kind, attempt=job.attempts, gateway=self.gateway
        )
        # A handler may run long without awaiting anything that suspends (the CPU work of a
        # document, SQLite units of work on the loop's thread): start each one on a fresh turn
        # of the event loop, so requests in flight move on between jobs.
        await asyncio.sleep(0)
        async with self.queue.hold(job):
            try:
                outcome = await kind.handler(job.payload, context)
            except Exception as error:
                log.exception("job run failed", extra={"job": job.id, "kind": job.kind})
                outcome = JobOutcome.retry(f"{type(error).__name__}: {error}")
        await asyncio.sleep(0)
        try:
            await self.queue.settle(job, kind, outcome)
        except Exception:  # the lease runs out and a later sweep runs the job again
            log.exception("settling a job failed", extra={"job": job.id, "kind": job.kind})
