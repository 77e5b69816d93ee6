"""Apply the packaged alembic migrations: ``pasarela db upgrade`` and ``pasarela serve`` call this.

Works for SQLite and PostgreSQL URLs alike, through the async drivers the gateway already uses,
and from code that is itself inside an event loop (the work then runs on a helper thread).
Several gateway processes may start at once: the migration holds PostgreSQL's advisory lock
(or SQLite's write lock, ``BEGIN IMMEDIATE``) for its whole transaction, so one process migrates
and the others then find the database at head.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from core.storage.engine import create_engine

SCRIPT_LOCATION = "core.storage:migrations"
MIGRATION_LOCK_KEY = 0x70617361  # pg_advisory_xact_lock key ("pasa")


def alembic_config() -> Config:
    """The alembic configuration, built in code (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at ``database_url`` to ``revision``; running it again is a no-op."""
    _run_blocking(_upgrade(database_url, revision))


def current_revision(database_url: str) -> str | None:
    """The revision the database is at (``None`` when never migrated)."""
    return _run_blocking(_current(database_url))


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _upgrade(database_url: str, revision: str) -> None:
    engine = create_engine(database_url)
    on_sqlite = engine.dialect.name == "sqlite"
    if on_sqlite:
        # The driver would run DDL outside any transaction; take the transaction (and the
        # database's write lock) ourselves so the whole migration is one atomic step.
        event.listen(engine.sync_engine, "connect", _driver_autocommit)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
    try:
        async with engine.begin() as connection:
            if not on_sqlite:
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_upgrade_with, revision)
    finally:
        await engine.dispose()


def _driver_autocommit(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _upgrade_with(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def _current(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def _run_blocking(coroutine: Coroutine[Any, Any, Any]) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome: dict[str, Any] = {}

    def runner() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=runner, name="pasarela-migrate")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
