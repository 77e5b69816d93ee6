"""Transactions written as plain functions of a SQLAlchemy ``Connection``.

The hot path (authenticate, number and store a document, record DIAN's answer, audit) runs a
handful of short transactions per request. Through SQLAlchemy's asyncio layer each one pays for
greenlet switches, a shielded commit task and the async pool proxies: on SQLite that overhead
was several times the cost of the statements. Here a unit of work is a synchronous function::

    def take_number(conn: Connection, range_id: int) -> int: ...

    number = await database.run(take_number, range_id, write=True)

and ``Database.run`` executes it as one transaction:

* SQLite file: on a synchronous engine, on the event loop's thread, without yielding. A write
  starts with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so the body never meets a
  lock half-way). Statements take microseconds; when another process holds the lock, the
  function is rolled back and run again after a short sleep on the loop (never blocking it),
  within the same 30 s budget as SQLite's busy timeout. Within a process no two units of work
  can interleave: none of them awaits.
* Any other database (PostgreSQL, in-memory SQLite): ``AsyncConnection.run_sync`` on the async
  engine, so the same function runs on asyncpg.

A unit of work may therefore run more than once on SQLite: it must only touch the database
(no network, no side effects outside the transaction).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.storage.engine import JSON_OPTIONS, SQLITE_BUSY_TIMEOUT_S, set_sqlite_pragmas
from core.storage.sqlite_inline import is_locked

P = ParamSpec("P")
T = TypeVar("T")

_MAX_PAUSE_S = 0.001  # longest sleep between two tries for another process's write lock


class Database:
    """Runs units of work against the database behind one async engine (module docstring)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._inline: Engine | None = _inline_engine(engine)
        self._held: Connection | None = None  # see _run_inline
        self._held_by: int | None = None

    async def run(
        self,
        work: Callable[Concatenate[Connection, P], T],
        *args: P.args,
        write: bool = False,
        **kwargs: P.kwargs,
    ) -> T:
        """``work(connection, *args, **kwargs)`` in one transaction, committed when it returns
        and rolled back when it raises (the exception propagates)."""
        if self._inline is None:
            context = self.engine.begin() if write else self.engine.connect()
            async with context as connection:
                return await connection.run_sync(work, *args, **kwargs)
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
        pause = 0.0
        while True:
            try:
                return self._run_inline(write, work, args, kwargs)
            except OperationalError as error:
                if not is_locked(error.orig) or time.monotonic() >= deadline:
                    self._drop_held()  # it may be unusable now; the next run opens another
                    raise
            await asyncio.sleep(pause)
            pause = min(_MAX_PAUSE_S, pause * 2 or 0.0001)

    async def first(self, statement: Any, parameters: Any = None) -> Any:
        """The first row of one query (``None`` when there is none)."""
        return await self.run(_first, statement, parameters)

    async def all(self, statement: Any, parameters: Any = None) -> list[Any]:
        """Every row of one query."""
        return await self.run(_all, statement, parameters)

    async def scalar(self, statement: Any, parameters: Any = None) -> Any:
        """The first column of the first row of one query (``None`` when there is none)."""
        return await self.run(_scalar, statement, parameters)

    def _run_inline(
        self, write: bool, work: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> T:
        """One try of ``work`` on the thread's connection. The thread that runs the event loop
        keeps one connection checked out (units of work never interleave there: none awaits),
        which saves a pool checkout and return per transaction; other threads use the pool."""
        assert self._inline is not None
        if self._held_by is None:
            self._held_by = threading.get_ident()  # the first caller's: the event loop's
        if threading.get_ident() == self._held_by:
            if self._held is None:
                self._held = self._inline.connect()
            return _transaction(self._held, write, work, args, kwargs)
        with self._inline.connect() as connection:
            return _transaction(connection, write, work, args, kwargs)

    def _drop_held(self) -> None:
        if threading.get_ident() != self._held_by:
            return  # the failure was on a pooled connection; the held one is another thread's
        held, self._held = self._held, None
        if held is not None:
            held.invalidate()
            held.close()

    def dispose(self) -> None:
        """Close the synchronous engine's connections (the async engine is its owner's)."""
        if self._held is not None:
            held, self._held = self._held, None
            held.close()
        if self._inline is not None:
            self._inline.dispose()


def _first(conn: Connection, statement: Any, parameters: Any) -> Any:
    return conn.execute(statement, parameters).first()


def _all(conn: Connection, statement: Any, parameters: Any) -> list[Any]:
    return list(conn.execute(statement, parameters).all())


def _scalar(conn: Connection, statement: Any, parameters: Any) -> Any:
    return conn.execute(statement, parameters).scalar()


def _transaction(
    connection: Connection,
    write: bool,
    work: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> T:
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
        result = work(connection, *args, **kwargs)
        connection.commit()
    except BaseException:
        connection.rollback()  # also after a failed BEGIN or COMMIT: the connection is reused
        raise
    return result


def _inline_engine(engine: AsyncEngine) -> Engine | None:
    """A synchronous engine on the same SQLite file, or ``None`` for any other database."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if not database or database == ":memory:" or "mode=memory" in str(url) or url.query:
        return None
    inline = create_engine(
        make_url(f"sqlite:///{database}"),
        # timeout 0: a locked database is waited for on the loop (Database.run);
        # isolation_level None: transactions are begun explicitly (BEGIN IMMEDIATE for writes);
        # check_same_thread off: the pool may close a connection from another thread
        connect_args={"timeout": 0, "isolation_level": None, "check_same_thread": False},
        **JSON_OPTIONS,
    )
    event.listen(inline, "connect", _on_connect)
    return inline


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # no implicit BEGIN from the sqlite3 module
    set_sqlite_pragmas(dbapi_connection, busy_timeout_s=None)  # Database.run waits instead


_databases: weakref.WeakKeyDictionary[AsyncEngine, Database] = weakref.WeakKeyDictionary()


def database_for(bind: AsyncEngine | async_sessionmaker[AsyncSession]) -> Database:
    """The ``Database`` of an async engine (or of the engine a sessionmaker is bound to),
    made once and shared by every repository on that engine."""
    engine = bind if isinstance(bind, AsyncEngine) else bind.kw.get("bind")
    if not isinstance(engine, AsyncEngine):
        raise TypeError("a sessionmaker bound to an AsyncEngine is required")
    database = _databases.get(engine)
    if database is None:
        database = _databases[engine] = Database(engine)
    return database


def dispose_database(engine: AsyncEngine) -> None:
    """Close the connections ``database_for(engine)`` opened, if it was ever asked for."""
    database = _databases.pop(engine, None)
    if database is not None:
        database.dispose()


__all__ = ("Database", "database_for", "dispose_database")
