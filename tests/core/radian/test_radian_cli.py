"""``pasarela received`` and ``pasarela events``: refusals carry the rule id and the Spanish
message; an empty tenant lists nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main

NIT = "900222333"


@pytest.fixture
def cli_tenant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    env = {
        "PASARELA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PASARELA_SECRET_KEY": "clave-de-prueba-cli",
        "PASARELA_SECRET_KEY_FILE": str(tmp_path / "cli.key"),
        "PASARELA_SOFTWARE_PIN": "12345",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(["db", "upgrade"]) == 0
    created = main(
        ["tenants", "create", "--nit", NIT, "--name", "Compradora Andina S.A.S.",
         "--software-id", "56f2ae4e-9812-4fad-9255-08fcfcd5ccb0", "--environment", "simulador"]
    )  # fmt: skip
    assert created == 0
    return NIT


def test_received_load_refuses_what_is_not_an_invoice(
    cli_tenant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "factura.xml"
    bad.write_bytes(
        b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>'
    )
    capsys.readouterr()
    assert main(["received", "load", cli_tenant, str(bad)]) == 1
    assert capsys.readouterr().err.startswith("Regla ZB05: El documento recibido no es una factura")
    assert main(["received", "list", cli_tenant]) == 0
    assert json.loads(capsys.readouterr().out) == {"items": [], "total": 0}


def test_events_send_refuses_an_unknown_cufe(
    cli_tenant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(
        ["events", "send", cli_tenant, "ab" * 48, "030", "--person-id", "79123456",
         "--first-name", "Laura", "--last-name", "Gómez"]
    )  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("Regla LGC09: El evento 030 lo registra el adquiriente")
    assert main(["events", "send", cli_tenant, "ab" * 48, "031"]) == 1
    assert capsys.readouterr().err.startswith("Regla LGC08: El Reclamo (031) requiere")
