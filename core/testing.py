"""Pytest fixtures for Pasarela and its plugins: a migrated SQLite database, the real app, a
test client and the demo tenant.

Installed as the pytest plugin ``pasarela`` (entry point group ``pytest11``), so a plugin's
test suite gets them just by having Pasarela installed::

    async def test_my_dialect(client, demo_tenant):
        response = await client.get("/mi-api/ping")
        assert response.status_code == 200

Fixtures (all function-scoped, so tests never share state):

``settings``      ``Settings`` on a fresh, migrated SQLite file under ``tmp_path``
``plugin_manager`` the installed plugins (override it to add a test plugin via ``extra_plugins``)
``app``           ``create_app(settings, plugin_manager=plugin_manager)``
``ctx``           the app's ``AppContext`` (tenants service, registry, sessionmaker ...)
``client``        an ``httpx.AsyncClient`` on the app, lifespan run in the test's loop
``demo_tenant``   the ``serve --demo`` tenant (``core.demo.DemoSetup``) in the app's database
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pluggy
import pytest
from litestar import Litestar

from core.demo import DemoSetup, ensure_demo
from core.plugins import get_plugin_manager
from core.settings import Settings
from core.storage.migrate import upgrade
from core.web.app import create_app
from core.web.context import AppContext

TEST_SECRET_KEY = "pasarela-test-secret-key"


def make_test_settings(directory: Path, **overrides: object) -> Settings:
    """Settings on a migrated SQLite file in ``directory`` (overrides go to ``Settings``)."""
    values: dict[str, object] = {
        "database_url": f"sqlite:///{directory / 'pasarela-test.db'}",
        "secret_key": TEST_SECRET_KEY,
        "secret_key_file": str(directory / "pasarela-test.key"),
        "public_url": "http://testserver.local",
    }
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    upgrade(settings.database_url)
    return settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path)


@pytest.fixture
def plugin_manager() -> pluggy.PluginManager:
    return get_plugin_manager()


@pytest.fixture
def app(settings: Settings, plugin_manager: pluggy.PluginManager) -> Litestar:
    return create_app(settings, plugin_manager=plugin_manager)


@pytest.fixture
def ctx(app: Litestar) -> AppContext:
    return app.state.ctx


@pytest.fixture
async def client(app: Litestar, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, with the app's lifespan run **in the test's event loop**.

    Litestar's ``AsyncTestClient`` runs the app in a portal thread with its own loop; the
    gateway's database pool, DIAN connections and retry worker are loop-bound, so a test that
    also calls services directly (``ctx``) would share them across loops. ``httpx`` over
    ``ASGITransport`` keeps one loop.
    """
    ctx: AppContext = app.state.ctx
    await ctx.start()  # what the app's lifespan does (anyio's lifespan task group cannot
    try:  # span a pytest-asyncio fixture's setup and teardown tasks)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.public_url) as http:
            yield http
    finally:
        await ctx.close()


@pytest.fixture
async def demo_tenant(client: httpx.AsyncClient, ctx: AppContext) -> DemoSetup:
    """The demo tenant, created after the app started (so environments are provisioned)."""
    return await ensure_demo(ctx)
