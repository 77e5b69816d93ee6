"""Bad input is refused with a rule id and a Spanish message before anything reaches DIAN
(the simulator's event list stays as it was) and before anything is stored."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from core.api import EventRefused, EventRequest, ReceivedDocumentRefused
from core.context import AppContext
from core.radian.records import ReceivedInvoice
from core.signing.certificates import load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import sign_xades, verify_xades
from core.ubl.namespaces import CBC, XPATH_NS
from tests.core.radian.conftest import (
    PERSON,
    Parties,
    add_tenant,
    attached_document_of_a_sale,
    sale,
)

OTHER_CUFE = "ab" * 48


async def dian_codes(ctx: AppContext, tenant_id: int, cufe: str) -> list[str]:
    return [e.code for e in (await ctx.events.dian_events(tenant_id, cufe)).events]


async def refused(ctx: AppContext, tenant_id: int, **fields: Any) -> EventRefused:
    fields.setdefault("person", PERSON)
    with pytest.raises(EventRefused) as caught:
        await ctx.events.send(tenant_id, EventRequest(**fields), dialect="test")
    return caught.value


@pytest.mark.parametrize(
    ("fields", "rule", "path", "words"),
    [
        ({"code": "032"}, "LGC01", "code", "Acuse de recibo"),
        ({"code": "033"}, "LGC01", "code", "Recibo del bien"),
        ({"code": "031"}, "LGC08", "claim_concept", "concepto de reclamo"),
        ({"code": "031", "claim_concept": "07"}, "LGC08", "claim_concept", "no existe"),
        ({"code": "030", "claim_concept": "01"}, "LGC08", "claim_concept", "Solo el Reclamo"),
        ({"code": "030", "person": None}, "LGC07", "person", "persona"),
        ({"code": "035"}, "LGC00", "code", "no existe"),
        ({"code": "034"}, "LGC04", "cufe", "solo la registra el emisor"),
    ],
)
async def test_event_rules_before_sending(
    ctx: AppContext,
    parties: Parties,
    received: ReceivedInvoice,
    fields: dict[str, Any],
    rule: str,
    path: str,
    words: str,
) -> None:
    error = await refused(ctx, parties.buyer.id, cufe=received.cufe, **fields)
    assert (error.rule, error.path) == (rule, path)
    assert words in error.message
    assert error.problems[0].rule == rule  # the shape every dialect renders
    assert await dian_codes(ctx, parties.buyer.id, received.cufe) == []
    assert await ctx.events.list_for_invoice(parties.buyer.id, received.cufe) == []


async def test_unknown_and_foreign_cufes(
    ctx: AppContext, parties: Parties, received: ReceivedInvoice
) -> None:
    unknown = await refused(ctx, parties.buyer.id, cufe=OTHER_CUFE, code="030")
    assert (unknown.rule, unknown.path) == ("LGC09", "cufe")
    assert "no es de una factura recibida" in unknown.message
    # the supplier is not the buyer of its own invoice
    seller = await refused(ctx, parties.supplier.id, cufe=received.cufe, code="030")
    assert (seller.rule, seller.path) == ("LGC04", "cufe")
    # a third company never received it
    stranger = await add_tenant(ctx, "900444555", "Tercera S.A.S.")
    foreign = await refused(ctx, stranger.id, cufe=received.cufe, code="030")
    assert foreign.rule == "LGC09"
    assert await dian_codes(ctx, parties.buyer.id, received.cufe) == []


async def test_tacit_acceptance_only_on_credit_sales(ctx: AppContext, parties: Parties) -> None:
    cufe, attached = await attached_document_of_a_sale(ctx, parties.supplier, sale(form="1"))
    buyer = parties.buyer.id
    await ctx.received.load(buyer, attached, dialect="test")
    for code in ("030", "032"):
        await ctx.events.send(
            buyer, EventRequest(cufe=cufe, code=code, person=PERSON), dialect="test"
        )
    error = await refused(ctx, parties.supplier.id, cufe=cufe, code="034", person=None)
    assert error.rule == "LGC06" and "crédito" in error.message
    assert await dian_codes(ctx, buyer, cufe) == ["030", "032"]


def _invoice_in(attached: bytes) -> bytes:
    root = etree.fromstring(attached)
    text = root.findtext(
        "cac:Attachment/cac:ExternalReference/cbc:Description", namespaces=XPATH_NS
    )
    assert text
    return text.encode("utf-8")


async def refused_xml(ctx: AppContext, tenant_id: int, xml: bytes) -> ReceivedDocumentRefused:
    with pytest.raises(ReceivedDocumentRefused) as caught:
        await ctx.received.load(tenant_id, xml, dialect="test")
    assert caught.value.path == "xml"
    assert (await ctx.received.list(tenant_id)).total == 0
    return caught.value


async def test_received_xml_that_does_not_verify(ctx: AppContext, parties: Parties) -> None:
    cufe, attached = await attached_document_of_a_sale(ctx, parties.supplier, sale())
    invoice = _invoice_in(attached)
    buyer = parties.buyer.id

    tampered = invoice.replace(b"Servicio de consultor", b"Servicio de auditor", 1)
    assert tampered != invoice
    error = await refused_xml(ctx, buyer, tampered)
    assert error.rule == "ZE02" and "firma" in error.message

    # re-signed by someone with a CUFE DIAN never validated: the signature holds, the CUFE not
    root = etree.fromstring(invoice)
    signature = root.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature")
    signature.getparent().remove(signature)
    root.find(CBC.UUID).text = OTHER_CUFE
    pkcs12, password = generate_test_pkcs12(nit=parties.supplier.nit, name="Impostor")
    issue_date = root.findtext(CBC.IssueDate)
    moment = verify_xades(invoice).signing_time
    assert moment.date().isoformat() == issue_date
    sign_xades(root, load_pkcs12(pkcs12, password), moment)
    error = await refused_xml(ctx, buyer, etree.tostring(root))
    assert error.rule == "FAD06" and OTHER_CUFE in error.message

    stranger = await add_tenant(ctx, "900444555", "Tercera S.A.S.")
    error = await refused_xml(ctx, stranger.id, attached)
    assert error.rule == "LGC04" and "no está dirigida" in error.message

    assert (await refused_xml(ctx, buyer, b"no es xml")).rule == "ZB01"
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert (await refused_xml(ctx, buyer, bomb)).rule == "ZB01"
    not_invoice = b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>'
    assert (await refused_xml(ctx, buyer, not_invoice)).rule == "ZB05"

    loaded = await ctx.received.load(buyer, invoice, dialect="test")  # the bare invoice works
    assert loaded.cufe == cufe
    assert await ctx.received.load(buyer, attached, dialect="test") == loaded  # once
    assert await ctx.received.xml(buyer, loaded.id) == invoice
