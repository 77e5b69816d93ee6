"""One writer at a time per SQLite file within a process.

SQLite has a single writer. When two connections of one process both want it, the loser sleeps
in SQLite's busy handler with growing back-offs (up to 100 ms a time) and can lose again to a
later arrival: under concurrent load that gave tails of seconds. Queuing the process's write
transactions on an ``asyncio.Lock`` costs microseconds and is fair. Other processes still meet
at SQLite's lock (busy timeout), and readers never wait (WAL). PostgreSQL needs none of this:
its gate is a no-op. Units of work of ``core.storage.database`` need no gate: they never yield
to the loop inside a transaction.

Rule for callers: hold the gate only around one write transaction and never await another
gated write inside it (the gate is not re-entrant).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import weakref
from collections.abc import Sequence

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

# event loop -> database file -> its lock (an asyncio.Lock serves one loop)
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def write_gate(
    bind: AsyncEngine | async_sessionmaker[AsyncSession],
) -> contextlib.AbstractAsyncContextManager[object]:
    """The lock to hold around a write transaction on ``bind``'s database (see module doc)."""
    engine = bind if isinstance(bind, AsyncEngine) else bind.kw.get("bind")
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    key = _database_key(engine.url)
    if key is None:
        return contextlib.nullcontext()  # in-memory: every connection is its own database
    per_loop = _locks.setdefault(asyncio.get_running_loop(), {})
    lock = per_loop.get(key)
    if lock is None:
        lock = per_loop[key] = asyncio.Lock()
    return lock


@functools.lru_cache(maxsize=64)
def _database_key(url: URL) -> str | None:
    """The file behind ``url`` (resolved once per URL: ``realpath`` costs system calls)."""
    database = url.database or ""
    if not database or database == ":memory:" or "mode=memory" in str(url):
        return None
    return os.path.realpath(database)


__all__: Sequence[str] = ("write_gate",)
