"""Factus' reference data (municipalities, countries, product tributes, measurement units,
with the ``name`` filter), the company, the id tables as package data, and Factus' error
shapes for routes, methods and bodies under ``/v1``."""

from __future__ import annotations

from adapters.factus import catalogs
from adapters.factus.errors import validation_message


async def catalog(client, headers, path: str) -> list[dict]:
    answer = await client.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["message"]) == ("OK", "Solicitud exitosa")
    return body["data"]


async def test_municipalities_with_department_and_name_filter(client, factus_headers):
    every = await catalog(client, factus_headers, "/v1/municipalities")
    assert len(every) == 1122
    assert every[0] == {"id": 1, "code": "91263", "name": "El Encanto", "department": "Amazonas"}
    san_gil = await catalog(client, factus_headers, "/v1/municipalities?name=san gil")
    assert san_gil == [{"id": 980, "code": "68679", "name": "San Gil", "department": "Santander"}]
    # accents and case do not matter, as with the database's LIKE
    medellin = await catalog(client, factus_headers, "/v1/municipalities?name=MEDELLÍN")
    assert [(m["id"], m["code"]) for m in medellin] == [(80, "05001")]
    assert await catalog(client, factus_headers, "/v1/municipalities?name=Atlántida") == []


async def test_countries(client, factus_headers):
    every = await catalog(client, factus_headers, "/v1/countries")
    assert len(every) == 249
    assert {"id": 46, "code": "CO", "name": "Colombia"} in every
    assert await catalog(client, factus_headers, "/v1/countries?name=colom") == [
        {"id": 46, "code": "CO", "name": "Colombia"}
    ]


async def test_product_tributes_as_factus_lists_them(client, factus_headers):
    every = await catalog(client, factus_headers, "/v1/tributes/products")
    assert len(every) == 17
    assert every[0] == {
        "id": 1,
        "code": "01",
        "name": "IVA",
        "description": "Impuesto sobre la Ventas",
    }
    carbon = await catalog(client, factus_headers, "/v1/tributes/products?name=INCarbono")
    assert [(t["id"], t["code"]) for t in carbon] == [(12, "23"), (13, "24")]


async def test_measurement_units_and_their_name_filter(client, factus_headers):
    every = await catalog(client, factus_headers, "/v1/measurement-units")
    assert len(every) == 1093
    assert {"id": 70, "code": "94", "name": "unidad"} in every
    kilos = await catalog(client, factus_headers, "/v1/measurement-units?name=kilogramo")
    assert {"id": 414, "code": "KGM", "name": "kilogramo"} in kilos
    assert all("kilogramo" in unit["name"].lower() for unit in kilos)
    assert await catalog(client, factus_headers, "/v1/measurement-units?name=zzzz") == []


async def test_company_is_the_tenant_in_factus_shape(client, factus_headers):
    company = await catalog(client, factus_headers, "/v1/company")
    created = company.pop("created_at")
    assert created.endswith("Z") and company.pop("updated_at").endswith("Z")
    assert company == {
        "url_logo": None,
        "nit": "900373076",
        "dv": "4",
        "company": "Pasarela Demo S.A.S.",
        "trade_name": "Pasarela Demo",
        "names": "",
        "surnames": "",
        "graphic_representation_name": "Pasarela Demo S.A.S.",
        "registration_code": "",
        "economic_activity": 6201,
        "phone": "6015550100",
        "email": "demo@example.com",
        "address": "Carrera 7 # 32-16",
        "tribute": {"code": "01", "name": "IVA"},
        "legal_organization": {"code": "1", "name": "Persona Jurídica"},
        "municipality": {
            "code": "11001",
            "name": "Localidad Antonio Nariño",
            "department": {"code": "11", "name": "Bogota- D.c."},
        },
        "responsibilities": [
            {"code": "O-13", "name": "Gran contribuyente"},
            {"code": "O-15", "name": "Autorretenedor"},
        ],
    }


async def test_catalogs_need_a_token(client):
    for path in ("/v1/municipalities", "/v1/countries", "/v1/company"):
        answer = await client.get(path)
        assert (answer.status_code, answer.json()) == (401, {"message": "Unauthenticated."})


def test_id_tables_are_package_data_loaded_once():
    assert catalogs.row("unit_measures", 70).code == "94"
    assert catalogs.row("unit_measures", "70") is catalogs.row("unit_measures", 70)
    assert catalogs.row("identification_document_ids", 3).code == "13"
    assert catalogs.row("identification_document_ids", 6).name == "NIT"
    assert catalogs.row("municipalities_with_department", 980).extra == {"department": "Santander"}
    assert catalogs.by_code("countries", "CO").id == 46
    assert catalogs.by_code("payment_methods", "ZZZ").name == "Otro"
    assert catalogs.row("fiscal_responsibilities", "O-13").code == "O-13"
    assert catalogs.row("unit_measures", 999999) is None
    assert catalogs.row("unit_measures", True) is None
    assert catalogs.rows("standard_codes")[0].code == "999"
    assert catalogs.rows("unit_measures") is catalogs.rows("unit_measures")


async def test_errors_under_v1_are_in_factus_shape(client, factus_headers):
    unknown = await client.get("/v1/no-existe", headers=factus_headers)
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"status": "Not Found", "message": "Recurso no encontrado."},
    )
    wrong_method = await client.put("/v1/company", headers=factus_headers)
    assert (wrong_method.status_code, wrong_method.json()) == (
        405,
        {"status": "Method Not Allowed", "message": "Método no permitido."},
    )
    too_large = await client.post(
        "/v1/numbering-ranges", headers=factus_headers, content=b"{" + b" " * 3_000_000 + b"}"
    )
    assert too_large.status_code == 413
    assert too_large.json()["status"] == "Payload Too Large"
    not_json = await client.post("/v1/numbering-ranges", headers=factus_headers, content=b'{"a')
    assert not_json.status_code == 422
    assert not_json.json() == {
        "message": "El cuerpo de la petición no es un JSON válido.",
        "errors": {"body": ["El cuerpo de la petición no es un JSON válido."]},
    }
    a_list = await client.post("/v1/numbering-ranges", headers=factus_headers, json=[1])
    assert a_list.status_code == 422
    assert a_list.json()["errors"] == {
        "body": ["El cuerpo de la petición debe ser un objeto JSON."]
    }


def test_laravel_validation_summary():
    assert validation_message({"a": ["uno"]}) == "uno"
    assert validation_message({"a": ["uno"], "b": ["dos"]}) == "uno (and 1 more error)"
    assert validation_message({"a": ["uno", "dos"], "b": ["tres"]}) == "uno (and 2 more errors)"
