"""The simulated DIAN's SendEventUpdateStatus and GetStatusEvent, spoken to directly over
SOAP (the gateway's own checks bypassed): DIAN's rules and answers."""

from __future__ import annotations

import pytest
from lxml import etree

from core.context import AppContext
from core.radian.event_xml import EventDocument, EventParty, InvoiceReference, build_event
from core.radian.records import ReceivedInvoice
from core.signing.xades import sign_xades
from core.ubl.namespaces import CBC
from core.ubl.packaging import zip_xml
from tests.core.radian.conftest import PERSON, Parties


async def zipped_event(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice, code: str, **extra
) -> tuple[etree._Element, bytes]:  # type: ignore[no-untyped-def]
    buyer = parties.buyer
    moment = ctx.events.clock().replace(microsecond=0)
    software = buyer.software["facturacion"]
    root, _ = build_event(
        EventDocument(
            number=f"SIM{code}",
            code=code,
            issued_at=moment,
            sender=EventParty(nit=buyer.nit, dv=buyer.dv, name=buyer.party.name),
            receiver=EventParty(
                nit=received.supplier_nit, dv=received.supplier_dv or "", name="Proveedor"
            ),
            invoice=InvoiceReference(number=received.number, cufe=received.cufe),
            environment="2",
            software=software,
            pin=extra.pop("pin", software.pin),
            qr_base="https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=",
            person=PERSON,
            **extra,
        )
    )
    sign_xades(root, await ctx.documents.identities.get(buyer.id), moment)
    return root, zip_xml(etree.tostring(root), "ar.xml")


async def test_dian_applies_the_order_the_cude_and_regla_90(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice
) -> None:
    client = await ctx.documents.dian_client(parties.buyer.id, "simulador")

    _, early = await zipped_event(ctx, parties, received, "032")
    answer = await client.send_event_update_status(early)
    assert (answer.is_valid, answer.status_code) == (False, "99")
    assert [m.rule for m in answer.rule_messages] == ["LGC01"]

    _, wrong_pin = await zipped_event(ctx, parties, received, "030", pin="00000")
    answer = await client.send_event_update_status(wrong_pin)
    assert [m.rule for m in answer.rule_messages] == ["AAD06"]

    root, _ = await zipped_event(ctx, parties, received, "030")
    root.find(CBC.ID).text = "OTRO"  # after signing: the signature breaks (and the CUDE)
    answer = await client.send_event_update_status(zip_xml(etree.tostring(root), "ar.xml"))
    assert "ZE02" in [m.rule for m in answer.rule_messages]

    _, good = await zipped_event(ctx, parties, received, "030")
    answer = await client.send_event_update_status(good)
    assert (answer.is_valid, answer.status_code) == (True, "00")
    again = await client.send_event_update_status(good)
    assert again.is_duplicate

    status = await client.get_status_event(received.cufe)
    assert status.status_code == "00" and status.xml_base64_bytes
    events = (await ctx.events.dian_events(parties.buyer.id, received.cufe)).events
    assert [(e.code, e.number) for e in events] == [("030", "SIM030")]


async def test_dian_refuses_events_for_other_senders_and_unknown_invoices(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice
) -> None:
    _, event = await zipped_event(ctx, parties, received, "030")
    supplier = await ctx.documents.dian_client(parties.supplier.id, "simulador")
    answer = await supplier.send_event_update_status(event)  # not the buyer's certificate
    assert (answer.is_valid, answer.status_code) == (False, "89")

    status = await supplier.get_status_event("cd" * 48)
    assert (status.is_valid, status.status_code) == (False, "66")

    buyer = await ctx.documents.dian_client(parties.buyer.id, "simulador")
    answer = await buyer.send_event_update_status(b"no es un zip")
    assert answer.status_code == "99" and [m.rule for m in answer.rule_messages] == ["ZB01"]


@pytest.mark.parametrize("code", ["033"])
async def test_dian_keeps_the_claim_rule(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice, code: str
) -> None:
    client = await ctx.documents.dian_client(parties.buyer.id, "simulador")
    for step, extra in (("030", {}), ("031", {"claim_concept": "04"}), ("032", {})):
        _, event = await zipped_event(ctx, parties, received, step, **extra)
        assert (await client.send_event_update_status(event)).is_valid
    _, acceptance = await zipped_event(ctx, parties, received, code)
    answer = await client.send_event_update_status(acceptance)
    assert [m.rule for m in answer.rule_messages] == ["LGC02"]
