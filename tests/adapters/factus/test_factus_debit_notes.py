"""Debit notes (``/v1/debit-notes``): the credit notes' shape with ``debit_note``, types 30/32
and debit correction concepts."""

from __future__ import annotations

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


async def debit_body(ctx: AppContext, demo_tenant: DemoSetup, bill_id: int | None, **changes: Any):
    body = copy.deepcopy(SEED_REQUEST)
    body.update(
        numbering_range_id=await range_id(ctx, demo_tenant.tenant.id, "92"),
        correction_concept_code=1,
        customization_id=30,
        bill_id=bill_id,
        reference_code="nd-1",
    )
    body["items"][0].update(name="Intereses por mora", price=11900)
    body.update(changes)
    return body


async def test_debit_note_on_a_bill(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]

    answer = await client.post(
        "/v1/debit-notes/validate",
        json=await debit_body(ctx, demo_tenant, bill["id"]),
        headers=bearer(token),
    )

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["message"] == (
        "Documento con el código de referencia nd-1 registrado y validado con éxito"
    )
    note = body["data"]["debit_note"]
    assert note["status"] == 1 and note["number"].startswith("ND") and len(note["cude"]) == 96
    assert (note["gross_value"], note["tax_amount"], note["total"]) == (
        "10000.00",
        "1900.00",
        "11900.00",
    )
    assert note["customization_id"] == {
        "code": "30",
        "name": "Nota Débito que referencia una factura electrónica.",
    }
    assert note["correction_concept"] == {"code": "1", "name": "Intereses"}
    assert (note["bill_id"], note["number_bill"], note["cufe"]) == (
        bill["id"],
        bill["number"],
        bill["cufe"],
    )
    shown = await client.get(f"/v1/debit-notes/{note['number']}", headers=bearer(token))
    assert shown.status_code == 200 and shown.json()["data"]["debit_note"]["id"] == note["id"]
    listed = await client.get("/v1/debit-notes", headers=bearer(token))
    assert [r["number"] for r in listed.json()["data"]["data"]] == [note["number"]]
    # a credit note's route does not serve it
    other = await client.get(f"/v1/credit-notes/{note['number']}", headers=bearer(token))
    assert other.status_code == 404


async def test_debit_note_types_and_concepts_are_its_own(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    body = await debit_body(
        ctx, demo_tenant, bill["id"], customization_id=20, correction_concept_code=6
    )

    answer = await client.post("/v1/debit-notes/validate", json=body, headers=bearer(token))

    assert answer.status_code == 422
    assert answer.json() == {
        "message": "El campo código de corrección es inválido. (and 1 more error)",
        "errors": {
            "correction_concept_code": ["El campo código de corrección es inválido."],
            "customization_id": ["El campo Tipo de nota débito es inválido."],
        },
    }
    without = await debit_body(ctx, demo_tenant, None, customization_id=32)
    answer = await client.post("/v1/debit-notes/validate", json=without, headers=bearer(token))
    assert answer.json()["errors"] == {
        "billing_period": ["El campo billing period es obligatorio."]
    }
