"""Credit notes: the bill's customer when none is sent, notes without a bill (22) and their
billing period, a note DIAN rejects (status 0, its errors, then 409 until it is deleted),
list and show."""

from __future__ import annotations

import base64
import copy
from typing import Any

import httpx

from core.context import AppContext
from core.demo import DemoSetup
from tests.adapters.factus.test_factus_seed import (
    SEED_REQUEST,
    bearer,
    create_bill,
    range_id,
    token,
)

__all__ = ["token"]


async def note_body(ctx: AppContext, demo_tenant: DemoSetup, bill_id: int | None, **changes: Any):
    body = copy.deepcopy(SEED_REQUEST)
    body["numbering_range_id"] = await range_id(ctx, demo_tenant.tenant.id, "91")
    body["bill_id"] = bill_id
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


async def test_note_without_customer_takes_the_bills(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]
    body = await note_body(ctx, demo_tenant, bill["bill"]["id"], customer=None)
    del body["numbering_range_id"]  # the only active credit-note range is taken

    answer = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))

    assert answer.status_code == 201, answer.text
    data = answer.json()["data"]
    assert data["customer"] == bill["customer"]
    assert data["credit_note"]["status"] == 1


async def test_note_without_reference_needs_a_billing_period(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    body = await note_body(ctx, demo_tenant, None, customization_id=22)
    missing = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))
    assert missing.status_code == 422
    assert missing.json()["errors"] == {
        "billing_period": ["El campo billing period es obligatorio."]
    }

    body["billing_period"] = {
        "start_date": "2026-01-01",
        "start_time": "00:00:00",
        "end_date": "2026-01-31",
        "end_time": "23:59:59",
    }
    answer = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))

    assert answer.status_code == 201, answer.text
    note = answer.json()["data"]["credit_note"]
    assert note["status"] == 1, note["errors"]
    assert (note["bill_id"], note["number_bill"], note["cufe"]) == (None, None, None)
    assert note["customization_id"]["code"] == "22"
    shown = await client.get(f"/v1/credit-notes/{note['number']}", headers=bearer(token))
    assert shown.json()["data"]["credit_note"]["billing_period"]["end_date"] == "2026-01-31"


async def test_bill_of_another_kind_or_unknown_is_not_found(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    note = (
        await client.post(
            "/v1/credit-notes/validate",
            json=await note_body(ctx, demo_tenant, bill["id"]),
            headers=bearer(token),
        )
    ).json()["data"]["credit_note"]
    # a credit note's id is not a bill's
    body = await note_body(ctx, demo_tenant, note["id"], reference_code="otra")
    answer = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"bill_id": ["La factura seleccionada no existe."]}
    # a bill range is not a credit-note range
    body = await note_body(
        ctx,
        demo_tenant,
        bill["id"],
        reference_code="otra",
        numbering_range_id=await range_id(ctx, demo_tenant.tenant.id, "01"),
    )
    answer = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))
    assert answer.json()["errors"] == {
        "numbering_range_id": ["El campo id rango de numeración es inválido."]
    }


async def test_rejected_note_is_answered_blocks_and_can_be_deleted(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    # a bill DIAN has no record of (its CUFE is unknown to the simulated DIAN)
    stored = await ctx.documents.documents.get_by_id(demo_tenant.tenant.id, bill["id"])
    await ctx.documents.documents.update(stored.uuid, unique_code="ab" * 48)

    body = await note_body(ctx, demo_tenant, bill["id"])
    first = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))

    assert first.status_code == 201, first.text
    rejected = first.json()["data"]["credit_note"]
    assert rejected["status"] == 0 and rejected["validated"] is None
    assert any(e.startswith("Regla: CBG04a, Rechazo:") for e in rejected["errors"])

    # the same reference code: that note again, no new number
    again = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))
    assert again.json()["data"]["credit_note"]["number"] == rejected["number"]
    # another one: blocked while the rejected note exists
    other = dict(body, reference_code="6")
    blocked = await client.post("/v1/credit-notes/validate", json=other, headers=bearer(token))
    assert blocked.status_code == 409
    assert blocked.json()["errors"][0]["message"] == (
        "Se encontró una nota crédito pendiente por enviar a la DIAN"
    )
    pdf = await client.get(
        f"/v1/credit-notes/download-pdf/{rejected['number']}", headers=bearer(token)
    )
    assert pdf.status_code == 409
    assert pdf.json() == {"status": "Conflict", "message": "La nota crédito no ha sido validada"}

    deleted = await client.delete("/v1/credit-notes/reference/5", headers=bearer(token))
    assert deleted.status_code == 200
    assert deleted.json() == {
        "status": "OK",
        "message": "Documento con código de referencia 5 eliminado con éxito",
    }
    listed = await client.get("/v1/credit-notes", headers=bearer(token))
    assert listed.json()["data"]["data"] == []
    shown = await client.get(f"/v1/bills/show/{bill['number']}", headers=bearer(token))
    assert shown.json()["data"]["credit_notes"] == []
    # unblocked; the deleted note's number stays spent
    await ctx.documents.documents.update(stored.uuid, unique_code=bill["cufe"])
    fresh = await client.post("/v1/credit-notes/validate", json=other, headers=bearer(token))
    assert fresh.status_code == 201, fresh.text
    note = fresh.json()["data"]["credit_note"]
    assert note["status"] == 1 and note["number"] != rejected["number"]
    shown = await client.get(f"/v1/bills/show/{bill['number']}", headers=bearer(token))
    assert shown.json()["data"]["credit_notes"] == [{"id": note["id"], "number": note["number"]}]
    rows = (await client.get("/v1/bills", headers=bearer(token))).json()["data"]["data"]
    assert rows[0]["credit_notes"] == [{"id": note["id"], "number": note["number"]}]
    assert rows[0]["debit_notes"] == []
    # a validated note cannot be deleted
    kept = await client.delete("/v1/credit-notes/reference/6", headers=bearer(token))
    assert kept.status_code == 409
    missing = await client.delete("/v1/credit-notes/reference/nada", headers=bearer(token))
    assert missing.status_code == 404


async def test_list_rows(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    await client.post(
        "/v1/credit-notes/validate",
        json=await note_body(ctx, demo_tenant, bill["id"]),
        headers=bearer(token),
    )
    rows = (await client.get("/v1/credit-notes", headers=bearer(token))).json()["data"]["data"]
    assert len(rows) == 1
    row = rows[0]
    assert {
        k: row[k] for k in ("reference_code", "identification", "names", "total", "status")
    } == {
        "reference_code": "5",
        "identification": "123456789",
        "names": "Alan Turing",
        "total": "80000.00",
        "status": 1,
    }
    assert "document" not in row and "credit_notes" not in row


async def test_note_without_reference_may_name_a_bill_for_its_customer(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]
    body = await note_body(
        ctx,
        demo_tenant,
        bill["bill"]["id"],
        customization_id=22,
        customer=None,
        billing_period={"start_date": "2026-01-01", "end_date": "2026-01-31"},
    )

    answer = await client.post("/v1/credit-notes/validate", json=body, headers=bearer(token))

    assert answer.status_code == 201, answer.text
    data = answer.json()["data"]
    assert data["credit_note"]["status"] == 1, data["credit_note"]["errors"]
    assert data["customer"] == bill["customer"]
    xml = await client.get(
        f"/v1/credit-notes/download-xml/{data['credit_note']['number']}", headers=bearer(token)
    )
    content = base64.b64decode(xml.json()["data"]["xml_base_64_encoded"])
    assert b"BillingReference" not in content and b"InvoicePeriod" in content
