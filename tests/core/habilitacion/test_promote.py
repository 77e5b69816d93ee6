"""``tenants promote``/``demote`` against the simulator: the production ranges come from
GetNumberingRange once the set is accepted, the next invoice is a production document, and
nothing moves before DIAN accepted the set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from habilitacion_support import (
    NIT,
    REQUIRED,
    ctx,
    fresh_company,
    set_id_of,
    unnumbered_invoice,
)
from lxml import etree

from core.context import AppContext
from core.contracts import Environment
from core.habilitacion.runner import PollPolicy, run_test_set
from core.habilitacion.switch import SwitchRefused, demote, promote
from core.testing import dian_xsd_dir, free_port, make_test_settings
from core.ubl.schemas import schema_errors
from plugins.environments.simulador.test_sets import RESOLUTION_NUMBERS

__all__ = ["ctx"]

NO_WAIT = PollPolicy(first_delay_s=0.0, timeout_s=5.0)
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "sts": "dian:gov:co:facturaelectronica:Structures-2-1",
}


async def test_promote_fetches_the_production_ranges_and_the_next_invoice_is_in_produccion(
    ctx: AppContext,
) -> None:
    record = await fresh_company(ctx)
    assert (await run_test_set(ctx, NIT, composition=REQUIRED, poll=NO_WAIT)).accepted

    switched = await promote(ctx, NIT)
    assert (switched.previous_environment, switched.environment) == (
        "simulador",
        "simulador_produccion",
    )
    stored = await ctx.ranges.list_ranges(record.id, "simulador_produccion")
    by_type = {r.range.document_type: r for r in stored}
    invoices = by_type["01"].range
    assert (invoices.prefix, invoices.from_number, invoices.to_number) == (
        "FE",
        1,
        RESOLUTION_NUMBERS,
    )
    assert invoices.resolution_number.startswith("1876") and invoices.technical_key
    assert invoices.valid_to > invoices.valid_from
    # the notes keep numbering on from habilitación: no number is used twice
    assert (by_type["91"].range.prefix, by_type["91"].next_number) == ("NC", 2)
    assert (by_type["92"].range.prefix, by_type["92"].next_number) == ("ND", 2)
    assert (await ctx.tenants.get_tenant(NIT)).environment == "simulador_produccion"

    view = await ctx.tenants.tenant_view(record.id)
    issued = await ctx.documents.issue(view, unnumbered_invoice(), dialect="test")
    assert issued.status == "aceptado", issued.dian_errors
    assert (issued.environment, issued.prefix, issued.number) == ("simulador_produccion", "FE", 1)
    root = etree.fromstring(await ctx.documents.signed_xml(record.id, issued.uuid))
    assert root.findtext("cbc:ProfileExecutionID", namespaces=NS) == "1"
    production: Environment = ctx.registry.environments.get("produccion")
    qr = root.findtext(".//sts:QRCode", namespaces=NS)
    assert qr == production.qr_url(issued.unique_code)
    xsd = dian_xsd_dir()
    if xsd is not None:
        assert schema_errors(root, xsd) == []

    # habilitación's documents stay listed, with their environment
    listed, total = await ctx.documents.list(record.id, per_page=50)
    assert total == 5
    assert sorted({r.environment for r in listed}) == ["simulador", "simulador_produccion"]

    back = await demote(ctx, NIT)
    assert back.environment == "simulador"
    with pytest.raises(SwitchRefused, match="no es un ambiente de producción"):
        await demote(ctx, NIT)


async def test_promote_is_refused_before_the_set_is_accepted(ctx: AppContext) -> None:
    record = await fresh_company(ctx)
    with pytest.raises(SwitchRefused) as refused:
        await promote(ctx, NIT)
    assert str(refused.value) == (
        f"la DIAN no ha aceptado el set de pruebas {set_id_of(record)} de la empresa {NIT}: "
        f"envíelo con 'pasarela habilitacion run {NIT}'; la empresa sigue en simulador"
    )
    assert (await ctx.tenants.get_tenant(NIT)).environment == "simulador"
    assert await ctx.ranges.list_ranges(record.id, "simulador_produccion") == []

    # half a set is not enough either
    await run_test_set(ctx, NIT, composition={"01": 1}, poll=NO_WAIT)
    with pytest.raises(SwitchRefused, match="no ha aceptado"):
        await promote(ctx, NIT)
    assert (await ctx.tenants.get_tenant(NIT)).environment == "simulador"


async def test_the_simulator_refuses_production_documents_before_the_set_is_accepted(
    ctx: AppContext,
) -> None:
    """Moved by hand (not promoted), the company's production invoice is refused as DIAN
    refuses a software that is not enabled."""
    record = await fresh_company(ctx)
    await ctx.tenants.switch_environment(record.id, "simulador_produccion")
    await ctx.ranges.add_resolution(
        record.id,
        document_type="01",
        resolution_number="18764000000001",
        prefix="FE",
        from_number=1,
        to_number=100,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2040, 1, 1),
        technical_key="a" * 64,
    )
    view = await ctx.tenants.tenant_view(record.id)
    issued = await ctx.documents.issue(view, unnumbered_invoice(), dialect="test")
    assert issued.status == "rechazado"
    assert issued.dian_errors == (
        "Regla: FAB19b, Rechazo: El software no está habilitado en producción: su set de "
        "pruebas no ha sido aceptado.",
    )


async def test_a_wrong_test_set_id_is_refused_with_dians_message(ctx: AppContext) -> None:
    record = await fresh_company(ctx)
    wrong = "00000000-0000-4000-8000-000000000000"
    standing = await run_test_set(ctx, NIT, test_set_id=wrong, composition={"01": 1}, poll=NO_WAIT)
    assert not standing.accepted
    [invoices] = standing.kinds
    assert (invoices.sent, invoices.accepted, invoices.rejected) == (1, 0, 1)
    assert invoices.messages == (
        f"SETP990000000: El set de pruebas con identificador {wrong} no existe o no está "
        "asociado al software.",
    )
    # the company keeps the set DIAN gave it
    assert set_id_of(await ctx.tenants.get_tenant(NIT)) == set_id_of(record)


async def test_promote_with_dian_unreachable_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASARELA_SIM_TEST_SET", "01:1")
    up = AppContext.create(make_test_settings(tmp_path))
    try:
        record = await fresh_company(up)
        assert (await run_test_set(up, NIT, composition={"01": 1}, poll=NO_WAIT)).accepted
    finally:
        await up.close()

    down = AppContext.create(
        make_test_settings(tmp_path, simulator_url=f"http://127.0.0.1:{free_port()}")
    )
    try:
        with pytest.raises(SwitchRefused, match=r"^la DIAN no respondió \(.*\); la empresa sigue"):
            await promote(down, NIT)
        assert (await down.tenants.get_tenant(NIT)).environment == "simulador"
        assert await down.ranges.list_ranges(record.id, "simulador_produccion") == []
    finally:
        await down.close()
