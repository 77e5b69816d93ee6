"""A gateway whose secret key cannot open the database's secrets is refused at start, with a
message naming the settings: by the web app's start-up, by every CLI command and by
``pasarela serve`` (exit status 1), on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import delete

from core.context import AppContext
from core.demo import ensure_demo
from core.errors import ConfigurationError
from core.settings import Settings
from core.storage.tables import SecretKeyCheck
from core.testing import free_port, make_test_settings, run_pasarela
from core.web.app import create_app

SETTINGS_NAMED = ("PASARELA_SECRET_KEY", "PASARELA_SECRET_KEY_FILE")


async def first_gateway(settings: Settings) -> None:
    """The first gateway on the database: it stores its check value and a demo tenant (a
    certificate and PINs encrypted with its key)."""
    ctx = AppContext.create(settings)
    await ctx.start()
    try:
        await ensure_demo(ctx)
    finally:
        await ctx.close()


def configuration_error(error: BaseException) -> ConfigurationError:
    """The ConfigurationError itself, or the one inside an exception group."""
    if isinstance(error, ConfigurationError):
        return error
    assert isinstance(error, BaseExceptionGroup), error
    return configuration_error(error.exceptions[0])


def refused(error: BaseException | str) -> bool:
    text = str(error)
    return all(name in text for name in SETTINGS_NAMED) and "no descifra" in text


async def test_the_app_refuses_to_start_with_another_key(database_url: str, tmp_path: Path):
    settings = make_test_settings(tmp_path, database_url=database_url)
    await first_gateway(settings)

    same = create_app(settings)
    async with AsyncTestClient(same) as client:  # the right key starts and serves
        assert (await client.get("/-/health")).status_code == 200

    other = make_test_settings(tmp_path, database_url=database_url, secret_key="otra-clave")
    with pytest.raises(BaseException) as caught:  # the lifespan's task group wraps it
        async with AsyncTestClient(create_app(other)):
            pass
    assert refused(configuration_error(caught.value))


async def test_a_database_with_secrets_but_no_check_value_is_verified_on_them(
    database_url: str, tmp_path: Path
):
    """A database from before the check value: the key must open a stored certificate."""
    settings = make_test_settings(tmp_path, database_url=database_url)
    await first_gateway(settings)
    ctx = AppContext.create(settings)
    try:
        await ctx.database.run(
            lambda conn: conn.execute(delete(SecretKeyCheck.__table__)), write=True
        )
    finally:
        await ctx.close()

    other = AppContext.create(
        make_test_settings(tmp_path, database_url=database_url, secret_key="otra-clave")
    )
    try:
        with pytest.raises(ConfigurationError) as caught:
            await other.start()
    finally:
        await other.close()
    assert refused(caught.value)


def test_the_cli_and_serve_exit_with_the_message(tmp_path: Path):
    settings = make_test_settings(tmp_path)
    created = run_pasarela(settings, "tenants", "list")
    assert created.returncode == 0, created.stderr

    other = make_test_settings(tmp_path, secret_key="otra-clave")
    listing = run_pasarela(other, "tenants", "list")
    assert listing.returncode == 1
    assert refused(listing.stderr) and "Traceback" not in listing.stderr

    serving = run_pasarela(other, "serve", "--port", str(free_port()))
    assert serving.returncode == 1
    assert refused(serving.stderr) and "Traceback" not in serving.stderr


def test_the_sqlite_file_and_the_key_file_are_private(tmp_path: Path):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'nuevo.db'}",
        secret_key_file=str(tmp_path / "nuevo.key"),
    )
    assert run_pasarela(settings, "db", "upgrade").returncode == 0
    assert run_pasarela(settings, "tenants", "list").returncode == 0
    for name in ("nuevo.db", "nuevo.key"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name
