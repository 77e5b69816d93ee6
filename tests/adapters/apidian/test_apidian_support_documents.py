"""APIDIAN's support document (``/support-document``, type 11 -> 05) and its adjustment note
(``/sd-credit-note``, 13 -> 95): APIDIAN's bodies with the ``seller``, accepted by the
simulator, answered with ``cuds`` and ``DSS-``/``NDSNS-`` files; bad input in APIDIAN's
422 shape."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from apidian_documents_support import apidian_token, assert_valid_xml, bearer, result, sample

from core.api import parse_xml
from core.demo import DEMO_NIT

__all__ = ["apidian_token"]


def support_body(number: int, **changes: Any) -> dict[str, Any]:
    body = sample("support_document", number=number, **changes)
    body["invoice_lines"][0]["start_date"] = body["date"]
    body["payment_form"]["payment_due_date"] = body["date"]
    return body


async def _post(client: httpx.AsyncClient, token: str, route: str, body: Any) -> httpx.Response:
    return await client.post(f"/api/ubl2.1/{route}", json=body, headers=bearer(token))


async def test_support_document_and_its_adjustment_note(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    response = await _post(client, apidian_token, "support-document", support_body(984000011))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    assert "success" not in answer
    assert answer["message"] == "AttachedDocument #SEDS984000011 generada con éxito"
    assert answer["urlinvoicexml"] == "DSS-SEDS984000011.xml"
    assert answer["urlinvoicepdf"] == "DSS-SEDS984000011.pdf"
    assert len(answer["cuds"]) == 96 and "cufe" not in answer and "cude" not in answer
    assert isinstance(answer["resolution_days_left"], int)
    signed = base64.b64decode(answer["invoicexml"])
    root = parse_xml(signed)
    assert root.findtext("{*}InvoiceTypeCode") == "05"
    assert root.findtext("{*}CustomizationID") == "10"
    seller = root.find("{*}AccountingSupplierParty/{*}Party")
    buyer = root.find("{*}AccountingCustomerParty/{*}Party")
    assert seller is not None and buyer is not None
    assert seller.findtext("{*}PartyTaxScheme/{*}CompanyID") == "41946692"
    assert buyer.findtext("{*}PartyTaxScheme/{*}CompanyID") == DEMO_NIT
    period = root.find("{*}InvoiceLine/{*}InvoicePeriod")
    assert period is not None and period.findtext("{*}DescriptionCode") == "1"
    assert_valid_xml(signed)

    note = sample(
        "support_document",
        type_document_id=13,
        number=1,
        prefix="NAS",
        discrepancyresponsecode=1,
        billing_reference={
            "number": "SEDS984000011",
            "uuid": answer["cuds"],
            "issue_date": support_body(1)["date"],
        },
    )
    note["credit_note_lines"] = note.pop("invoice_lines")
    response = await _post(client, apidian_token, "sd-credit-note", note)
    assert response.status_code == 200, response.text
    adjusted = response.json()
    assert result(adjusted)["IsValid"] == "true", result(adjusted)
    assert adjusted["urlinvoicexml"] == "NDSNS-NAS1.xml"
    assert len(adjusted["cuds"]) == 96 and "resolution_days_left" not in adjusted
    signed = base64.b64decode(adjusted["invoicexml"])
    root = parse_xml(signed)
    assert root.findtext("{*}CreditNoteTypeCode") == "95"
    reference = root.find("{*}BillingReference/{*}InvoiceDocumentReference")
    assert reference is not None and reference.findtext("{*}UUID") == answer["cuds"]
    assert_valid_xml(signed)


async def test_support_document_request_rules(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = support_body(984000012, type_operation_id=10)
    del body["seller"]["postal_zone_code"]
    body["seller"]["dv"] = "5"
    del body["invoice_lines"][0]["start_date"]
    body["invoice_lines"][0]["type_generation_transmition_id"] = 9
    response = await _post(client, apidian_token, "support-document", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "type_operation_id": ["type_operation_id es inválido."],
        "seller.postal_zone_code": ["El campo seller.postal_zone_code es obligatorio."],
        "invoice_lines.0.type_generation_transmition_id": [
            "invoice_lines.0.type_generation_transmition_id es inválido."
        ],
        "invoice_lines.0.start_date": ["El campo invoice_lines.0.start_date es obligatorio."],
        "seller.dv": ["Error, el digito de verificacion no es valido para este NIT."],
    }

    note = support_body(2, type_document_id=13)
    response = await _post(client, apidian_token, "sd-credit-note", note)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["billing_reference"] == ["El campo billing_reference es obligatorio."]
    assert errors["credit_note_lines"] == ["El campo credit_note_lines es obligatorio."]


async def test_support_document_to_the_company_itself_is_refused(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = support_body(984000013)
    body["seller"].update(
        identification_number=DEMO_NIT, dv=None, type_document_identification_id=6
    )
    response = await _post(client, apidian_token, "support-document", body)
    assert response.status_code == 422, response.text
    (message,) = response.json()["errors"]["seller.identification_number"]
    assert message.startswith("DSAJ01: El vendedor no puede ser la misma empresa que emite")


async def test_support_document_to_a_test_set(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    test_set = "a9e4b2c1-5d3f-4e6a-8b7c-1234567890ab"
    body = support_body(984000014)
    response = await _post(client, apidian_token, f"support-document/{test_set}", body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "success" not in answer
    assert answer["message"] == "Documento Soporte Electrónico #SEDS984000014 generada con éxito"
    assert result(answer, "SendTestSetAsync")["ZipKey"]
    assert answer["urlinvoiceattached"] == "Attachment-SEDS984000014.xml"
    assert len(answer["cuds"]) == 96
