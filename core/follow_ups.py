"""What a document's final state stores in its own transaction: the follow-up work.

``IssueService.accepted_columns`` hold what an accepted document gets built right away (the
AttachedDocument): each is built before the transaction that records the acceptance and its
columns are written by that same UPDATE, so nothing is left to do later; when one cannot be
built then, the job of its kind is stored instead and builds it (or records why it cannot).
Units in ``IssueService.accepted_units`` decide per document (the e-mail to the buyer is
stored only when asked for and possible). Either way the work is stored with the acceptance
or not at all. The delivery job that produced the final state is completed in the same
transaction, so a request that finishes its document writes once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Connection

from core.clock import now_bogota
from core.jobs import Job, enqueue
from core.jobs.store import complete
from core.model.status import DocumentStatus
from core.storage.documents import StoredDocument

AcceptedUnit = Callable[[Connection, StoredDocument], None]


@dataclass(frozen=True, slots=True)
class AcceptedColumns:
    """Columns built for a document as DIAN accepts it. ``build`` gets the document as
    accepted (status, DIAN's ApplicationResponse, the acceptance moment as ``updated_at``)
    and gives the columns to store with the acceptance, or ``None`` when it cannot build
    them now: a job of ``kind`` is stored then and builds them later."""

    kind: str
    build: Callable[[StoredDocument], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True, slots=True)
class FinalStateWork:
    """A unit of work for the transaction that records ``stored``'s final state: the
    follow-ups when it was accepted (``kinds``, ``units``) and the completion of ``job``."""

    stored: StoredDocument
    kinds: Sequence[str] = ()
    units: Sequence[AcceptedUnit] = ()
    job: Job | None = None

    @property
    def stores_jobs(self) -> bool:
        """Whether jobs may be stored (the worker is then woken)."""
        return bool(self.kinds or self.units)

    def __call__(self, connection: Connection) -> None:
        payload = {"tenant_id": self.stored.tenant_id, "uuid": self.stored.uuid}
        for kind in self.kinds:
            enqueue(connection, kind, payload)
        for unit in self.units:
            unit(connection, self.stored)
        if self.job is not None:
            complete(connection, self.job)


async def acceptance_work(
    stored: StoredDocument,
    columns: dict[str, Any],
    built: Sequence[AcceptedColumns],
    units: Sequence[AcceptedUnit],
    job: Job | None,
) -> FinalStateWork:
    """The work of recording ``stored``'s acceptance with the answer ``columns``: what
    ``built`` gives is added to ``columns`` (the UPDATE that records the acceptance writes
    it, with the acceptance moment as ``updated_at``); the kinds of those that gave nothing
    are stored as jobs."""
    columns["updated_at"] = accepted_at = now_bogota()
    accepted = msgspec.structs.replace(
        stored,
        status=DocumentStatus.ACCEPTED,
        application_response=columns.get("application_response", stored.application_response),
        updated_at=accepted_at,
    )
    kinds = []
    for follow_up in built:
        extra = await follow_up.build(accepted)
        if extra is None:
            kinds.append(follow_up.kind)
        else:
            columns.update(extra)
    return FinalStateWork(stored, kinds, units, job)
