"""Pytest fixtures for Pasarela and its plugins: a migrated SQLite database, the real app, a
test client and the demo tenant.

Installed as the pytest plugin ``pasarela`` (entry point group ``pytest11``), so a plugin's
test suite gets them just by having Pasarela installed (the async ones are pytest-asyncio
fixtures, so they work in its strict and auto modes alike)::

    @pytest.mark.asyncio  # not needed with asyncio_mode = "auto"
    async def test_my_dialect(client, demo_tenant):
        response = await client.get("/mi-api/ping")
        assert response.status_code == 200

Fixtures (all function-scoped, so tests never share state):

``settings``      ``Settings`` on a fresh SQLite file under ``tmp_path``, migrated with core's and
                  every ``plugin_manager`` plugin's migration trees
``plugin_manager`` the installed plugins (override it to add a test plugin via ``extra_plugins``)
``app``           ``create_app(settings, plugin_manager=plugin_manager)``
``ctx``           the app's ``AppContext`` (tenancy services, documents, jobs, registry ...)
``client``        an ``httpx.AsyncClient`` on the app, lifespan run in the test's loop
``demo_tenant``   the ``serve --demo`` tenant (``core.demo.DemoSetup``) in the app's database

``make_test_settings(directory, plugin_manager=...)`` and ``migrate_test_database(url,
plugin_manager)`` migrate a database of your own with core's tree and the plugins' trees.

``serving_gateway(tmp_path, *args)`` runs ``pasarela serve ARGS`` as a real process on a free
port (a context manager yielding the base URL and the process). ``run_pasarela(settings,
*args)`` runs ``pasarela ARGS`` as a real process on the database of ``settings`` (a plugin's
command, for instance) and returns the finished process with its output.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from core.context import AppContext
from core.demo import DemoSetup, ensure_demo
from core.plugins import PluginHooks, build_registry, get_plugin_manager
from core.settings import Settings
from core.storage.migrate import upgrade
from core.web.app import create_app

TEST_SECRET_KEY = "pasarela-test-secret-key"


def dian_xsd_dir() -> Path | None:
    """The DIAN XSD folder named by ``PASARELA_XSD_DIR``, when it holds the schemas (tests then
    validate what they produce against them); ``None`` otherwise."""
    configured = os.environ.get("PASARELA_XSD_DIR")
    if configured and (Path(configured) / "maindoc").is_dir():
        return Path(configured)
    return None


def migrate_test_database(database_url: str, plugin_manager: PluginHooks | None = None) -> None:
    """Apply core's migrations and those of every plugin of ``plugin_manager`` (default: the
    installed plugins), as ``pasarela db upgrade`` does."""
    registry = build_registry(plugin_manager or get_plugin_manager())
    upgrade(database_url, registry.migrations)


def make_test_settings(
    directory: Path, *, plugin_manager: PluginHooks | None = None, **overrides: object
) -> Settings:
    """Settings on a migrated SQLite file in ``directory`` (overrides go to ``Settings``);
    the migrations are core's and those of ``plugin_manager``'s plugins (default: installed)."""
    values: dict[str, object] = {
        "database_url": f"sqlite:///{directory / 'pasarela-test.db'}",
        "secret_key": TEST_SECRET_KEY,
        "secret_key_file": str(directory / "pasarela-test.key"),
        "public_url": "http://testserver.local",
    }
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    migrate_test_database(settings.database_url, plugin_manager)
    return settings


@pytest.fixture
def settings(tmp_path: Path, plugin_manager: PluginHooks) -> Settings:
    return make_test_settings(tmp_path, plugin_manager=plugin_manager)


@pytest.fixture
def plugin_manager() -> PluginHooks:
    return get_plugin_manager()


@pytest.fixture
def app(settings: Settings, plugin_manager: PluginHooks) -> Litestar:
    return create_app(settings, plugin_manager=plugin_manager)


@pytest.fixture
def ctx(app: Litestar) -> AppContext:
    return app.state.ctx


@pytest_asyncio.fixture
async def client(app: Litestar, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, with the app's lifespan run **in the test's event loop**.

    Litestar's ``AsyncTestClient`` runs the app in a portal thread with its own loop; the
    gateway's database pool, DIAN connections and job worker are loop-bound, so a test that
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


@pytest_asyncio.fixture
async def demo_tenant(client: httpx.AsyncClient, ctx: AppContext) -> DemoSetup:
    """The demo tenant, created after the app started (so environments are provisioned)."""
    return await ensure_demo(ctx)


def run_pasarela(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """``pasarela ARGS`` as a real process on the database and secret key of ``settings``;
    stdout and stderr are captured as text. The plugin selection of this process
    (``PASARELA_PLUGINS`` / ``PASARELA_DISABLE_PLUGINS``) is kept; other settings are not."""
    kept = {"PASARELA_PLUGINS", "PASARELA_DISABLE_PLUGINS"}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PASARELA_") or key in kept
    }
    env |= {
        "PASARELA_DATABASE_URL": settings.database_url,
        "PASARELA_SECRET_KEY_FILE": settings.secret_key_file,
        "PASARELA_PUBLIC_URL": settings.public_url,
    }
    if settings.secret_key:
        env["PASARELA_SECRET_KEY"] = settings.secret_key
    script = Path(sys.executable).with_name("pasarela")
    return subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


READY_DEADLINE_S = 90  # a start-up deadline, not a performance assertion


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving_gateway(
    tmp_path: Path, *args: str, env_overrides: Mapping[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run ``pasarela serve ARGS`` as a real process on a free port with its database in
    ``tmp_path`` (``env_overrides`` adds settings); yields (base URL, process) once ``/-/health``
    answers; SIGTERM afterwards."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PASARELA_")} | {
        "PASARELA_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "PASARELA_SECRET_KEY_FILE": str(tmp_path / "serve.key"),
    }
    env |= env_overrides or {}
    script = Path(sys.executable).with_name("pasarela")
    log = (tmp_path / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [str(script), "serve", "--port", str(port), *args],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_DEADLINE_S
        while True:
            assert process.poll() is None, (tmp_path / f"serve-{port}.log").read_text()
            try:
                if httpx.get(f"{base_url}/-/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the gateway did not become healthy"
            time.sleep(0.2)
        yield base_url, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
