"""APIDIAN's validation: 422 ``{"message", "errors": {"field.path": ["mensaje"]}}`` with the
Spanish messages of its FormRequests, the resolution rules and the engine's totals check;
and the leniency APIDIAN clients rely on (amounts as text or numbers, ``payment_form`` as
an object or an array)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
from apidian_documents_support import apidian_token, bearer, other_company, result, sample

from core.context import AppContext

__all__ = ["apidian_token"]


async def _post(
    client: httpx.AsyncClient, token: str, body: dict[str, Any], route: str = "invoice"
) -> httpx.Response:
    return await client.post(f"/api/ubl2.1/{route}", json=body, headers=bearer(token))


async def test_form_request_messages(client: httpx.AsyncClient, apidian_token: str) -> None:
    body = sample("invoice")
    del body["customer"]["name"]
    body["customer"]["dv"] = 5
    body["invoice_lines"][0]["unit_measure_id"] = 99999
    body["legal_monetary_totals"]["payable_amount"] = "un millón"
    body["date"] = "31/08/2024"
    response = await _post(client, apidian_token, body)
    assert response.status_code == 422
    assert response.json() == {
        "message": "fecha no corresponde al formato Y-m-d. (and 4 more errors)",
        "errors": {
            "date": ["fecha no corresponde al formato Y-m-d."],
            "customer.name": ["El campo customer.name es obligatorio."],
            "legal_monetary_totals.payable_amount": [
                "legal_monetary_totals.payable_amount debe ser numérico."
            ],
            "invoice_lines.0.unit_measure_id": ["invoice_lines.0.unit_measure_id es inválido."],
            "customer.dv": ["Error, el digito de verificacion no es valido para este NIT."],
        },
    }


async def test_resolution_rules(
    client: httpx.AsyncClient, ctx: AppContext, apidian_token: str
) -> None:
    response = await _post(client, apidian_token, sample("invoice", number=5))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "number": [
            "number tiene que estar entre 990000000 - 995000000 o no se establecio el "
            "atributo que define el minimo y maximo."
        ]
    }
    other = await other_company(ctx)  # no POS resolution
    response = await _post(client, other, sample("pos"), "eqdoc")
    assert response.status_code == 422
    assert response.json()["errors"] == {"type_document_id": ["La resolución no está configurada."]}


async def test_required_customer_dv_for_a_nit_and_wrong_type(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", type_document_id=4)
    del body["customer"]["dv"]
    response = await _post(client, apidian_token, body)
    assert response.json()["errors"] == {
        "type_document_id": ["type_document_id es inválido."],
        "customer.dv": [
            "El campo customer.dv es obligatorio cuando "
            "customer.type_document_identification_id es 6."
        ],
    }


async def test_totals_that_do_not_add_up_are_refused_before_dian(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice")
    body["legal_monetary_totals"]["payable_amount"] = "1000500.00"
    response = await _post(client, apidian_token, body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert list(errors) == ["legal_monetary_totals.payable_amount"]
    assert errors["legal_monetary_totals.payable_amount"][0].startswith("FAU14")


async def test_amounts_as_numbers_and_payment_form_as_an_array(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", number=990000401, sendmail=False)
    line = body["invoice_lines"][0]
    line.update(invoiced_quantity=1, price_amount=1000000, line_extension_amount=840336.134)
    line["tax_totals"][0].update(percent=19, tax_amount=159663.865, taxable_amount="840336.134")
    body["tax_totals"] = copy.deepcopy(line["tax_totals"])
    body["legal_monetary_totals"]["payable_amount"] = 1000000.0
    body["payment_form"] = [body["payment_form"]]
    response = await _post(client, apidian_token, body)
    assert response.status_code == 200, response.text
    assert result(response.json())["IsValid"] == "true"
    body = sample("debit_note", sendmail=False)
    body["legal_monetary_totals"] = body.pop("requested_monetary_totals")
    body["billing_reference"]["issue_date"] = body["date"]
    response = await _post(client, apidian_token, body, "debit-note")
    assert response.status_code == 200, response.text


async def test_unauthenticated(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/ubl2.1/invoice", json=sample("invoice"), headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}


async def test_a_number_sent_twice_is_not_sent_again(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", number=990000601, sendmail=False)
    first = (await _post(client, apidian_token, body)).json()
    again = await _post(client, apidian_token, body)
    assert again.status_code == 200
    assert again.json() == {
        "success": False,
        "message": "Este documento ya fue enviado anteriormente, se registra en la base de datos.",
        "customer": "89008003",
        "cufe": first["cufe"],
        "sale": 1000000,
    }
