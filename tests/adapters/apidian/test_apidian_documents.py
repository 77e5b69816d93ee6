"""APIDIAN documents end to end: the body as APIDIAN clients send it, the simulator's verdict,
the answer in APIDIAN's shape (research §4) and the signed XML valid against DIAN's XSD."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import httpx
from apidian_documents_support import apidian_token, assert_valid_xml, bearer, result, sample

from core.api import Provisioning, parse_xml
from core.context import AppContext
from core.demo import DemoSetup

__all__ = ["apidian_token"]


async def test_invoice_sync_answers_apidians_shape(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", sendmail=False, sendmailtome=False)
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert list(answer)[:4] == [
        "success",
        "message",
        "send_email_success",
        "send_email_date_time",
    ]
    verdict = result(answer)
    assert verdict["IsValid"] == "true", verdict
    assert answer["success"] is True
    assert answer["message"] == "AttachedDocument #SETP990001147 generada con éxito"
    assert answer["urlinvoicexml"] == "FES-SETP990001147.xml"
    signed = base64.b64decode(answer["invoicexml"])
    assert parse_xml(signed).findtext("{*}ID") == "SETP990001147"


async def _invoice(client: httpx.AsyncClient, token: str, number: int) -> dict[str, Any]:
    body = sample("invoice", number=number, sendmail=False)
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    return answer


async def test_invoice_credit_note_and_debit_note_accepted_with_valid_xml(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    invoice = await _invoice(client, apidian_token, 990000101)
    assert_valid_xml(base64.b64decode(invoice["invoicexml"]))
    today = sample("invoice")["date"]
    reference = {"number": "SETP990000101", "uuid": invoice["cufe"], "issue_date": today}

    credit = sample("credit_note", billing_reference=reference, sendmail=False)
    response = await client.post(
        "/api/ubl2.1/credit-note", json=credit, headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    assert answer["message"] == "AttachedDocument #NC72 generada con éxito"
    assert answer["urlinvoicexml"] == "NCS-NC72.xml"
    assert answer["urlinvoiceattached"].startswith("ad") and answer["attacheddocument"]
    note = base64.b64decode(answer["invoicexml"])
    root = parse_xml(note)
    assert root.findtext("{*}CustomizationID") == "20"
    assert root.findtext("{*}DiscrepancyResponse/{*}ResponseCode") == "2"
    assert_valid_xml(note)

    debit = sample("debit_note", billing_reference=reference, sendmail=False)
    response = await client.post(
        "/api/ubl2.1/debit-note", json=debit, headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    assert answer["urlinvoicexml"] == "NDS-ND37.xml"  # no prefix sent: the resolution's
    debit_xml = base64.b64decode(answer["invoicexml"])
    totals = parse_xml(debit_xml).find("{*}RequestedMonetaryTotal")
    assert totals is not None
    assert totals.findtext("{*}AllowanceTotalAmount") == "50000.00"
    assert totals.findtext("{*}PayableAmount") == "950000.00"
    assert_valid_xml(debit_xml)


async def test_credit_note_without_reference_carries_its_invoice_period(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("credit_note_without_reference", sendmail=False)
    response = await client.post(
        "/api/ubl2.1/credit-note", json=body, headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    root = parse_xml(base64.b64decode(answer["invoicexml"]))
    assert root.findtext("{*}CustomizationID") == "22"
    assert root.findtext("{*}InvoicePeriod/{*}StartDate") == "2023-12-01"
    assert root.findtext("{*}InvoicePeriod/{*}EndDate") == "2023-12-31"


async def test_rejected_invoice_is_success_with_is_valid_false(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, apidian_token: str
) -> None:
    """A resolution configured in the gateway that DIAN's portal does not have: the document
    passes the gateway's checks and DIAN refuses it (FAD05e); APIDIAN still says success."""
    fake = await ctx.ranges.add_resolution(
        demo_tenant.tenant.id,
        document_type="01",
        resolution_number="18760000009",
        prefix="FAKE",
        from_number=1,
        to_number=1000,
        valid_from=dt.date(2019, 1, 19),
        valid_to=dt.date(2030, 1, 19),
        technical_key="0" * 40,
    )
    await _portal_without(ctx, demo_tenant, fake.id)
    body = sample("invoice", prefix="FAKE", number=7, resolution_number="18760000009")
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["success"] is True
    verdict = result(answer)
    assert verdict["IsValid"] == "false"
    assert verdict["StatusCode"] == "99"
    assert verdict["ErrorMessage"]["string"]
    assert answer["attacheddocument"] == ""
    assert answer["urlinvoiceattached"] == ".xml"
    assert answer["send_email_success"] is False


async def _portal_without(ctx: AppContext, demo: DemoSetup, range_id: int) -> None:
    """DIAN's portal (the simulator's registry) as if that range had never been authorised."""
    tenant = await ctx.tenants.tenant_view(demo.tenant.id)
    ranges = await ctx.ranges.list_ranges(tenant.id, tenant.environment)
    environment = ctx.registry.environments.get(tenant.environment)
    assert environment.provision is not None
    await environment.provision(
        ctx.settings,
        Provisioning(
            tenant=tenant,
            ranges=[r.range for r in ranges if r.range.id != range_id],
            certificate_der=await ctx.certificates.certificate_der(tenant.id),
            range_channels={k.range_type: k.software_channel for k in ctx.registry.document_types},
        ),
    )


async def test_aiu_and_mandate_invoices_take_their_operation_types(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    missing = await client.post(
        "/api/ubl2.1/invoice-aiu",
        json=sample("invoice", number=990000501),
        headers=bearer(apidian_token),
    )
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"noteAIU": ["El campo noteAIU es obligatorio."]}
    for route, number, operation in (
        ("invoice-aiu", 990000502, "09"),
        ("invoice-mandate", 990000503, "11"),
    ):
        body = sample("invoice", number=number, sendmail=False)
        body["noteAIU"] = "Administración 10 %, imprevistos 5 %, utilidad 5 %"
        response = await client.post(
            f"/api/ubl2.1/{route}", json=body, headers=bearer(apidian_token)
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        assert result(answer)["IsValid"] == "true", result(answer)
        root = parse_xml(base64.b64decode(answer["invoicexml"]))
        assert root.findtext("{*}CustomizationID") == operation
