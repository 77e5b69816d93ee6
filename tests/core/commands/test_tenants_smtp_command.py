"""``pasarela tenants smtp NIT ...``: the SMTP settings of a tenant, the password read from a
file (or ``PASARELA_SMTP_PASSWORD``), stored encrypted and never printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main
from core.commands import run_with_context

NIT = "900373076"
PASSWORD = "clave-smtp-de-prueba-4410"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "cli.db"
    env = {
        "PASARELA_DATABASE_URL": f"sqlite:///{database}",
        "PASARELA_SECRET_KEY": "clave-de-prueba-cli",
        "PASARELA_SECRET_KEY_FILE": str(tmp_path / "cli.key"),
        "PASARELA_SOFTWARE_PIN": "12345",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PASARELA_SMTP_PASSWORD", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["tenants", "create", "--nit", NIT, "--name", "Comercial Andina S.A.S.",
                 "--software-id", "56f2ae4e-9812-4fad-9255-08fcfcd5ccb0",
                 "--environment", "simulador"]) == 0  # fmt: skip
    return database


def smtp(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["tenants", "smtp", NIT, "--host", "smtp.empresa.co", "--port", "587",
                 "--security", "starttls", "--from", "facturas@empresa.co", *extra])  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stored_settings() -> object:
    async def work(ctx):
        tenant = await ctx.tenants.get_tenant(NIT)
        return await ctx.smtp.settings(tenant.id)

    return run_with_context(work)


def test_the_password_comes_from_a_file_and_is_stored_encrypted(
    cli_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "smtp.pass").write_text(PASSWORD + "\n")
    code, out, err = smtp(
        capsys, "--user", "facturas", "--password-file", str(tmp_path / "smtp.pass"),
        "--deliver-by-default",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert shown["nit"] == NIT
    assert shown["smtp"] | {"updated_at": None} == {
        "host": "smtp.empresa.co",
        "port": 587,
        "security": "starttls",
        "user": "facturas",
        "from_address": "facturas@empresa.co",
        "deliver_by_default": True,
        "has_password": True,
        "updated_at": None,
    }
    assert PASSWORD not in out + err
    assert PASSWORD.encode() not in cli_env.read_bytes()
    settings = stored_settings()
    assert settings.password == PASSWORD and PASSWORD not in repr(settings)


def test_the_password_can_come_from_the_environment(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASARELA_SMTP_PASSWORD", PASSWORD)
    code, out, err = smtp(capsys, "--user", "facturas", "--no-deliver-by-default")
    assert code == 0, err
    assert json.loads(out)["smtp"]["deliver_by_default"] is False
    assert stored_settings().password == PASSWORD


def test_bad_settings_are_refused_in_spanish(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(["tenants", "smtp", NIT, "--host", "smtp.empresa.co", "--port", "70000",
                 "--security", "none", "--from", "facturas@empresa.co"])  # fmt: skip
    assert code == 1
    assert "puerto SMTP inválido" in capsys.readouterr().err
    code = main(["tenants", "smtp", NIT, "--host", "smtp.empresa.co", "--port", "25",
                 "--security", "none", "--from", "no-es-correo"])  # fmt: skip
    assert code == 1
    assert "remitente inválida" in capsys.readouterr().err
