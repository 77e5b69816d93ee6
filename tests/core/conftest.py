"""Database fixtures for core tests: a fresh SQLite file and a fresh PostgreSQL database.

PostgreSQL comes from ``PASARELA_TEST_DATABASE_URL``; without it those tests are skipped, except
under CI (``CI=true``) where a missing database is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.context import AppContext
from core.secrets import SecretBox, key_from_text
from core.settings import Settings
from core.storage.engine import create_engine, create_sessionmaker
from core.storage.scratch_database import scratch_postgres_database
from core.testing import migrate_test_database


def postgres_base_url() -> str:
    url = os.environ.get("PASARELA_TEST_DATABASE_URL", "")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("PASARELA_TEST_DATABASE_URL must be set in CI: PostgreSQL tests cannot skip")
    pytest.skip("PASARELA_TEST_DATABASE_URL not set")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pasarela-test.db'}"


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with scratch_postgres_database(postgres_base_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of each backend (the test runs once per backend)."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    yield request.getfixturevalue(name)


@pytest.fixture
def migrated_url(database_url: str) -> str:
    migrate_test_database(database_url)
    return database_url


@pytest.fixture
async def sessionmaker(migrated_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated database of each backend."""
    engine = create_engine(migrated_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def secret_box() -> SecretBox:
    return SecretBox(key_from_text("clave de pruebas"))


@pytest.fixture
async def db_ctx(migrated_url: str, tmp_path: Path) -> AsyncIterator[AppContext]:
    """The composition root (every service, installed plugins) on a migrated database of each
    backend."""
    context = AppContext.create(
        Settings(
            database_url=migrated_url,
            secret_key="clave de pruebas",
            secret_key_file=str(tmp_path / "pasarela.key"),
        )
    )
    try:
        yield context
    finally:
        await context.close()
