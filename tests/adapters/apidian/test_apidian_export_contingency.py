"""APIDIAN's export invoice (``/invoice-export``, type 2), contingency invoice
(``/invoice-contingency``, type 3) and contingency type 4 (``/invoice-contingency-4``, stored
now and sent by ``send_pendings``): APIDIAN's bodies and answers, the simulator's verdict and
bad input in APIDIAN's 422 shape."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from apidian_documents_support import apidian_token, assert_valid_xml, bearer, result, sample

from core.api import parse_xml

__all__ = ["apidian_token"]

FOREIGN_BUYER = {
    "identification_number": "5400123987",
    "name": "GLOBAL IMPORTS LLC",
    "phone": "13055550123",
    "address": "100 BISCAYNE BLVD",
    "email": "compras@example.com",
    "merchant_registration": "0000000-00",
    "type_document_identification_id": 9,  # 50 NIT de otro país
    "type_organization_id": 1,
    "type_liability_id": 117,
    "type_regime_id": 2,
    "country_id": 65,  # US
    "municipality_name": "MIAMI",
    "state_name": "FLORIDA",
}
LINE = {
    "unit_measure_id": 70,
    "invoiced_quantity": "2",
    "line_extension_amount": "500.00",
    "free_of_charge_indicator": False,
    "tax_totals": [{"tax_id": 1, "tax_amount": "0.00", "taxable_amount": "500.00", "percent": "0"}],
    "description": "CAFE TOSTADO",
    "code": "CAFE",
    "type_item_identification_id": 4,
    "price_amount": "250.00",
    "base_quantity": "1",
}
TOTALS = {
    "line_extension_amount": "500.00",
    "tax_exclusive_amount": "500.00",
    "tax_inclusive_amount": "500.00",
    "payable_amount": "500.00",
}


def export_body(number: int, **changes: Any) -> dict[str, Any]:
    body = sample("invoice", number=number, type_document_id=2, sendmail=False)
    del body["resolution_number"], body["prefix"]
    body.update(
        customer=dict(FOREIGN_BUYER),
        payment_form={"payment_form_id": 1, "payment_method_id": 10},
        tax_totals=[{"tax_id": 1, "tax_amount": "0.00", "percent": "0", "taxable_amount": "500"}],
        legal_monetary_totals=dict(TOTALS),
        invoice_lines=[dict(LINE)],
        idcurrency=149,  # USD
        calculationrate="4000.00",
        calculationratedate=body["date"],
        deliveryterms={
            "special_terms": "ENTREGA EN PUERTO",
            "loss_risk_responsibility_code": "FOB",
            "loss_risk": "Franco a bordo",
        },
    )
    body.update(changes)
    return body


def contingency_body(type_document_id: int, number: int, **changes: Any) -> dict[str, Any]:
    body = sample("invoice", number=number, type_document_id=type_document_id, sendmail=False)
    del body["resolution_number"], body["prefix"]
    body["payment_form"] = {"payment_form_id": 1, "payment_method_id": 10}
    body.update(changes)
    return body


async def _post(client: httpx.AsyncClient, token: str, route: str, body: Any) -> httpx.Response:
    return await client.post(f"/api/ubl2.1/{route}", json=body, headers=bearer(token))


async def test_export_invoice_in_dollars(client: httpx.AsyncClient, apidian_token: str) -> None:
    response = await _post(client, apidian_token, "invoice-export", export_body(1))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    assert "success" not in answer and len(answer["cufe"]) == 96
    assert answer["message"] == "AttachedDocument #FEX1 generada con éxito"
    assert answer["urlinvoicexml"] == "FES-FEX1.xml"
    signed = base64.b64decode(answer["invoicexml"])
    root = parse_xml(signed)
    assert root.findtext("{*}InvoiceTypeCode") == "02"
    assert root.findtext("{*}DocumentCurrencyCode") == "USD"
    assert root.findtext("{*}PaymentExchangeRate/{*}CalculationRate") == "4000.00"
    assert root.findtext("{*}DeliveryTerms/{*}LossRiskResponsibilityCode") == "FOB"
    buyer = root.find("{*}AccountingCustomerParty/{*}Party")
    assert buyer is not None
    assert buyer.findtext(".//{*}Country/{*}IdentificationCode") == "US"
    assert_valid_xml(signed)


async def test_export_request_rules(client: httpx.AsyncClient, apidian_token: str) -> None:
    body = export_body(2)
    del body["calculationrate"], body["deliveryterms"], body["customer"]["email"]
    response = await _post(client, apidian_token, "invoice-export", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "customer.email": ["El campo customer.email es obligatorio."],
        "calculationrate": [
            "El campo calculationrate es obligatorio cuando idcurrency está presente."
        ],
        "deliveryterms": ["El campo deliveryterms es obligatorio."],
        "deliveryterms.special_terms": ["El campo deliveryterms.special_terms es obligatorio."],
        "deliveryterms.loss_risk_responsibility_code": [
            "El campo deliveryterms.loss_risk_responsibility_code es obligatorio."
        ],
        "deliveryterms.loss_risk": ["El campo deliveryterms.loss_risk es obligatorio."],
    }
    body = export_body(2)
    body["deliveryterms"]["loss_risk_responsibility_code"] = "XYZ"
    response = await _post(client, apidian_token, "invoice-export", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "deliveryterms.loss_risk_responsibility_code": [
            "deliveryterms.loss_risk_responsibility_code es inválido."
        ]
    }


async def test_contingency_invoice_transmits_its_paper_invoice(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = contingency_body(
        3,
        7,
        AdditionalDocumentReferenceID="TAL1001",
        AdditionalDocumentReferenceDate=sample("invoice")["date"],
        AdditionalDocumentReferenceTypeDocument="01",
    )
    response = await _post(client, apidian_token, "invoice-contingency", body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    assert "success" not in answer and len(answer["cude"]) == 96
    assert answer["message"] == "AttachedDocument #CONT7 generada con éxito"
    signed = base64.b64decode(answer["invoicexml"])
    root = parse_xml(signed)
    assert root.findtext("{*}InvoiceTypeCode") == "03"
    assert root.findtext("{*}AdditionalDocumentReference/{*}ID") == "TAL1001"
    assert_valid_xml(signed)


async def test_contingency_request_rules(client: httpx.AsyncClient, apidian_token: str) -> None:
    body = contingency_body(3, 8, AdditionalDocumentReferenceTypeDocument="XX")
    del body["time"]
    response = await _post(client, apidian_token, "invoice-contingency", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "time": ["El campo hora es obligatorio."],
        "AdditionalDocumentReferenceID": ["El campo AdditionalDocumentReferenceID es obligatorio."],
        "AdditionalDocumentReferenceDate": [
            "El campo AdditionalDocumentReferenceDate es obligatorio."
        ],
        "AdditionalDocumentReferenceTypeDocument": [
            "AdditionalDocumentReferenceTypeDocument es inválido."
        ],
    }
    response = await _post(client, apidian_token, "invoice-contingency-4", contingency_body(1, 9))
    assert response.status_code == 422
    assert response.json()["errors"] == {"type_document_id": ["type_document_id es inválido."]}


async def test_contingency_type_4_is_stored_then_sent_by_send_pendings(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    for number in (1, 2):
        response = await _post(
            client, apidian_token, "invoice-contingency-4", contingency_body(12, number)
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["message"] == f"AttachedDocument #CTG{number} generada con éxito"
        stored = answer["ResponseDian"]["Body"]["SendBillSyncResponse"]["SendBillSyncResult"]
        assert stored["IsValid"] == "true" and stored["XmlDocumentKey"] == answer["cude"]
        assert "reqfe" not in answer and answer["urlinvoicexml"] == f"FES-CTG{number}.xml"
        root = parse_xml(base64.b64decode(answer["invoicexml"]))
        assert root.findtext("{*}InvoiceTypeCode") == "04"

    response = await _post(client, apidian_token, "invoice-contingency-4/send_pendings/CTG/1", {})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["success"] is True
    assert answer["message"] == "Envios de documentos de contingencia tipo 4 realizados con exito."
    (sent,) = json.loads(answer["responses"])
    assert result({"ResponseDian": sent})["IsValid"] == "true"

    response = await _post(client, apidian_token, "invoice-contingency-4/send_pendings", {})
    assert json.loads(response.json()["responses"])[0]["Envelope"]
    response = await _post(client, apidian_token, "invoice-contingency-4/send_pendings", {})
    assert response.json() == {
        "success": True,
        "message": "No existen registros de documentos de contingencia tipo 4 para realizar "
        "envios....",
    }


async def test_send_pendings_of_a_number_no_document_can_have_is_no_records(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    """A number past 64 bits (found by the fuzzer as a 500) matches no document."""
    response = await _post(
        client, apidian_token, "invoice-contingency-4/send_pendings/CTG/" + "1" + "0" * 60, {}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "success": True,
        "message": "No existen registros de documentos de contingencia tipo 4 para realizar "
        "envios....",
    }
