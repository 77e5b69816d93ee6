"""SQLite connections that run on the event loop's own thread.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a helper thread and wakes
the event loop for each answer. A SQLite statement takes tens of microseconds, the round trip
a hundred or more, and under load each wake-up waits for the loop to finish whatever else is
ready: a five-statement transaction then held SQLite's write lock for many milliseconds and the
round trips, not SQLite, bounded throughput. These adapters offer aiosqlite's interface to
SQLAlchemy's aiosqlite dialect but call ``sqlite3`` directly, so a transaction whose body only
awaits the database runs without yielding to the loop and holds the lock for its real duration.

A statement blocks the loop while it runs (microseconds). Waiting for the write lock must not:
the holder may be another task of this same loop (SQLAlchemy shields a commit in a task of
its own, so a transaction can yield before it ends). So the connections have no busy timeout;
a statement that finds the database locked sleeps on the loop (a few milliseconds at most)
and tries again, up to the same 30 s budget SQLite's busy handler had.

The gateway's own reads and writes go through ``core.storage.database`` (a synchronous engine
on the same file); these connections serve what still uses the async engine: migrations, the
health check, and sessions a plugin or a test opens.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class InlineCursor:
    """An aiosqlite-shaped cursor over a ``sqlite3`` cursor."""

    __slots__ = ("_cursor", "_timeout_s")

    def __init__(self, cursor: sqlite3.Cursor, timeout_s: float) -> None:
        self._cursor = cursor
        self._timeout_s = timeout_s

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        arguments = () if parameters is None else parameters
        await _when_unlocked(self._timeout_s, self._cursor.execute, sql, arguments)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = list(parameters)
        await _when_unlocked(self._timeout_s, self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunNow:
    """Stands in for aiosqlite's request queue (the dialect's isolation-level setter uses it)."""

    __slots__ = ()

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-shaped connection over a ``sqlite3`` connection."""

    def __init__(self, connection: sqlite3.Connection, timeout_s: float) -> None:
        self._conn = connection
        self._timeout_s = timeout_s
        self._connection: sqlite3.Connection | None = connection  # checked by the dialect
        self._tx = _RunNow()

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor(), self._timeout_s)

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await _when_unlocked(self._timeout_s, self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """Force-close (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value


def inline_connector(database: str, timeout_s: float) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine`` opening ``database`` inline."""

    async def connect() -> InlineConnection:
        # check_same_thread off: the pool may close a connection from a finalizer thread;
        # timeout 0: a locked database is waited for on the loop (_when_unlocked)
        connection = sqlite3.connect(database, timeout=0, check_same_thread=False)
        return InlineConnection(connection, timeout_s)

    return connect


async def _when_unlocked(timeout_s: float, call: Callable[..., Any], *args: Any) -> Any:
    """``call(*args)``; while SQLite says the database is locked, sleep on the loop and retry."""
    deadline = time.monotonic() + timeout_s
    pause = 0.0
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not is_locked(error) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(0.005, pause * 2 or 0.0005)


def is_locked(error: BaseException | None) -> bool:
    """Whether a sqlite3 error means another connection holds the lock (worth waiting for)."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


__all__: Sequence[str] = ("InlineConnection", "InlineCursor", "inline_connector", "is_locked")
