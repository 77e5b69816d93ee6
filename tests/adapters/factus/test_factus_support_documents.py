# ruff: noqa: E501
"""Support documents (05) and their adjustment notes (95) through Factus' routes: the docs'
request and answer, show, list, downloads, delete, the 409 while one is pending, bad input in
Factus' 422 (never a 500), and the note that adjusts a support document."""

from __future__ import annotations

import base64
import copy
import json
import re
from typing import Any

import httpx
import pytest

from core.api import parse_xml
from core.context import AppContext
from core.demo import DemoSetup
from core.testing import dian_xsd_dir
from core.ubl.schemas import schema_errors
from tests.adapters.factus.test_factus_seed import (
    bearer,
    range_id,
    same_shape,
    simulator_down,
    simulator_up,
    token,
)

__all__ = ["token"]

# Factus' documented request (documentos-soporte/crear-validar, e-mails replaced)
SUPPORT_REQUEST = json.loads(
    """{ "reference_code": "REF0017", "numbering_range_id": 148, "payment_method_code": "10", "observation": "", "provider": { "identification_document_id": 6, "identification": "123456789", "dv": 6, "trade_name": "", "names": "Alan Turing", "address": "calle 1 # 2-68", "email": "x@example.com", "phone": "1234567890", "is_resident": 1, "country_code": "CO", "municipality_id": 980 }, "items": [ { "code_reference": "12345", "name": "producto de prueba", "quantity": 1, "discount_rate": 20, "price": 50000, "unit_measure_id": 70, "standard_code_id": 1, "withholding_taxes": [ { "code": "06", "withholding_tax_rate": "3.50" } ] }, { "code_reference": "54321", "name": "producto de prueba 2", "quantity": 1, "discount_rate": 0, "price": 50000, "unit_measure_id": 70, "standard_code_id": 1 } ]}"""
)
# Factus' documented 201 (the company, numbering range and base64 are the sandbox's own)
SUPPORT_CREATED = json.loads(
    """{ "status": "Created", "message": "Documento con el código de referencia REF0017 registrado y validado con éxito", "data": { "company": {}, "provider": { "identification": "123456789", "dv": "6", "graphic_representation_name": "Alan Turing", "trade_name": null, "names": "Alan Turing", "address": "calle 1 # 2-68", "email": "x@example.com", "phone": "1234567890", "identification_document": { "id": 6, "code": "31", "name": "NIT" }, "legal_organization": { "id": 2, "code": "2", "name": "Persona Natural" }, "tribute": { "id": 21, "code": "ZZ", "name": "No aplica" }, "country": { "id": 46, "code": "CO", "name": "Colombia" }, "municipality": { "id": 980, "code": "68679", "name": "San Gil" } }, "support_document": { "id": 6, "number": "SEDS984000021", "reference_code": "REF0017", "status": 1, "qr": "", "cuds": "", "validated": "11-02-2025 10:16:23 PM", "gross_value": "90000.00", "taxable_amount": "0.00", "tax_amount": "0.00", "total": "90000.00", "observation": null, "errors": [], "created_at": "11-02-2025 10:16:18 PM", "qr_image": "", "payment_method": { "code": "10", "name": "Efectivo" } }, "items": [ { "code_reference": "12345", "name": "producto de prueba", "quantity": 1, "discount_rate": "20.00", "discount": "10000.00", "gross_value": "40000.00", "tax_rate": "0.00", "taxable_amount": "0.00", "tax_amount": "0.00", "price": "50000.00", "is_excluded": 1, "unit_measure": { "id": 70, "code": "94", "name": "unidad" }, "standard_code": { "id": 1, "code": "999", "name": "Estándar de adopción del contribuyente" }, "total": 40000, "withholding_taxes": [ { "tribute_code": "06", "name": "ReteRenta", "value": "1400.00", "rates": [ { "code": "06", "name": "ReteRenta", "rate": "3.50" } ] } ] }, { "code_reference": "54321", "name": "producto de prueba 2", "quantity": 1, "discount_rate": "0.00", "discount": "0.00", "gross_value": "50000.00", "tax_rate": "0.00", "taxable_amount": "0.00", "tax_amount": "0.00", "price": "50000.00", "is_excluded": 1, "unit_measure": { "id": 70, "code": "94", "name": "unidad" }, "standard_code": { "id": 1, "code": "999", "name": "Estándar de adopción del contribuyente" }, "total": 50000, "withholding_taxes": [] } ], "withholding_taxes": [ { "tribute_code": "06", "name": "ReteRenta", "value": "1400.00" } ], "adjustment_notes": [] }}"""
)
NOTE_REQUEST: dict[str, Any] = {
    "reference_code": "NA-1",
    "payment_method_code": "10",
    "correction_concept_code": "2",
    "observation": "",
    "items": [
        {
            "code_reference": "12345",
            "name": "producto de prueba",
            "quantity": 1,
            "discount_rate": 20,
            "price": 50000,
            "unit_measure_id": 70,
            "standard_code_id": 1,
        }
    ],
}


def assert_valid(xml: bytes) -> None:
    """The XML against DIAN's XSD, when ``PASARELA_XSD_DIR`` names them."""
    xsd_dir = dian_xsd_dir()
    if xsd_dir is not None:
        assert schema_errors(parse_xml(xml), xsd_dir) == []


async def support_body(ctx: AppContext, demo_tenant: DemoSetup, **changes: Any) -> dict:
    body = copy.deepcopy(SUPPORT_REQUEST)
    body["numbering_range_id"] = await range_id(ctx, demo_tenant.tenant.id, "05")
    body.update(changes)
    return body


async def create_support_document(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str, **changes: Any
) -> dict[str, Any]:
    body = await support_body(ctx, demo_tenant, **changes)
    answer = await client.post("/v1/support-documents/validate", json=body, headers=bearer(token))
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_support_document_as_documented_then_show_list_files(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    body = await create_support_document(client, ctx, demo_tenant, token)

    assert body["data"]["support_document"]["status"] == 1, body["data"]["support_document"][
        "errors"
    ]
    document = body["data"]["support_document"]
    expected = copy.deepcopy(SUPPORT_CREATED)
    expected["data"]["support_document"]["cuds"] = document["cuds"]  # the document's own
    same_shape(body, expected, "")
    assert document["status"] == 1, document["errors"]
    assert len(document["cuds"]) == 96 and document["qr"].endswith(document["cuds"])
    assert document["qr_image"].startswith("data:image/png;base64, iVBOR")
    assert re.fullmatch(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2} [AP]M", document["validated"])
    assert body["data"]["numbering_range"]["prefix"] == re.sub(r"\d+$", "", document["number"])
    assert body["data"]["company"]["nit"] == demo_tenant.tenant.nit
    number = document["number"]

    shown = await client.get(f"/v1/support-documents/show/{number}", headers=bearer(token))
    assert shown.status_code == 200
    assert shown.json() == {"status": "OK", "message": "Solicitud exitosa", "data": body["data"]}

    listed = await client.get(
        "/v1/support-documents",
        params={"filter[identification]": "123456789"},
        headers=bearer(token),
    )
    rows = listed.json()["data"]["data"]
    assert [(r["number"], r["total"], r["status"]) for r in rows] == [(number, "90000.00", 1)]
    assert (rows[0]["names"], rows[0]["adjustment_notes"]) == ("Alan Turing", [])
    assert listed.json()["data"]["pagination"]["total"] == 1

    xml = (
        await client.get(f"/v1/support-documents/download-xml/{number}", headers=bearer(token))
    ).json()
    assert re.fullmatch(
        rf"ds0{demo_tenant.tenant.nit}000\d\d[0-9a-f]{{8}}", xml["data"]["file_name"]
    )
    content = base64.b64decode(xml["data"]["xml_base_64_encoded"])
    assert document["cuds"].encode() in content
    assert_valid(content)
    pdf = (
        await client.get(f"/v1/support-documents/download-pdf/{number}", headers=bearer(token))
    ).json()
    assert base64.b64decode(pdf["data"]["pdf_base_64_encoded"]).startswith(b"%PDF")

    validated = await client.delete(
        "/v1/support-documents/reference/REF0017", headers=bearer(token)
    )
    assert validated.status_code == 409
    retry = await client.post(
        "/v1/support-documents/validate",
        json=await support_body(ctx, demo_tenant),
        headers=bearer(token),
    )
    assert retry.status_code == 201 and retry.json()["data"]["support_document"]["number"] == number


async def test_bad_support_documents_are_factus_422s(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    body = await support_body(ctx, demo_tenant)
    body["numbering_range_id"] = await range_id(ctx, demo_tenant.tenant.id, "01")
    body["provider"] = dict(body["provider"], identification_document_id=3, country_code="ZZZ")
    del body["provider"]["names"]
    body["items"][1]["quantity"] = 1.5

    answer = await client.post("/v1/support-documents/validate", json=body, headers=bearer(token))

    assert answer.status_code == 422
    assert answer.json() == {
        "message": "El campo id rango de numeración es inválido. (and 4 more errors)",
        "errors": {
            "numbering_range_id": ["El campo id rango de numeración es inválido."],
            "provider.identification_document_id": [
                "El campo provider.identification_document_id es inválido."
            ],
            "provider.names": ["El campo provider.names es obligatorio."],
            "provider.country_code": ["El campo provider.country_code es inválido."],
            "items.1.quantity": ["El campo items.1.quantity debe ser un número entero."],
        },
    }
    _, total = await ctx.documents.list(demo_tenant.tenant.id)
    assert total == 0

    own = await support_body(ctx, demo_tenant)
    own["provider"] = dict(
        own["provider"], identification=demo_tenant.tenant.nit, dv=demo_tenant.tenant.dv
    )
    refused = await client.post("/v1/support-documents/validate", json=own, headers=bearer(token))
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["provider.identification"]
    rule, message = refused.json()["errors"]["provider.identification"][0].split(": ", 1)
    assert rule == "DSAJ01" and "no puede ser la misma empresa" in message

    for broken in (b"{", b"[]", b'{"items": "x"}'):
        answer = await client.post(
            "/v1/support-documents/validate",
            content=broken,
            headers={**bearer(token), "Content-Type": "application/json"},
        )
        assert answer.status_code == 422, answer.text
        assert "errors" in answer.json()


async def test_adjustment_note_on_a_support_document(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    document = (await create_support_document(client, ctx, demo_tenant, token))["data"]
    body = dict(copy.deepcopy(NOTE_REQUEST), support_document_id=document["support_document"]["id"])

    answer = await client.post("/v1/adjustment-notes/validate", json=body, headers=bearer(token))

    assert answer.status_code == 201, answer.text
    data = answer.json()["data"]
    note = data["adjustment_note"]
    assert note["status"] == 1, note["errors"]
    assert len(note["cuds"]) == 96 and note["cuds"] != document["support_document"]["cuds"]
    assert (note["total"], note["gross_value"], note["tax_amount"]) == (
        "40000.00",
        "40000.00",
        "0.00",
    )
    assert note["correction_concept"]["code"] == "2"
    assert note["support_document_id"] == document["support_document"]["id"]
    assert note["number_support_document"] == document["support_document"]["number"]
    assert note["cuds_support_document"] == document["support_document"]["cuds"]
    assert data["provider"] == document["provider"]
    assert "numbering_range" not in data and "adjustment_notes" not in data

    shown = await client.get(f"/v1/adjustment-notes/{note['number']}", headers=bearer(token))
    assert shown.json()["data"] == data
    support = await client.get(
        f"/v1/support-documents/show/{document['support_document']['number']}",
        headers=bearer(token),
    )
    assert support.json()["data"]["adjustment_notes"] == [
        {"id": note["id"], "number": note["number"]}
    ]
    listed = (await client.get("/v1/adjustment-notes", headers=bearer(token))).json()["data"]
    assert [r["number"] for r in listed["data"]] == [note["number"]]
    xml = (
        await client.get(
            f"/v1/adjustment-notes/download-xml/{note['number']}", headers=bearer(token)
        )
    ).json()
    content = base64.b64decode(xml["data"]["xml_base_64_encoded"])
    assert document["support_document"]["cuds"].encode() in content
    assert_valid(content)
    assert xml["data"]["file_name"].startswith(f"nds0{demo_tenant.tenant.nit}000")
    pdf = (
        await client.get(
            f"/v1/adjustment-notes/download-pdf/{note['number']}", headers=bearer(token)
        )
    ).json()
    assert base64.b64decode(pdf["data"]["pdf_base_64_encoded"]).startswith(b"%PDF")

    unknown = dict(body, reference_code="NA-2", support_document_id=999999)
    answer = await client.post("/v1/adjustment-notes/validate", json=unknown, headers=bearer(token))
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "support_document_id": ["El documento soporte seleccionado no existe."]
    }
    missing = {
        k: v for k, v in body.items() if k not in ("support_document_id", "correction_concept_code")
    }
    answer = await client.post("/v1/adjustment-notes/validate", json=missing, headers=bearer(token))
    assert answer.json()["errors"] == {
        "correction_concept_code": ["El campo código de corrección es obligatorio."],
        "support_document_id": ["El campo support document id es obligatorio."],
    }


async def test_pending_support_document_blocks_until_deleted(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    ctx: AppContext,
    demo_tenant: DemoSetup,
    token: str,
) -> None:
    simulator_down(monkeypatch, ctx)
    first = await create_support_document(client, ctx, demo_tenant, token)
    pending = first["data"]["support_document"]
    assert pending["status"] == 0 and pending["validated"] is None
    number = pending["number"]

    second = await client.post(
        "/v1/support-documents/validate",
        json=await support_body(ctx, demo_tenant, reference_code="REF0018"),
        headers=bearer(token),
    )
    assert second.status_code == 409
    assert second.json()["errors"][0]["message"] == (
        "Se encontró un documento soporte pendiente por enviar a la DIAN"
    )
    xml = await client.get(f"/v1/support-documents/download-xml/{number}", headers=bearer(token))
    assert xml.status_code == 409
    assert xml.json() == {
        "status": "Conflict",
        "message": "El documento soporte no ha sido validado",
    }

    deleted = await client.delete("/v1/support-documents/reference/REF0017", headers=bearer(token))
    assert deleted.json() == {
        "status": "OK",
        "message": "Documento con código de referencia REF0017 eliminado con éxito",
    }
    simulator_up(ctx)
    again = await create_support_document(client, ctx, demo_tenant, token, reference_code="REF0018")
    assert again["data"]["support_document"]["status"] == 1
    gone = await client.get(f"/v1/support-documents/show/{number}", headers=bearer(token))
    assert gone.status_code == 404
    assert gone.json() == {
        "status": "Not Found",
        "message": f"No se encontró el documento {number}",
    }
