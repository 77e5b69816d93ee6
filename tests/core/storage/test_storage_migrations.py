"""Core's and every installed plugin's migration trees, applied as one upgrade, build exactly
the schema of the mapped tables, on both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from adapters.factus.tables import metadata as factus_metadata
from core.api import MigrationTree
from core.errors import ConfigurationError
from core.plugins import build_registry, get_plugin_manager
from core.storage.engine import create_engine
from core.storage.migrate import (
    CORE_MIGRATIONS,
    alembic_config,
    current_revisions,
    head_revisions,
    pending_revisions,
    upgrade,
)
from core.storage.tables import Base
from core.testing import migrate_test_database
from plugins.environments.simulador.tables import SimBase

REPO = Path(__file__).resolve().parents[3]
MAPPED = (Base.metadata, SimBase.metadata, factus_metadata)


def installed_trees() -> list[MigrationTree]:
    return list(build_registry(get_plugin_manager()).migrations)


async def schema_snapshot(url: str) -> tuple[dict[str, list[str]], list[object]]:
    """Columns per table and alembic's diff between the database and the mapped classes."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:

            def inspect_sync(sync_conn):  # type: ignore[no-untyped-def]
                inspector = inspect(sync_conn)
                columns = {
                    table: sorted(c["name"] for c in inspector.get_columns(table))
                    for table in inspector.get_table_names()
                }
                context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return columns, compare_metadata(context, MAPPED)  # type: ignore[arg-type]

            return await conn.run_sync(inspect_sync)
    finally:
        await engine.dispose()


def test_the_simulator_registers_its_own_tree() -> None:
    trees = {tree.name: tree for tree in installed_trees()}
    assert trees["simulador"].location == "plugins.environments.simulador:migrations"
    assert "core" not in trees  # core's tree is the host's, always applied
    assert set(head_revisions(trees.values())) == {
        *head_revisions(()),
        *(head for tree in trees.values() for head in head_revisions([tree])),
    }


async def test_upgrade_creates_core_and_simulator_tables(database_url: str) -> None:
    assert current_revisions(database_url) == ()
    upgrade(database_url, installed_trees())
    heads = head_revisions(installed_trees())
    assert current_revisions(database_url) == heads
    assert len(heads) == 1 + len(installed_trees()) and "simulador_0002" in heads  # one per tree
    assert pending_revisions(database_url, installed_trees()) == ()
    columns, diff = await schema_snapshot(database_url)
    mapped = {name: table for metadata in MAPPED for name, table in metadata.tables.items()}
    assert set(columns) == set(mapped) | {"alembic_version"}
    for name, table in mapped.items():
        assert columns[name] == sorted(c.name for c in table.columns)
    assert diff == []


async def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    assert pending_revisions(database_url, installed_trees()) == head_revisions(installed_trees())
    upgrade(database_url, installed_trees())
    before = await schema_snapshot(database_url), current_revisions(database_url)
    upgrade(database_url, installed_trees())  # called from inside a running loop: a helper thread
    assert (await schema_snapshot(database_url), current_revisions(database_url)) == before


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    """Gateway processes that start at once each call upgrade: all succeed, one migrates."""
    script = (
        "import sys; from core.testing import migrate_test_database; "
        "migrate_test_database(sys.argv[1])"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url], cwd=REPO, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert current_revisions(database_url) == head_revisions(installed_trees())


def test_a_plugin_tree_may_not_take_cores_name(sqlite_url: str) -> None:
    impostor = MigrationTree(name="core", location="plugins.environments.simulador:migrations")
    with pytest.raises(ConfigurationError, match="core"):
        upgrade(sqlite_url, [impostor])
    assert current_revisions(sqlite_url) == ()


def test_a_tree_without_versions_is_a_configuration_error(tmp_path: Path) -> None:
    missing = MigrationTree(name="ausente", location=str(tmp_path / "no-such-tree"))
    with pytest.raises(ConfigurationError, match="ausente"):
        head_revisions([missing])


def test_core_tree_is_labelled_core() -> None:
    """Plugin trees depend on core's first revision by its id and find core's branch by name."""
    script = ScriptDirectory.from_config(alembic_config(()))
    assert CORE_MIGRATIONS.name in script.get_revision("0001").branch_labels
    assert script.get_revision("0001").down_revision is None


def test_migrate_test_database_takes_the_installed_trees(sqlite_url: str) -> None:
    migrate_test_database(sqlite_url)
    assert current_revisions(sqlite_url) == head_revisions(installed_trees())
