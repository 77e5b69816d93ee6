"""RADIAN through the gateway and the simulated DIAN: a supplier tenant sells to a buyer
tenant, the buyer loads the AttachedDocument and answers with 030, 032 and 033; a claim
blocks the acceptance; the issuer registers the tacit acceptance once the term ran out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.api import (
    DianUnavailable,
    EventRefused,
    EventRequest,
    ReceivedDocumentRefused,
    ValidationFailed,
)
from core.clock import BOGOTA
from core.context import AppContext
from core.radian.records import ReceivedInvoice
from core.radian.rules import tacit_term_end
from core.settings import Settings
from core.signing.xades import verify_xades
from core.testing import make_test_settings
from plugins.environments.simulador.plugin import in_process_app
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from tests.core.radian.conftest import (
    PERSON,
    Clocks,
    Parties,
    add_tenant,
    attached_document_of_a_sale,
    sale,
)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The whole sequence on SQLite and on PostgreSQL."""
    return make_test_settings(tmp_path, database_url=database_url, retry_interval_s=60)


async def send(ctx: AppContext, tenant_id: int, cufe: str, code: str, **extra):  # type: ignore[no-untyped-def]
    person = PERSON if code in {"030", "032"} else None
    request = EventRequest(cufe=cufe, code=code, person=person, **extra)  # type: ignore[arg-type]
    return await ctx.events.send(tenant_id, request, dialect="test")


async def test_030_032_033_on_a_received_invoice(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice
) -> None:
    buyer = parties.buyer.id
    assert (received.supplier_nit, received.customer_nit) == (
        parties.supplier.nit,
        parties.buyer.nit,
    )
    assert received.payment_form == "2" and received.due_date is not None
    assert received.payable == received.line_extension + received.tax_total
    assert received.events == ()

    sent = [await send(ctx, buyer, received.cufe, code) for code in ("030", "032", "033")]

    assert [(e.code, e.status, e.role, e.registered_elsewhere) for e in sent] == [
        ("030", "aceptado", "adquiriente", False),
        ("032", "aceptado", "adquiriente", False),
        ("033", "aceptado", "adquiriente", False),
    ]
    assert all(e.dian_status_code == "00" for e in sent)
    assert [e.number for e in sent] == ["EV1", "EV2", "EV3"]
    assert all(e.receiver_nit == parties.supplier.nit for e in sent)
    verify_xades(await ctx.events.signed_xml(buyer, sent[0].uuid))

    at_dian = await ctx.events.dian_events(buyer, received.cufe)
    assert [(e.code, e.cude, e.sender_nit) for e in at_dian.events] == [
        (e.code, e.cude, parties.buyer.nit) for e in sent
    ]
    listed = await ctx.received.get(buyer, received.id)
    assert [e.uuid for e in listed.events] == [e.uuid for e in sent]
    page = await ctx.received.list(buyer)
    assert page.total == 1 and page.items[0].events == listed.events

    again = await send(ctx, buyer, received.cufe, "032")  # recorded: answered, not sent
    assert again == sent[1]
    assert len(await ctx.events.list_for_invoice(buyer, received.cufe)) == 3


async def test_a_claim_blocks_the_express_acceptance(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice
) -> None:
    buyer = parties.buyer.id
    await send(ctx, buyer, received.cufe, "030")
    claim = await send(ctx, buyer, received.cufe, "031", claim_concept="03")
    assert (claim.status, claim.claim_concept, claim.claim_concept_name) == (
        "aceptado",
        "03",
        "Mercancía no entregada parcialmente",
    )
    await send(ctx, buyer, received.cufe, "032")

    with pytest.raises(EventRefused) as refused:
        await send(ctx, buyer, received.cufe, "033")
    assert (refused.value.rule, refused.value.path) == ("LGC02", "code")
    assert "Reclamo" in refused.value.message
    assert isinstance(refused.value, ValidationFailed)  # rendered like any validation error
    codes = [e.code for e in (await ctx.events.dian_events(buyer, received.cufe)).events]
    assert codes == ["030", "031", "032"]  # nothing was sent


async def test_the_issuer_registers_the_tacit_acceptance_after_the_term(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice, clocks: Clocks
) -> None:
    await send(ctx, parties.buyer.id, received.cufe, "030")
    receipt = await send(ctx, parties.buyer.id, received.cufe, "032")
    supplier = parties.supplier.id
    end = tacit_term_end(receipt.issue_datetime.date())

    clocks.set(dt.datetime.combine(end, dt.time(17, 0), tzinfo=BOGOTA))
    with pytest.raises(EventRefused) as early:
        await send(ctx, supplier, received.cufe, "034")
    assert early.value.rule == "LGC05" and end.isoformat() in early.value.message

    clocks.set(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(9, 0), tzinfo=BOGOTA))
    tacit = await send(ctx, supplier, received.cufe, "034")
    assert (tacit.status, tacit.role, tacit.receiver_nit) == ("aceptado", "emisor", "800197268")
    codes = [e.code for e in (await ctx.events.dian_events(supplier, received.cufe)).events]
    assert codes == ["030", "032", "034"]
    with pytest.raises(EventRefused) as after:  # the buyer can no longer accept or claim
        await send(ctx, parties.buyer.id, received.cufe, "031", claim_concept="01")
    assert after.value.rule == "LGC03"


async def test_an_event_registered_elsewhere_is_recorded_as_success(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice
) -> None:
    """The buyer's 030 reached DIAN from another system: DIAN answers Regla 90."""
    buyer = parties.buyer.id
    first = await send(ctx, buyer, received.cufe, "030")
    await ctx.database.run(_forget_events, write=True)  # Pasarela no longer knows it

    again = await send(ctx, buyer, received.cufe, "030")

    assert again.uuid != first.uuid
    assert (again.status, again.registered_elsewhere) == ("aceptado", True)
    assert any("Regla: 90" in m for m in again.dian_errors)


def _forget_events(connection) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    from core.storage.tables import RadianEventRow

    connection.execute(delete(RadianEventRow))


async def test_a_buyer_loads_a_received_invoice_by_its_cufe(
    ctx: AppContext, parties: Parties
) -> None:
    """What the supplier's e-mail would carry, fetched from DIAN (GetXmlByDocumentKey)."""
    cufe, attached = await attached_document_of_a_sale(ctx, parties.supplier, sale())
    loaded = await ctx.received.load_by_cufe(parties.buyer.id, cufe, dialect="test")
    assert (loaded.cufe, loaded.supplier_nit) == (cufe, parties.supplier.nit)
    assert await ctx.received.load(parties.buyer.id, attached, dialect="test") == loaded
    assert await ctx.received.by_cufe(parties.buyer.id, cufe.upper()) == loaded

    stranger = await add_tenant(ctx, "900444555", "Tercera S.A.S.")
    with pytest.raises(ReceivedDocumentRefused) as refused:  # DIAN does not hand it over
        await ctx.received.load_by_cufe(stranger.id, cufe, dialect="test")
    assert (refused.value.rule, refused.value.path) == ("LGC09", "cufe")


async def test_dian_down_records_nothing_and_the_event_goes_later(
    ctx: AppContext,
    parties: Parties,
    received: ReceivedInvoice,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    endpoint = in_process_app(settings).state.soap_endpoint
    monkeypatch.setattr(endpoint, "sim", SimulatorSettings(fail_503=1.0))
    with pytest.raises(DianUnavailable):
        await send(ctx, parties.buyer.id, received.cufe, "030")
    assert await ctx.events.list_for_invoice(parties.buyer.id, received.cufe) == []

    monkeypatch.setattr(endpoint, "sim", SimulatorSettings())
    sent = await send(ctx, parties.buyer.id, received.cufe, "030")
    assert (sent.status, sent.number) == ("aceptado", "EV1")
