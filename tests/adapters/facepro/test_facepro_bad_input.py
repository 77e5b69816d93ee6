"""Bad input a new user sends gets FacEPro's own 401/409/422, with the field and a Spanish
message: never a 500, and nothing stored or numbered on the way."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.web.context import AppContext
from tests.adapters.facepro.conftest import bearer, issuing_tenant
from tests.adapters.facepro.test_facepro_documents import (
    CURL_INVOICE,
    issue_invoice,
    note_body,
    post,
)

INVALID = {"ok": False, "error": "Datos invalidos", "codigo": "datos_invalidos"}
UNAUTHENTICATED = {"ok": False, "error": "No autenticado.", "codigo": "no_autenticado"}


def invalid(errors: dict[str, list[str]]) -> dict[str, object]:
    return {**INVALID, "errors": errors}


async def document_count(client: AsyncTestClient[Litestar], token: str) -> int:
    response = await client.get("/api/v1/documentos", headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()["meta"]["total"]


@pytest.mark.parametrize("key", ["factura", "campo_desconocido"])
async def test_json_nested_ten_thousand_levels_is_422_on_its_field(
    client: AsyncTestClient[Litestar], demo_token: str, key: str
) -> None:
    body = f'{{"{key}": {"[" * 10_000}{"]" * 10_000}}}'
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert response.json() == invalid({key: ["El contenido está anidado a más de 32 niveles."]})


@pytest.mark.parametrize(
    "authorization",
    [
        b"Bearer 9223372036854775808|x",
        b"Bearer \xb2|x",  # the superscript two, as a latin-1 header
        "Bearer ²|x".encode(),  # and as UTF-8
        "Bearer ٣|x".encode(),
    ],
)
async def test_token_ids_beyond_64_bits_or_in_other_digits_are_401(
    client: AsyncTestClient[Litestar], demo_token: str, authorization: bytes
) -> None:
    response = await client.get("/api/v1/me", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=9223372036854775807", "page"),
        ("page=²", "page"),
        ("page=٣", "page"),
        ("page=" + "9" * 5_000, "page"),
        ("per_page=" + "9" * 5_000, "per_page"),
        ("page=-1", "page"),
        ("hasta=9999-12-31", "hasta"),
        ("desde=0001-01-01", "desde"),
        ("desde=٢٠٢٦-٠٥-١٠", "desde"),
    ],
)
async def test_list_parameters_out_of_range_are_422_on_their_field(
    client: AsyncTestClient[Litestar], demo_token: str, query: str, field: str
) -> None:
    response = await client.get(f"/api/v1/documentos?{query}", headers=bearer(demo_token))
    assert response.status_code == 422
    body = response.json()
    assert {k: body[k] for k in INVALID} == INVALID
    assert list(body["errors"]) == [field]


async def test_the_largest_page_is_an_empty_page(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    response = await client.get("/api/v1/documentos?page=1000000", headers=bearer(demo_token))
    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize("fecha", ["9999-12-31", "2000-01-01", "0001-01-01"])
async def test_issue_date_far_from_today_is_422_on_factura_fecha(
    client: AsyncTestClient[Litestar], demo_token: str, fecha: str
) -> None:
    body = json.loads(CURL_INVOICE) | {"factura": {"fecha": fecha, "hora": "23:59:59"}}
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["factura.fecha"]
    assert errors["factura.fecha"][0].startswith(f"FAD09e: La fecha de emisión ({fecha})")
    assert await document_count(client, demo_token) == 0


async def test_a_kind_without_numbering_range_is_409_and_stores_nothing(
    client: AsyncTestClient[Litestar], ctx: AppContext
) -> None:
    token = await issuing_tenant(ctx, "900373115", "SOLO FACTURAS SAS", range_types=("01",))
    invoice = await issue_invoice(client, token)
    response = await post(
        client,
        "/api/v1/notas-debito",
        token,
        note_body(invoice, {"codigo": "1", "descripcion": "Intereses por mora"}),
    )
    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "error": "Tu empresa no tiene una resolución de numeración vigente para este tipo de "
        "documento en la fecha de emisión. Registra una resolución antes de emitir.",
        "codigo": "numeracion_no_configurada",
    }
    assert await document_count(client, token) == 1
    following = await issue_invoice(client, token)
    assert following["consecutivo"] == invoice["consecutivo"] + 1


async def test_an_80_kb_email_is_422_on_the_email(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = json.loads(CURL_INVOICE)
    body["adquiriente"]["email"] = "a@" + "b" * 80_000
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert response.json() == invalid(
        {"adquiriente.email": ["El email admite máximo 254 caracteres."]}
    )


async def test_an_email_that_made_the_old_pattern_backtrack_is_422(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = json.loads(CURL_INVOICE)
    body["adquiriente"]["email"] = "a@" + "b" * 250
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert response.json() == invalid({"adquiriente.email": ["El email no es válido."]})


async def test_id_number_in_arabic_indic_digits_is_422(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = json.loads(CURL_INVOICE)
    body["adquiriente"]["numero_documento"] = "٧١٢٣٤٥٦٧"
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert response.json() == invalid(
        {
            "adquiriente.numero_documento": [
                "El número de documento solo admite dígitos (NIT sin DV)."
            ]
        }
    )


@pytest.mark.parametrize(
    ("cantidad", "message"),
    [
        ("1e-999999999", "La cantidad tiene más decimales de los admitidos."),
        ('"Infinity"', "La cantidad debe ser un número finito."),
        ("1" + "0" * 60, "La cantidad tiene demasiados dígitos."),
    ],
)
async def test_quantities_that_would_round_to_nothing_or_never_end_are_422(
    client: AsyncTestClient[Litestar], demo_token: str, cantidad: str, message: str
) -> None:
    body = CURL_INVOICE.replace('"cantidad": 2', f'"cantidad": {cantidad}')
    assert cantidad in body
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert response.json() == invalid({"lineas.0.cantidad": [message]})
    assert await document_count(client, demo_token) == 0
