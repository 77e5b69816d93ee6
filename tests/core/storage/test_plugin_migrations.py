"""A third-party plugin's own migration tree: registered through the hook, applied with core's,
its table usable next to core's; and what happens when that plugin goes away again."""

from __future__ import annotations

from pathlib import Path

import pluggy
import pytest
import sqlalchemy as sa

from core.api import MigrationTree
from core.errors import ConfigurationError
from core.plugins import build_registry, get_plugin_manager
from core.settings import Settings
from core.storage.engine import create_engine
from core.storage.migrate import current_revisions, head_revisions, pending_revisions, upgrade
from core.testing import make_test_settings, migrate_test_database
from tests.core.storage import plugin_with_table
from tests.core.storage.plugin_with_table import TABLE


@pytest.fixture
def plugin_manager() -> pluggy.PluginManager:
    """What a plugin's own test suite does: the installed plugins plus the one under test."""
    return get_plugin_manager(extra_plugins=[plugin_with_table])


async def tables_and_notes(url: str) -> tuple[set[str], list[tuple[str, str]]]:
    """The database's tables, and each plugin note with its tenant's NIT (a join on core)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO tenants (uuid, nit, dv, name, party, environment, software,"
                    " permissions, provider_nit, provider_dv, created_at, updated_at) VALUES"
                    " ('u-1', '900373076', '4', 'Demo', '{}', 'simulador', '{}', '[]',"
                    " '900373076', '4', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
            )
            await conn.execute(
                sa.text(
                    f"INSERT INTO {TABLE} (tenant_id, text) "
                    "SELECT id, 'nota del plugin' FROM tenants WHERE nit = '900373076'"
                )
            )
            tables = await conn.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))
            notes = (
                await conn.execute(
                    sa.text(
                        f"SELECT t.nit, n.text FROM {TABLE} n JOIN tenants t ON t.id = n.tenant_id"
                    )
                )
            ).all()
        return tables, [tuple(row) for row in notes]
    finally:
        await engine.dispose()


def test_the_settings_fixture_migrates_the_overridden_plugin_manager(settings: Settings) -> None:
    assert "notas_plugin_0001" in current_revisions(settings.database_url)


async def test_a_plugin_tree_gets_its_table_on_both_backends(
    database_url: str, plugin_manager: pluggy.PluginManager
) -> None:
    trees = build_registry(plugin_manager).migrations
    assert trees.get("notas_plugin") == plugin_with_table.MIGRATIONS
    upgrade(database_url, trees)
    assert pending_revisions(database_url, trees) == ()
    revisions = current_revisions(database_url)
    # core's 0001 is implied by the plugin revision that depends on it
    assert set(revisions) == set(head_revisions(trees)) - {"0001"}
    assert {"notas_plugin_0001", "simulador_0002"} <= set(revisions)
    tables, notes = await tables_and_notes(database_url)
    assert {TABLE, "tenants", "sim_companies"} <= tables
    assert notes == [("900373076", "nota del plugin")]
    upgrade(database_url, trees)  # a no-op
    assert current_revisions(database_url) == revisions


def test_make_test_settings_takes_a_plugin_manager(
    tmp_path: Path, plugin_manager: pluggy.PluginManager
) -> None:
    settings = make_test_settings(tmp_path, plugin_manager=plugin_manager)
    assert "notas_plugin_0001" in current_revisions(settings.database_url)
    (tmp_path / "sin-plugin").mkdir()
    bare = make_test_settings(tmp_path / "sin-plugin")
    assert "notas_plugin_0001" not in current_revisions(bare.database_url)


def test_two_trees_with_one_name_stop_start_up() -> None:
    twin = type(
        "Twin",
        (),
        {
            "pasarela_register_migrations": staticmethod(
                lambda register: register(MigrationTree(name="notas_plugin", location="x"))
            )
        },
    )
    pm = get_plugin_manager(extra_plugins=[plugin_with_table, twin])
    with pytest.raises(ConfigurationError, match="notas_plugin"):
        build_registry(pm)


def test_a_database_ahead_of_the_installed_plugins_is_refused_clearly(
    sqlite_url: str, plugin_manager: pluggy.PluginManager
) -> None:
    """Upgrading without a plugin whose tree the database carries names the revision."""
    migrate_test_database(sqlite_url, plugin_manager)
    with pytest.raises(ConfigurationError, match="notas_plugin_0001"):
        migrate_test_database(sqlite_url)
