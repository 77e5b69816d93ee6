"""What an acceptance stores in its own transaction: the follow-up work of a document.

Kinds in ``IssueService.accepted_jobs`` get one job each for every accepted document (the
AttachedDocument); units in ``IssueService.accepted_units`` decide per document (the e-mail
to the buyer is stored only when asked for and possible). Either way the work is stored with
the acceptance or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from core.jobs import enqueue
from core.storage.documents import StoredDocument

AcceptedUnit = Callable[[Connection, StoredDocument], None]


def acceptance_work(
    kinds: Sequence[str], units: Sequence[AcceptedUnit], stored: StoredDocument
) -> Callable[[Connection], None] | None:
    """A unit of work storing ``stored``'s follow-ups inside the acceptance's transaction
    (``None`` when there are none)."""
    if not kinds and not units:
        return None
    payload = {"tenant_id": stored.tenant_id, "uuid": stored.uuid}

    def store(connection: Connection) -> None:
        for kind in kinds:
            enqueue(connection, kind, payload)
        for unit in units:
            unit(connection, stored)

    return store
