"""The ``pasarela`` command line, called in-process (``main``) and as the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from core.cli import CORE_COMMANDS, build_parser, main
from core.commands import run_with_context
from core.inventory import describe_installation
from core.model import Document
from core.plugins import build_registry, get_plugin_manager
from core.signing.testcerts import generate_test_pkcs12
from core.storage.migrate import head_revisions

NIT = "900373076"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "PASARELA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PASARELA_SECRET_KEY": "clave-de-prueba-cli",
        "PASARELA_SECRET_KEY_FILE": str(tmp_path / "cli.key"),
        "PASARELA_SOFTWARE_PIN": "12345",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(["db", "upgrade"]) == 0
    return env


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def create_tenant(capsys, *extra: str) -> dict:
    return run_json(
        capsys,
        "tenants", "create", "--nit", NIT, "--name", "Comercial Andina S.A.S.",
        "--software-id", "56f2ae4e-9812-4fad-9255-08fcfcd5ccb0", "--environment", "simulador",
        *extra,
    )  # fmt: skip


def test_every_core_command_is_a_subcommand():
    help_text = build_parser().format_help()
    for command in (*CORE_COMMANDS, "bench"):
        name = getattr(command, "name", command)
        assert f"    {name}" in help_text, name
    for command in ("serve", "plugins", "tenants", "credentials", "db", "schema", "bench"):
        assert command in help_text


def test_schema_canonical_is_the_document_json_schema(capsys):
    assert main(["schema", "canonical"]) == 0
    expected = json.loads(msgspec.json.encode(msgspec.json.schema(Document)))
    assert json.loads(capsys.readouterr().out) == expected


def installation() -> dict:
    pm = get_plugin_manager()
    return json.loads(msgspec.json.encode(describe_installation(pm, build_registry(pm))))


def test_plugins_json_matches_the_installation(capsys):
    assert run_json(capsys, "plugins", "--json") == installation()


def test_plugins_table_lists_every_plugin(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["PLUGIN", "DISTRIBUTION", "VERSION", "HOOKS"]
    for plugin in describe_installation(
        *(lambda pm: (pm, build_registry(pm)))(get_plugin_manager())
    ).plugins:
        assert plugin.name in out


def test_db_current_after_upgrade(cli_env, capsys):
    capsys.readouterr()
    assert main(["db", "current"]) == 0
    revisions, heads = capsys.readouterr().out.split(" (heads ")
    assert heads == f"{revisions}; pending none)\n"
    expected = {*head_revisions(()), "simulador_0002"}  # core's tree and the simulator's
    assert expected <= set(revisions.split())


def test_tenant_create_computes_the_dv_and_shows_settings(cli_env, capsys):
    tenant = create_tenant(
        capsys, "--monthly-limit", "100", "--permissions", "facturas,notas_credito"
    )
    assert (tenant["nit"], tenant["dv"], tenant["environment"]) == (NIT, "4", "simulador")
    assert tenant["monthly_limit"] == 100 and tenant["yearly_limit"] is None
    assert tenant["permissions"] == ["facturas", "notas_credito"]
    assert "software_pin" not in tenant and "12345" not in json.dumps(tenant)


def test_tenant_create_rejects_a_wrong_dv(cli_env, capsys):
    capsys.readouterr()
    code = main(["tenants", "create", "--nit", NIT, "--dv", "7", "--name", "X",
                 "--software-id", "s"])  # fmt: skip
    assert code == 1
    assert "el DV de 900373076 es 4" in capsys.readouterr().err


def stored_pin(nit: str) -> str:
    async def work(ctx):
        tenant = await ctx.tenants.get_tenant(nit)
        return (await ctx.tenants.tenant_view(tenant.id)).software["facturacion"].pin

    return run_with_context(work)


def test_software_pin_comes_from_a_file(cli_env, capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("PASARELA_SOFTWARE_PIN")
    (tmp_path / "pin").write_text("67890\n")
    create_tenant(capsys, "--software-pin-file", str(tmp_path / "pin"))
    assert stored_pin(NIT) == "67890"


def test_software_pin_comes_from_the_environment(cli_env, capsys):
    create_tenant(capsys)
    assert stored_pin(NIT) == "12345"


def test_software_pin_is_prompted_for_without_file_or_variable(cli_env, capsys, monkeypatch):
    monkeypatch.delenv("PASARELA_SOFTWARE_PIN")
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or "24680")
    create_tenant(capsys)
    assert stored_pin(NIT) == "24680" and prompts == ["PIN del software: "]


def test_software_pin_on_the_command_line_is_refused(cli_env, capsys):
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["tenants", "create", "--nit", NIT, "--name", "X", "--software-id", "s",
              "--software-pin", "12345"])  # fmt: skip
    assert exit_.value.code == 2
    assert "unrecognized arguments: --software-pin 12345" in capsys.readouterr().err
    assert main(["tenants", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_unreadable_pin_file_is_a_clean_error(cli_env, capsys, tmp_path):
    capsys.readouterr()
    code = main(["tenants", "create", "--nit", NIT, "--name", "X", "--software-id", "s",
                 "--software-pin-file", str(tmp_path / "no-existe")])  # fmt: skip
    assert code == 1
    assert capsys.readouterr().err.startswith(f"error: no se puede leer {tmp_path / 'no-existe'}")


def test_update_changes_the_pin_only_when_asked(cli_env, capsys, tmp_path, monkeypatch):
    create_tenant(capsys)
    monkeypatch.setenv("PASARELA_SOFTWARE_PIN", "99999")
    run_json(capsys, "tenants", "update", NIT, "--name", "Otra")
    assert stored_pin(NIT) == "12345"
    run_json(capsys, "tenants", "update", NIT, "--new-software-pin")
    assert stored_pin(NIT) == "99999"
    (tmp_path / "pin").write_text("11111")
    run_json(capsys, "tenants", "update", NIT, "--software-pin-file", str(tmp_path / "pin"))
    assert stored_pin(NIT) == "11111"


def test_tenant_list_show_update(cli_env, capsys):
    create_tenant(capsys)
    capsys.readouterr()
    assert main(["tenants", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "NIT", "NAME", "ENVIRONMENT", "STATUS"]
    assert f"{NIT}-4" in table[1]
    assert [t["nit"] for t in run_json(capsys, "tenants", "list", "--json")] == [NIT]

    updated = run_json(
        capsys, "tenants", "update", f"{NIT}-4", "--revoke", "facturas",
        "--monthly-limit", "5", "--yearly-limit", "50", "--environment", "habilitacion",
    )  # fmt: skip
    assert updated["permissions"] == ["documentos_soporte", "notas_credito", "notas_debito"]
    assert (updated["monthly_limit"], updated["yearly_limit"]) == (5, 50)
    assert updated["environment"] == "habilitacion"
    cleared = run_json(capsys, "tenants", "update", NIT, "--monthly-limit", "none")
    assert cleared["monthly_limit"] is None and cleared["yearly_limit"] == 50

    shown = run_json(capsys, "tenants", "show", NIT)
    assert shown["tenant"]["nit"] == NIT
    assert shown["ranges"] == [] and shown["credentials"] == []
    assert shown["quota"]["monthly_used"] == 0


def test_tenant_certificate_and_range(cli_env, capsys, tmp_path):
    create_tenant(capsys)
    pkcs12, password = generate_test_pkcs12(nit=NIT, name="Comercial Andina S.A.S.")
    (tmp_path / "cert.p12").write_bytes(pkcs12)
    (tmp_path / "cert.pass").write_text(password + "\n")
    info = run_json(
        capsys, "tenants", "certificate", NIT,
        "--pkcs12", str(tmp_path / "cert.p12"), "--password-file", str(tmp_path / "cert.pass"),
    )  # fmt: skip
    assert f"2.5.4.5={NIT}" in info["subject"] or NIT in info["subject"]
    numbering = run_json(
        capsys, "tenants", "add-range", NIT, "--type", "01", "--resolution", "18760000001",
        "--prefix", "SETP", "--from", "990000000", "--to", "995000000",
        "--valid-from", "2019-01-19", "--valid-to", "2030-01-19",
        "--technical-key", "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
    )  # fmt: skip
    assert (numbering["prefix"], numbering["from_number"]) == ("SETP", 990000000)
    shown = run_json(capsys, "tenants", "show", NIT)
    assert shown["tenant"]["certificate"]["fingerprint"] == info["fingerprint"]
    assert shown["ranges"][0]["remaining"] == 5000001
    assert password not in json.dumps(shown)


def test_wrong_certificate_password_is_a_clean_error(cli_env, capsys, tmp_path):
    create_tenant(capsys)
    pkcs12, _ = generate_test_pkcs12(nit=NIT, name="X")
    (tmp_path / "cert.p12").write_bytes(pkcs12)
    (tmp_path / "cert.pass").write_text("no-es-esta")
    capsys.readouterr()
    code = main(["tenants", "certificate", NIT, "--pkcs12", str(tmp_path / "cert.p12"),
                 "--password-file", str(tmp_path / "cert.pass")])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1 and captured.err.startswith("error: ")
    assert "no-es-esta" not in captured.err


def test_credentials_create_prints_the_token_once_then_revoke(cli_env, capsys):
    create_tenant(capsys)
    capsys.readouterr()
    assert main(["credentials", "create", "--dialect", "facepro", "--tenant", NIT]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    credential_id, _, secret = token.partition("|")
    assert credential_id.isdigit() and len(secret) >= 40
    assert secret not in captured.err
    listed = run_json(capsys, "credentials", "list", "--tenant", NIT)
    assert [c["id"] for c in listed] == [int(credential_id)]
    assert secret not in json.dumps(listed)
    assert main(["credentials", "revoke", credential_id]) == 0
    assert run_json(capsys, "credentials", "list", "--tenant", NIT)[0]["revoked_at"]


def test_credentials_for_an_unknown_dialect_or_tenant_fail(cli_env, capsys):
    create_tenant(capsys)
    capsys.readouterr()
    assert main(["credentials", "create", "--dialect", "no-existe", "--tenant", NIT]) == 1
    assert main(["credentials", "create", "--dialect", "facepro", "--tenant", "123"]) == 1
    assert main(["credentials", "revoke", "999"]) == 1
    err = capsys.readouterr().err
    assert err.count("error: ") == 3


def test_installed_console_script(tmp_path):
    script = Path(sys.executable).with_name("pasarela")
    result = subprocess.run(
        [str(script), "plugins", "--json"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == installation()
