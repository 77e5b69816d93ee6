"""Throw-away PostgreSQL databases, so tests (ours and plugin authors') never collide.

Each scratch database gets a unique name on the server of ``base_url`` and is dropped (with
``FORCE``, PostgreSQL 13+) when the context ends; running a suite twice leaves nothing behind.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

SCRATCH_PREFIX = "pasarela_scratch_"


def _plain_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_postgres_database(base_url: str) -> AsyncIterator[str]:
    """Yield the ``postgresql://`` URL of a new empty database on the server of ``base_url``."""
    name = SCRATCH_PREFIX + secrets.token_hex(6)
    admin = await asyncpg.connect(_plain_dsn(base_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _plain_dsn(base_url, name)
    finally:
        admin = await asyncpg.connect(_plain_dsn(base_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
