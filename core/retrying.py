"""The retry worker: an asyncio task in every gateway process that finishes pending documents.

Each sweep claims due documents (``DocumentRepository.claim_due``: ``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so several gateway processes share the work without taking the same document)
and resumes them through ``IssueService.resume``: ask DIAN by CUFE/CUDE first, re-send the same
signed ZIP only when DIAN does not know it. A document the request handler is still sending is
leased (``next_attempt_at`` in the future) and left alone; after a crash the lease runs out and
any process picks it up, which is how pending documents resume after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from core.clock import now_bogota

if TYPE_CHECKING:
    from core.issuing import IssueService

log = logging.getLogger(__name__)


class RetryWorker:
    def __init__(
        self, service: IssueService, *, interval_s: float, batch: int = 32, concurrency: int = 8
    ) -> None:
        self.service = service
        self.interval_s = interval_s
        self.batch = batch
        self._concurrency = concurrency
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stopping = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="pasarela-retry-worker")

    async def stop(self, grace_s: float = 10.0) -> None:
        """Let the sweep in progress finish (no half-done database call), then stop."""
        if self._task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace_s)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                claimed = await self.sweep()
            except Exception:
                log.exception("retry sweep failed")
                claimed = 0
            if claimed < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=self.interval_s)

    async def sweep(self) -> int:
        """Claim due documents and resume them; returns how many were claimed."""
        service = self.service
        claimed = await service.documents.claim_due(
            self.batch, now_bogota(), lease_s=service._lease_s()
        )
        if not claimed:
            return 0
        gate = asyncio.Semaphore(self._concurrency)

        async def resume(stored) -> None:  # type: ignore[no-untyped-def]
            async with gate:
                try:
                    await service.resume(stored)
                except Exception:
                    # The lease runs out and a later sweep tries again.
                    log.exception("resuming a pending document failed", extra={"uuid": stored.uuid})

        await asyncio.gather(*(resume(doc) for doc in claimed))
        log.info("retry sweep", extra={"claimed": len(claimed)})
        return len(claimed)
