"""APIDIAN's ``delivery`` and ``deliveryparty`` reach the signed XML as ``cac:Delivery``; their
InvoiceRequest rules, and ``payment_form.payment_due_date``'s ``after_or_equal:date``, answer
422 with APIDIAN's Spanish messages on the field that failed."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import httpx
from apidian_documents_support import apidian_token, assert_valid_xml, bearer, result, sample

from core.api import parse_xml

__all__ = ["apidian_token"]

DELIVERY = {
    "language_id": 79,
    "country_id": 46,  # CO
    "municipality_id": 822,  # 63130 Calarcá
    "address": "Bodega 4, Km 2 vía Armenia",
}
DELIVERY_PARTY = {
    "identification_number": "900373115",
    "type_document_identification_id": 6,  # NIT (31)
    "type_organization_id": 1,
    "type_liability_id": 7,  # O-13
    "tax_id": 1,  # IVA
    "municipality_id": 149,  # 11001 Bogotá
    "name": "TRANSPORTES ANDINOS S.A.S.",
    "phone": "6014567890",
    "address": "Calle 13 # 68-90",
    "email": "despachos@transandinos.example",
    "merchant_registration": "0000123",
}


def _with_delivery(number: int, **changes: Any) -> dict[str, Any]:
    body = sample("invoice", number=number, sendmail=False)
    body["delivery"] = {**DELIVERY, "actual_delivery_date": body["date"]}
    body["deliveryparty"] = dict(DELIVERY_PARTY)
    body.update(changes)
    return body


async def test_invoice_with_delivery_carries_cac_delivery(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = _with_delivery(990000301)
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    signed = base64.b64decode(answer["invoicexml"])
    assert_valid_xml(signed)
    root = parse_xml(signed)
    names = [child.tag.rpartition("}")[2] for child in root]
    at = names.index("Delivery")
    assert names[at - 1 : at + 2] == ["AccountingCustomerParty", "Delivery", "PaymentMeans"]
    delivery = root.find("{*}Delivery")
    assert [child.tag.rpartition("}")[2] for child in delivery] == [
        "ActualDeliveryDate",
        "DeliveryAddress",
        "DeliveryParty",
    ]
    assert delivery.findtext("{*}ActualDeliveryDate") == body["date"]
    address = delivery.find("{*}DeliveryAddress")
    assert address.findtext("{*}ID") == "63130"
    assert address.findtext("{*}CityName") == "Calarcá"
    assert address.findtext("{*}CountrySubentity") == "Quindío"
    assert address.findtext("{*}CountrySubentityCode") == "63"
    assert address.findtext("{*}AddressLine/{*}Line") == "Bodega 4, Km 2 vía Armenia"
    assert address.findtext("{*}Country/{*}IdentificationCode") == "CO"
    party = delivery.find("{*}DeliveryParty")
    assert party.findtext("{*}PartyName/{*}Name") == "TRANSPORTES ANDINOS S.A.S."
    assert party.findtext("{*}PhysicalLocation/{*}Address/{*}ID") == "11001"
    assert party.findtext("{*}PhysicalLocation/{*}Address/{*}AddressLine/{*}Line") == (
        "Calle 13 # 68-90"
    )
    tax_scheme = party.find("{*}PartyTaxScheme")
    company_id = tax_scheme.find("{*}CompanyID")
    assert (company_id.text, company_id.get("schemeID"), company_id.get("schemeName")) == (
        "900373115",
        "3",
        "31",
    )
    assert tax_scheme.findtext("{*}TaxLevelCode") == "O-13"
    assert tax_scheme.findtext("{*}TaxScheme/{*}ID") == "01"
    legal = party.find("{*}PartyLegalEntity")
    assert legal.findtext("{*}RegistrationName") == "TRANSPORTES ANDINOS S.A.S."
    contact = party.find("{*}Contact")
    assert contact.findtext("{*}Telephone") == "6014567890"
    assert contact.findtext("{*}ElectronicMail") == "despachos@transandinos.example"


async def test_invoice_without_delivery_has_no_cac_delivery(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", number=990000302, sendmail=False)
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 200, response.text
    root = parse_xml(base64.b64decode(response.json()["invoicexml"]))
    assert root.find("{*}Delivery") is None


async def test_delivery_rules_answer_apidians_messages(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = _with_delivery(990000303)
    del body["deliveryparty"]
    body["delivery"]["municipality_id"] = 99999
    del body["delivery"]["actual_delivery_date"]
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "delivery.municipality_id": ["delivery.municipality_id es inválido."],
        "delivery.actual_delivery_date": [
            "El campo delivery.actual_delivery_date es obligatorio cuando delivery está presente."
        ],
        "deliveryparty": ["El campo deliveryparty es obligatorio cuando delivery está presente."],
    }

    body = _with_delivery(990000303)
    body["deliveryparty"]["email"] = "no-es-correo"
    del body["deliveryparty"]["name"]
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "deliveryparty.name": [
            "El campo deliveryparty.name es obligatorio cuando deliveryparty está presente."
        ],
        "deliveryparty.email": ["deliveryparty.email no es un correo válido"],
    }


async def test_due_date_before_the_issue_date_is_a_422(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", number=990000304, sendmail=False)
    issued = dt.date.fromisoformat(body["date"])
    body["payment_form"]["payment_due_date"] = (issued - dt.timedelta(days=1)).isoformat()
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 422
    message = "payment_form.payment_due_date debe ser una fecha posterior o igual a fecha."
    assert response.json() == {
        "message": message,
        "errors": {"payment_form.payment_due_date": [message]},
    }

    # the array form APIDIAN's rules are written for: the error names the item
    body["payment_form"] = [body["payment_form"]]
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "payment_form.0.payment_due_date": [
            "payment_form.0.payment_due_date debe ser una fecha posterior o igual a fecha."
        ]
    }


async def test_due_date_on_the_issue_date_is_accepted(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", number=990000305, sendmail=False)
    body["payment_form"]["payment_due_date"] = body["date"]
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    root = parse_xml(base64.b64decode(answer["invoicexml"]))
    assert root.findtext("{*}PaymentMeans/{*}PaymentDueDate") == body["date"]
