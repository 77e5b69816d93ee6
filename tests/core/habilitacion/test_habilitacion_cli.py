"""``pasarela habilitacion run|status`` and ``tenants promote`` as a user runs them: exit
codes, the per-kind table, Spanish messages on refusal."""

from __future__ import annotations

import json
from pathlib import Path

from habilitacion_support import NIT, fresh_company

from core.context import AppContext
from core.testing import make_test_settings, run_pasarela
from core.validation.nit import check_digit


async def test_run_until_accepted_then_promote(tmp_path: Path) -> None:
    settings = make_test_settings(tmp_path)
    ctx = AppContext.create(settings)
    try:
        await fresh_company(ctx)
    finally:
        await ctx.close()

    refused = run_pasarela(settings, "tenants", "promote", NIT)
    assert refused.returncode == 1
    assert "la DIAN no ha aceptado el set de pruebas" in refused.stderr
    assert "Traceback" not in refused.stderr

    status = run_pasarela(settings, "habilitacion", "status", NIT, "--set", "01:1")
    assert status.returncode == 2  # nothing sent yet
    assert "sin documentos enviados" in status.stdout

    # the simulator's default set: one accepted invoice
    run = run_pasarela(settings, "habilitacion", "run", NIT, "--set", "01:1", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    outcome = json.loads(run.stdout)
    assert outcome["accepted"] is True and outcome["verdict"] == "aceptado"
    assert [(k["code"], k["sent"], k["accepted"]) for k in outcome["kinds"]] == [("01", 1, 1)]

    table = run_pasarela(settings, "habilitacion", "status", NIT, "--set", "01:1")
    assert table.returncode == 0
    assert "Factura electrónica de venta" in table.stdout and "ACEPTADO" in table.stdout

    promoted = run_pasarela(settings, "tenants", "promote", NIT)
    assert promoted.returncode == 0, promoted.stderr
    assert json.loads(promoted.stdout)["environment"] == "simulador_produccion"

    demoted = run_pasarela(settings, "tenants", "demote", NIT)
    assert json.loads(demoted.stdout)["environment"] == "simulador"


async def test_run_refuses_a_company_without_certificate(tmp_path: Path) -> None:
    settings = make_test_settings(tmp_path)
    ctx = AppContext.create(settings)
    try:
        await ctx.tenants.create_tenant(
            nit="900111222",
            dv=check_digit("900111222"),
            name="SIN CERTIFICADO S.A.S.",
            environment="simulador",
            software_id="soft-1",
            software_pin="12345",
            test_set_id="set-1",
        )
    finally:
        await ctx.close()
    run = run_pasarela(settings, "habilitacion", "run", "900111222")
    assert run.returncode == 1
    assert "no tiene certificado de firma" in run.stderr
