"""The ``jobs`` table as units of work: plain functions of a ``Connection`` (one transaction).

Each can run inside a caller's own transaction (``core.storage.database.Database.run``), which
is how a document and the job that finishes it are stored atomically: a rollback leaves
neither. Claims take due jobs with a lease in one statement: ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (several processes share the work without waiting on each other), SQLite's single
write lock otherwise. Every change after a claim is fenced on ``(id, attempts)``: a process
whose lease ran out and whose job was claimed again cannot settle it any more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Final

import msgspec
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from core.clock import now_bogota
from core.storage.tables import JobRow

QUEUED: Final = "queued"
FAILED: Final = "failed"
_JOBS: Final = JobRow.__table__
_C: Final = _JOBS.c


class Job(msgspec.Struct, frozen=True, kw_only=True):
    """One stored job. ``attempts`` is the number of runs claimed so far (the current one
    included while it runs); it identifies the claim when the job is settled."""

    id: int
    kind: str
    payload: dict[str, Any]
    status: str
    due_at: dt.datetime
    attempts: int
    lease_until: dt.datetime | None
    owner: str | None
    last_error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


def enqueue(
    connection: Connection,
    kind: str,
    payload: Mapping[str, Any],
    *,
    due_at: dt.datetime | None = None,
    lease_s: float | None = None,
    owner: str | None = None,
) -> Job:
    """Store a job of ``kind`` due at ``due_at`` (default: now), in the caller's transaction.

    ``lease_s``: the caller runs the job itself right away (its first attempt) and holds it
    that long; another process takes it only if the caller dies before settling it.
    """
    now = now_bogota()
    values: dict[str, Any] = {
        "kind": kind,
        "payload": dict(payload),
        "status": QUEUED,
        "due_at": due_at or now,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    if lease_s is not None:
        lease_until = now + dt.timedelta(seconds=lease_s)
        values.update(due_at=lease_until, lease_until=lease_until, owner=owner, attempts=1)
    return _job(connection.execute(_INSERT, values).one())


def enqueue_all(
    kinds: Sequence[str], payload: Mapping[str, Any]
) -> Callable[[Connection], None] | None:
    """A unit of work storing one job of each of ``kinds`` with ``payload`` inside the
    caller's transaction (``None`` when there are none): follow-up work of a state change."""
    if not kinds:
        return None

    def store_each(connection: Connection) -> None:
        for kind in kinds:
            enqueue(connection, kind, payload)

    return store_each


def claim(
    connection: Connection,
    kinds: Collection[str],
    limit: int,
    *,
    lease_s: float,
    owner: str,
    now: dt.datetime | None = None,
) -> list[Job]:
    """Take up to ``limit`` due jobs of ``kinds``, oldest due first, leased to ``owner``.

    Only kinds this process knows are taken, so a process without a plugin never fails the
    jobs another process enqueued for it.
    """
    if not kinds or limit < 1:
        return []
    now = now or now_bogota()
    lease_until = now + dt.timedelta(seconds=lease_s)
    due = (
        select(_C.id)
        .where(_C.status == QUEUED, _C.due_at <= now, _C.kind.in_(sorted(kinds)))
        .order_by(_C.due_at, _C.id)
        .limit(limit)
    )
    if connection.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    rows = connection.execute(
        update(_JOBS)
        .where(_C.id.in_(due.scalar_subquery()))
        .values(
            attempts=_C.attempts + 1,
            due_at=lease_until,
            lease_until=lease_until,
            owner=owner,
            updated_at=now,
        )
        .returning(*_C)
    ).all()
    return sorted((_job(row) for row in rows), key=lambda job: (job.due_at, job.id))


def claim_now(
    connection: Connection, ids: Collection[int], *, lease_s: float, owner: str
) -> list[Job]:
    """Take the queued jobs ``ids`` at once, due or not, leased to ``owner`` (a client asked
    for the work now); a job another process holds under a live lease is left to it."""
    if not ids:
        return []
    now = now_bogota()
    lease_until = now + dt.timedelta(seconds=lease_s)
    free = (_C.lease_until.is_(None)) | (_C.lease_until <= now)
    rows = connection.execute(
        update(_JOBS)
        .where(_C.id.in_(sorted(ids)), _C.status == QUEUED, free)
        .values(
            attempts=_C.attempts + 1,
            due_at=lease_until,
            lease_until=lease_until,
            owner=owner,
            updated_at=now,
        )
        .returning(*_C)
    ).all()
    return sorted((_job(row) for row in rows), key=lambda job: job.id)


def queued(connection: Connection, kind: str) -> list[Job]:
    """Every queued job of ``kind`` (held or not), oldest first."""
    rows = connection.execute(
        select(_JOBS).where(_C.kind == kind, _C.status == QUEUED).order_by(_C.id)
    ).all()
    return [_job(row) for row in rows]


def renew(connection: Connection, job: Job, lease_s: float) -> bool:
    """Extend the lease of a job still held under this claim; ``False`` when it is not."""
    now = now_bogota()
    lease_until = now + dt.timedelta(seconds=lease_s)
    values = {"due_at": lease_until, "lease_until": lease_until, "updated_at": now}
    return connection.execute(_RENEW, {**_held(job), **values}).rowcount == 1


def complete(connection: Connection, job: Job) -> bool:
    """The work is done: the job is deleted. ``False`` when this claim no longer holds it."""
    return connection.execute(_COMPLETE, _held(job)).rowcount == 1


def reschedule(connection: Connection, job: Job, delay_s: float, error: str | None) -> bool:
    """Release the job to run again in ``delay_s`` seconds, noting why."""
    now = now_bogota()
    values = {
        "due_at": now + dt.timedelta(seconds=delay_s),
        "lease_until": None,
        "owner": None,
        "last_error": _clip(error),
        "updated_at": now,
    }
    return connection.execute(_RELEASE, {**_held(job), **values}).rowcount == 1


def fail(connection: Connection, job: Job, error: str | None) -> bool:
    """Give up: the job stays in the table as ``failed`` with its last error, never run again."""
    values = {
        "status": FAILED,
        "lease_until": None,
        "owner": None,
        "last_error": _clip(error),
        "updated_at": now_bogota(),
    }
    return connection.execute(_RELEASE, {**_held(job), **values}).rowcount == 1


def queued_by_kind(connection: Connection) -> dict[str, int]:
    """How many jobs wait in the queue (due or not), by kind: the queue depth."""
    rows = connection.execute(
        select(_C.kind, func.count()).where(_C.status == QUEUED).group_by(_C.kind)
    )
    return {kind: int(count) for kind, count in rows}


def count_by_status(connection: Connection) -> dict[str, int]:
    rows = connection.execute(select(_JOBS.c.status, func.count()).group_by(_JOBS.c.status))
    return {str(status): int(count) for status, count in rows}


def get(connection: Connection, job_id: int) -> Job | None:
    row = connection.execute(select(_JOBS).where(_C.id == job_id)).one_or_none()
    return None if row is None else _job(row)


def _held(job: Job) -> dict[str, int]:
    """The parameters of ``_HELD`` for this claim of ``job``."""
    return {"held_id": job.id, "held_attempts": job.attempts}


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:2000]


_INSERT: Final = insert(_JOBS).returning(*_C)
# A job still held under one claim (parameters: ``_held``); the statements on a held job are
# built once, the columns they set being the other keys given to ``execute``.
_HELD: Final = (
    (_C.id == bindparam("held_id"))
    & (_C.attempts == bindparam("held_attempts"))
    & (_C.status == QUEUED)
)
_COMPLETE: Final = delete(_JOBS).where(_HELD)
_RENEW: Final = update(_JOBS).where(_HELD, _C.lease_until.is_not(None))
_RELEASE: Final = update(_JOBS).where(_HELD)


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        payload=dict(row.payload or {}),
        status=row.status,
        due_at=row.due_at,
        attempts=row.attempts,
        lease_until=row.lease_until,
        owner=row.owner,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
