"""Alembic environment for Pasarela, driven from code (``core.storage.migrate.upgrade``).

Core's tree and every plugin's tree run here, as branches of one history.

The caller hands a live synchronous connection in ``config.attributes["connection"]`` (an async
engine's connection run through ``run_sync``), so no alembic.ini and no sync driver are needed.
"""

from __future__ import annotations

from alembic import context

from core.storage.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with core.storage.migrate.upgrade(database_url, trees)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite rebuilds tables to ALTER them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
