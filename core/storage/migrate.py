"""Apply the alembic migrations of core and of every installed plugin, as one upgrade.

Each plugin owns its tables through its own migration tree (``core.contracts.MigrationTree``,
registered with ``pasarela_register_migrations``); core's tree (branch ``core``) is always
included. The trees are branches of one alembic history: their ``versions/`` directories are
alembic's ``version_locations``, each tree's first revision carries its branch label, and
``upgrade`` goes to ``heads``, so one call brings every tree up to date.

Works for SQLite and PostgreSQL URLs alike, through the async drivers the gateway already uses,
and from code that is itself inside an event loop (the work then runs on a helper thread).
Several gateway processes may start at once: the migration holds PostgreSQL's advisory lock
(or SQLite's write lock, ``BEGIN IMMEDIATE``) for its whole transaction, so one process migrates
and the others then find the database at its heads.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import os
import threading
from collections.abc import Coroutine, Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from core.contracts import MigrationTree
from core.errors import ConfigurationError
from core.storage.engine import create_engine

CORE_MIGRATIONS = MigrationTree(name="core", location="core.storage:migrations")
MIGRATION_LOCK_KEY = 0x70617361  # pg_advisory_xact_lock key ("pasa")


def with_core(trees: Iterable[MigrationTree]) -> tuple[MigrationTree, ...]:
    """Core's tree first, then the given ones; a second tree named ``core`` is refused."""
    others = [tree for tree in trees if tree != CORE_MIGRATIONS]
    for tree in others:
        if tree.name == CORE_MIGRATIONS.name:
            raise ConfigurationError(
                f"migration tree {tree.name!r} at {tree.location!r}: the name is core's own"
            )
    return (CORE_MIGRATIONS, *others)


def versions_directory(tree: MigrationTree) -> Path:
    """The absolute ``versions/`` directory of a tree (package resource or filesystem path)."""
    package, colon, resource = tree.location.partition(":")
    if colon and not os.path.isabs(tree.location):
        root = Path(str(importlib.resources.files(package).joinpath(resource)))
    else:
        root = Path(tree.location)
    directory = root.absolute() / "versions"
    if not directory.is_dir():
        raise ConfigurationError(
            f"migration tree {tree.name!r}: {directory} is not a directory of revisions"
        )
    return directory


def alembic_config(trees: Iterable[MigrationTree]) -> Config:
    """The alembic configuration for core's tree plus ``trees``, built in code (no alembic.ini).

    Core's directory holds ``env.py``; every tree's ``versions/`` is a version location.
    """
    config = Config()
    config.set_main_option("script_location", CORE_MIGRATIONS.location)
    config.set_main_option("path_separator", "newline")
    locations = "\n".join(str(versions_directory(tree)) for tree in with_core(trees))
    config.set_main_option("version_locations", locations.replace("%", "%%"))
    return config


def upgrade(database_url: str, trees: Iterable[MigrationTree], revision: str = "heads") -> None:
    """Bring the database to ``revision`` (every tree's head by default); again is a no-op.

    ``trees`` are the plugins' trees (``registry.migrations``); core's is always added.
    """
    config = alembic_config(trees)
    _run_blocking(_upgrade(database_url, config, revision))


def current_revisions(database_url: str) -> tuple[str, ...]:
    """The revisions alembic records for the database (empty when never migrated).

    One per tree applied, except that a revision another tree's revision ``depends_on``
    is implied by it and not listed (alembic keeps only the tips of the history).
    """
    return _run_blocking(_current(database_url))


def head_revisions(trees: Iterable[MigrationTree]) -> tuple[str, ...]:
    """The head revision of core's tree and of each of ``trees``: where ``upgrade`` goes."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config(trees)).get_heads()))


def pending_revisions(database_url: str, trees: Iterable[MigrationTree]) -> tuple[str, ...]:
    """The heads of core's tree and ``trees`` that the database has not reached (empty when
    ``upgrade`` has nothing to do)."""
    script = ScriptDirectory.from_config(alembic_config(trees))
    current = current_revisions(database_url)
    reached = {revision.revision for revision in script.iterate_revisions(current, "base")}
    return tuple(sorted(set(script.get_heads()) - reached))


async def _upgrade(database_url: str, config: Config, revision: str) -> None:
    engine = create_engine(database_url)
    on_sqlite = engine.dialect.name == "sqlite"
    if on_sqlite:
        # The driver would run DDL outside any transaction; take the transaction (and the
        # database's write lock) ourselves so the whole migration is one atomic step.
        event.listen(engine.sync_engine, "connect", _driver_autocommit)
        event.listen(engine.sync_engine, "connect", _foreign_keys_off)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
    try:
        async with engine.begin() as connection:
            if not on_sqlite:
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_upgrade_with, config, revision)
            if on_sqlite:
                await connection.run_sync(_check_foreign_keys)
    finally:
        await engine.dispose()


def _driver_autocommit(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    """SQLite alters a table by rebuilding it (a new table, the rows copied, the old one
    dropped): with foreign keys enforced, dropping the old ``tenants`` would cascade-delete
    every row that references it. SQLite's own procedure for schema changes turns enforcement
    off (it cannot change inside a transaction, hence on connect) and checks the keys at the
    end, in the same transaction (``_check_foreign_keys``)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=OFF")
    finally:
        cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise ConfigurationError(
            f"the migration left {len(broken)} rows whose foreign keys point nowhere "
            f"(first: {tuple(broken[0])}); nothing was changed"
        )


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _upgrade_with(connection: Connection, config: Config, revision: str) -> None:
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    applied = MigrationContext.configure(connection).get_current_heads()
    unknown = sorted(set(applied) - known)
    if unknown:
        raise ConfigurationError(
            f"the database is at revisions {unknown} of a migration tree that is not installed "
            "(a plugin removed or disabled): install or enable it again, then upgrade"
        )
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def _current(database_url: str) -> tuple[str, ...]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: tuple(sorted(MigrationContext.configure(sync).get_current_heads()))
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
