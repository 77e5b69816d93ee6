"""What a document's final state stores in its own transaction: the follow-up work.

Kinds in ``IssueService.accepted_jobs`` get one job each for every accepted document (the
AttachedDocument); units in ``IssueService.accepted_units`` decide per document (the e-mail
to the buyer is stored only when asked for and possible). Either way the work is stored with
the acceptance or not at all. The delivery job that produced the final state is completed in
the same transaction, so a request that finishes its document writes once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from core.jobs import Job, enqueue
from core.jobs.store import complete
from core.storage.documents import StoredDocument

AcceptedUnit = Callable[[Connection, StoredDocument], None]


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
