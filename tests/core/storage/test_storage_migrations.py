"""The packaged migrations build exactly the schema of core.storage.tables, on both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from core.storage.engine import create_engine
from core.storage.migrate import current_revision, head_revision, upgrade
from core.storage.tables import Base

REPO = Path(__file__).resolve().parents[3]


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
                return columns, compare_metadata(context, Base.metadata)

            return await conn.run_sync(inspect_sync)
    finally:
        await engine.dispose()


async def test_upgrade_creates_the_mapped_schema(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    columns, diff = await schema_snapshot(database_url)
    assert set(columns) == set(Base.metadata.tables) | {"alembic_version"}
    for name, table in Base.metadata.tables.items():
        assert columns[name] == sorted(c.name for c in table.columns)
    assert diff == []


async def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    upgrade(database_url)
    before = await schema_snapshot(database_url)
    upgrade(database_url)  # called from inside a running loop: works on a helper thread
    assert await schema_snapshot(database_url) == before
    assert current_revision(database_url) == head_revision()


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    """Gateway processes that start at once each call upgrade: all succeed, one migrates."""
    script = "import sys; from core.storage.migrate import upgrade; upgrade(sys.argv[1])"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url], cwd=REPO, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert current_revision(database_url) == head_revision()
