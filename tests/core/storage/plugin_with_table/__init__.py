"""A third-party plugin in miniature: one table of its own, declared by its own migration tree.

Its tree lives next to this file (a filesystem location, as a plugin checked out rather than
installed would give); the table references core's tenants, so its first revision depends on
core's.
"""

from __future__ import annotations

from pathlib import Path

from core.api import MigrationTree, hookimpl

MIGRATIONS = MigrationTree(
    name="notas_plugin", location=str(Path(__file__).with_name("migrations"))
)
TABLE = "notas_plugin_notes"


@hookimpl
def pasarela_register_migrations(register) -> None:  # type: ignore[no-untyped-def]
    register(MIGRATIONS)
