"""Bills: research §3's example with its amounts, retries by reference code, filters and
pagination, show, DIAN's answer kept in the answer, the XML against DIAN's schemas."""

from __future__ import annotations

import base64
import copy
import json
import re
from typing import Any

import httpx

from core.context import AppContext
from core.demo import DemoSetup
from core.testing import dian_xsd_dir
from core.ubl.schemas import schema_errors
from core.xml_parsing import parse_xml
from tests.adapters.factus.test_factus_seed import bearer, create_bill, range_id, token

__all__ = ["token"]

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

# research factus.md §3, the documentation's own example (e-mails replaced)
BILL_EXAMPLE: dict[str, Any] = json.loads(
    """{
  "document": "01",
  "numbering_range_id": 4,
  "reference_code": "fact0022025",
  "observation": "",
  "payment_method_code": "10",
  "establishment": {"name": "SuperMarket", "address": "calle 10 # 3-13",
    "phone_number": "0987654321", "email": "x@example.com", "municipality_id": 980},
  "customer": {"identification": "123456789", "dv": "3", "company": "", "trade_name": "",
    "names": "Alan Turing", "address": "calle 1 # 2-68", "email": "x@example.com",
    "phone": "1234567890", "legal_organization_id": "2", "tribute_id": "21",
    "identification_document_id": 3, "municipality_id": "980"},
  "items": [
    {"code_reference": "12345", "name": "producto de prueba", "quantity": 1,
     "discount_rate": 20, "price": 50000, "tax_rate": "19.00", "unit_measure_id": 70,
     "standard_code_id": 1, "is_excluded": 0, "tribute_id": 1,
     "withholding_taxes": [{"code": "06", "withholding_tax_rate": 7.38},
                           {"code": "05", "withholding_tax_rate": 15.12}]},
    {"code_reference": "54321", "name": "producto de prueba 2", "quantity": 1,
     "discount_rate": 0, "price": 50000, "tax_rate": "5.00", "unit_measure_id": 70,
     "standard_code_id": 1, "is_excluded": 0, "tribute_id": 1, "withholding_taxes": []}
  ],
  "allowance_charges": [{"concept_type": "03", "is_surcharge": true, "reason": "Propina",
    "base_amount": "90000.00", "amount": "9000.00"}]
}"""
)


async def example(ctx: AppContext, demo_tenant: DemoSetup, **changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(BILL_EXAMPLE)
    body["numbering_range_id"] = await range_id(ctx, demo_tenant.tenant.id, "01")
    body.update(changes)
    return body


async def test_research_example_amounts(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    answer = await create_bill(client, token, await example(ctx, demo_tenant))
    assert answer["status"] == "Created"
    assert answer["message"] == (
        "Documento con el código de referencia fact0022025 registrado y validado con éxito"
    )
    data = answer["data"]
    bill = data["bill"]
    assert bill["status"] == 1 and bill["number"] == "SETP990000000"
    assert (bill["gross_value"], bill["taxable_amount"], bill["tax_amount"]) == (
        "81232.50",
        "81232.50",
        "8767.50",
    )
    assert (bill["discount_amount"], bill["surcharge_amount"], bill["total"]) == (
        "0.00",
        "9000.00",
        "99000.00",
    )
    first, second = data["items"]
    assert (first["gross_value"], first["tax_amount"], first["discount"], first["total"]) == (
        "33613.45",
        "6386.55",
        "8403.36",
        40000,
    )
    assert (second["gross_value"], second["tax_amount"], second["total"]) == (
        "47619.05",
        "2380.95",
        50000,
    )
    # ReteRenta on the gross value, ReteIVA on the tax amount, at the rates sent
    assert [
        (w["tribute_code"], w["value"], w["rates"][0]["rate"]) for w in first["withholding_taxes"]
    ] == [
        ("06", "2480.67", "7.38"),
        ("05", "965.65", "15.12"),
    ]
    assert data["withholding_taxes"] == [
        {"tribute_code": "05", "name": "ReteIVA", "value": "965.65"},
        {"tribute_code": "06", "name": "ReteRenta", "value": "2480.67"},
    ]
    assert data["allowance_charges"] == [
        {
            "concept_type": {"code": "03", "name": "Recargo condicionado"},
            "is_surcharge": True,
            "reason": "Propina",
            "base_amount": "90000.00",
            "percentage": "10.00",
            "amount": "9000.00",
        }
    ]
    assert data["numbering_range"]["prefix"] == "SETP"
    assert data["establishment"]["municipality_id"]["code"] == "68679"
    assert data["customer"]["municipality"] == {"id": 980, "code": "68679", "name": "San Gil"}
    assert bill["payment_form"] == {"code": "1", "name": "Pago de contado"}
    assert bill["payment_method"] == {"code": "10", "name": "Efectivo"}
    assert (data["credit_notes"], data["debit_notes"], data["related_documents"]) == ([], [], [])

    # the signed XML carries the same amounts: Factus' total is what the buyer pays
    xml = await client.get("/v1/bills/download-xml/SETP990000000", headers=bearer(token))
    assert xml.status_code == 200
    file = xml.json()["data"]
    # DIAN's file name: fv, the NIT in 10 digits, 000, the year, the number in 8 digits
    assert re.fullmatch(rf"fv0{demo_tenant.tenant.nit}000\d\d90000000", file["file_name"])
    root = parse_xml(base64.b64decode(file["xml_base_64_encoded"]))
    totals = {
        name: root.findtext(f".//{{*}}LegalMonetaryTotal/{{{CBC}}}{name}")
        for name in ("LineExtensionAmount", "ChargeTotalAmount", "PayableAmount")
    }
    assert totals == {
        "LineExtensionAmount": "81232.50",
        "ChargeTotalAmount": "9000.00",
        "PayableAmount": "99000.00",
    }
    if dian_xsd_dir():
        assert schema_errors(root, dian_xsd_dir()) == []


async def test_resending_a_validated_reference_code_returns_that_bill(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    body = await example(ctx, demo_tenant)
    first = await create_bill(client, token, body)
    again = await create_bill(client, token, body)
    assert again["data"]["bill"]["number"] == first["data"]["bill"]["number"]
    assert again["data"]["bill"]["cufe"] == first["data"]["bill"]["cufe"]
    _, total = await ctx.documents.list(demo_tenant.tenant.id)
    assert total == 1


async def test_show_returns_the_bill(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    created = await create_bill(client, token, await example(ctx, demo_tenant))
    number = created["data"]["bill"]["number"]

    shown = await client.get(f"/v1/bills/show/{number}", headers=bearer(token))

    assert shown.status_code == 200
    assert (shown.json()["status"], shown.json()["message"]) == ("OK", "Solicitud exitosa")
    assert shown.json()["data"]["bill"] == created["data"]["bill"]
    missing = await client.get("/v1/bills/show/SETP1", headers=bearer(token))
    assert missing.status_code == 404
    assert missing.json() == {"status": "Not Found", "message": "No se encontró el documento SETP1"}


async def test_list_filters_and_pagination_links(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    base = await example(ctx, demo_tenant)
    for index in range(12):
        body = dict(base, reference_code=f"ref-{index}")
        if index == 11:
            body["customer"] = dict(base["customer"], identification="999888777", names="Ada")
        await create_bill(client, token, body)

    first = (await client.get("/v1/bills", headers=bearer(token))).json()
    assert first["status"] == "OK"
    rows, pagination = first["data"]["data"], first["data"]["pagination"]
    assert len(rows) == 10 and rows[0]["reference_code"] == "ref-11"
    assert rows[0]["total"] == "99000.00" and rows[0]["status"] == 1
    assert {k: pagination[k] for k in ("total", "per_page", "current_page", "last_page")} == {
        "total": 12,
        "per_page": 10,
        "current_page": 1,
        "last_page": 2,
    }
    assert (pagination["from"], pagination["to"]) == (1, 10)
    url = "http://testserver.local/v1/bills"
    assert [(link["url"], link["label"], link["active"]) for link in pagination["links"]] == [
        (None, "&laquo; Anterior", False),
        (f"{url}?page=1", 1, True),
        (f"{url}?page=2", 2, False),
        (f"{url}?page=2", "Siguiente &raquo;", False),
    ]
    second = (await client.get("/v1/bills?page=2", headers=bearer(token))).json()["data"]
    assert len(second["data"]) == 2 and (
        second["pagination"]["from"],
        second["pagination"]["to"],
    ) == (11, 12)
    beyond = (await client.get("/v1/bills?page=9", headers=bearer(token))).json()["data"]
    assert beyond["data"] == [] and beyond["pagination"]["from"] is None

    filtered = await client.get(
        "/v1/bills", params={"filter[identification]": "999888777"}, headers=bearer(token)
    )
    assert [r["reference_code"] for r in filtered.json()["data"]["data"]] == ["ref-11"]
    by_name = await client.get("/v1/bills", params={"filter[names]": "ada"}, headers=bearer(token))
    assert [r["reference_code"] for r in by_name.json()["data"]["data"]] == ["ref-11"]
    by_number = await client.get(
        "/v1/bills", params={"filter[number]": "SETP990000003"}, headers=bearer(token)
    )
    assert [r["reference_code"] for r in by_number.json()["data"]["data"]] == ["ref-3"]
    by_code = await client.get(
        "/v1/bills",
        params={"filter[reference_code]": "ref-5", "filter[status]": "1"},
        headers=bearer(token),
    )
    links = by_code.json()["data"]["pagination"]["links"]
    assert links[1]["url"] == f"{url}?filter%5Breference_code%5D=ref-5&filter%5Bstatus%5D=1&page=1"
    pending = await client.get("/v1/bills", params={"filter[status]": "0"}, headers=bearer(token))
    assert pending.json()["data"]["data"] == []


async def test_invalid_bill_is_422_with_factus_messages_and_stores_nothing(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    body = await example(ctx, demo_tenant)
    body["items"][0]["quantity"] = 1.5
    body["items"][1]["tribute_id"] = 99
    del body["customer"]["identification"]

    answer = await client.post("/v1/bills/validate", json=body, headers=bearer(token))

    assert answer.status_code == 422
    assert answer.json() == {
        "message": "El campo customer.identification es obligatorio. (and 2 more errors)",
        "errors": {
            "customer.identification": ["El campo customer.identification es obligatorio."],
            "items.0.quantity": ["El campo items.0.quantity debe ser un número entero."],
            "items.1.tribute_id": ["El campo items.1.tribute_id es inválido."],
        },
    }
    _, total = await ctx.documents.list(demo_tenant.tenant.id)
    assert total == 0


async def test_company_customer_with_nit(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    customer = {
        "identification_document_id": "6",
        "identification": "900373115",
        "company": "OTRA EMPRESA SAS",
        "trade_name": "Otra",
        "legal_organization_id": 1,
        "tribute_id": 18,
        "municipality_id": 169,
        "email": "compras@otra.co",
    }
    body = await example(ctx, demo_tenant, customer=customer, reference_code="nit-1")
    data = (await create_bill(client, token, body))["data"]

    assert data["bill"]["status"] == 1, data["bill"]["errors"]
    assert data["customer"] == {
        "identification": "900373115",
        "dv": "3",
        "graphic_representation_name": "OTRA EMPRESA SAS",
        "trade_name": "Otra",
        "company": "OTRA EMPRESA SAS",
        "names": "",
        "address": None,
        "email": "compras@otra.co",
        "phone": None,
        "legal_organization": {"id": 1, "code": "1", "name": "Persona Jurídica"},
        "tribute": {"id": 18, "code": "01", "name": "IVA"},
        "municipality": {"id": 169, "code": "11001", "name": "Localidad Antonio Nariño"},
    }
    stored = await ctx.documents.documents.get_by_id(demo_tenant.tenant.id, data["bill"]["id"])
    party = stored.canonical().customer
    assert (party.id_type, party.id_number, party.dv, party.organization_type) == (
        "31",
        "900373115",
        "3",
        "1",
    )
    assert (party.tax_scheme, party.address.municipality_code) == ("01", "11001")
