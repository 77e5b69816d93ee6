"""Durable follow-up work on the gateway's database: a job queue and its worker.

A job is a row of the ``jobs`` table: a kind (a ``core.contracts.JobKind`` registered by core
or a plugin), a JSON payload, when it is due, how many runs it took and who holds it now.
Store one inside your own transaction with ``enqueue(connection, kind, payload)`` (a rollback
leaves no job), or in a transaction of its own with ``JobQueue.enqueue``. Every gateway process
runs a ``JobWorker``: it claims due jobs under a lease (``Settings.job_lease_s``), renews the
lease while a handler runs and settles the job by the handler's ``JobOutcome``. A process that
dies leaves its jobs leased; once the lease runs out any process runs them again, so handlers
are written to be repeated.
"""

from core.jobs.queue import JobQueue, process_owner
from core.jobs.store import Job, enqueue, enqueue_all
from core.jobs.worker import JobWorker

__all__ = ["Job", "JobQueue", "JobWorker", "enqueue", "enqueue_all", "process_owner"]
