"""Who may register a company, and APIDIAN's error answers on the configuration routes:
Laravel's 422 with Spanish messages (the ``dian_dv`` check digit included), 401, APIDIAN's
403 when registration is closed; the certificate password is never echoed nor logged."""

from __future__ import annotations

import base64
import logging
import os
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from PIL import Image

from core.context import AppContext
from core.plugins import PluginHooks
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.testing import make_test_settings
from core.validation.nit import check_digit
from tests.adapters.apidian.apidian_config_support import (
    COMPANY,
    DV,
    NIT,
    OPERATOR_TOKEN,
    RESOLUTION_INVOICE,
    bearer,
    gateway,
    register_company,
)

DISABLED = {"code": 403, "status": False, "message": "Access to this route is disabled."}
OTHER_NIT = "900373115"


@pytest.fixture
def settings(tmp_path: Path, plugin_manager: PluginHooks) -> Settings:
    return make_test_settings(
        tmp_path, plugin_manager=plugin_manager, operator_token=OPERATOR_TOKEN
    )


@pytest.fixture
async def token(client: httpx.AsyncClient) -> str:
    answer = await register_company(client)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


async def test_registration_is_closed_without_the_operator_token(
    client: httpx.AsyncClient, ctx: AppContext
) -> None:
    for headers in ({}, bearer("no-es-el-token-del-operador-xxxxxxxxxxxx")):
        answer = await client.post(f"/api/ubl2.1/config/{NIT}/{DV}", json=COMPANY, headers=headers)
        assert (answer.status_code, answer.json()) == (403, DISABLED)
    assert [t.nit for t in await ctx.tenants.list_tenants()] == []


async def test_open_registration_lets_a_company_register_itself(
    tmp_path: Path, plugin_manager: PluginHooks
) -> None:
    settings = make_test_settings(tmp_path, plugin_manager=plugin_manager, open_registration=True)
    async with gateway(settings) as (http, ctx):
        answer = await http.post(f"/api/ubl2.1/config/{NIT}/{DV}", json=COMPANY)
        assert answer.status_code == 200, answer.text
        token = answer.json()["token"]
        # nobody else may then rewrite it: updating needs its token
        again = await http.post(f"/api/ubl2.1/config/{NIT}/{DV}", json=COMPANY)
        assert again.status_code == 403
        assert again.json()["message"] == "La empresa ya existe: para actualizarla envíe su token."
        renamed = {**COMPANY, "business_name": "OBANDO LONDONO SAS"}
        mine = await http.post(
            f"/api/ubl2.1/config/{NIT}/{DV}", json=renamed, headers=bearer(token)
        )
        assert mine.status_code == 200, mine.text
        assert mine.json()["token"] == token  # the token it presented, still valid
        assert (await ctx.tenants.get_tenant(NIT)).name == "OBANDO LONDONO SAS"


async def test_another_company_cannot_update_this_one(
    client: httpx.AsyncClient, token: str
) -> None:
    other = await register_company(client, OTHER_NIT, check_digit(OTHER_NIT))
    assert other.status_code == 200, other.text
    answer = await client.post(
        f"/api/ubl2.1/config/{NIT}/{DV}", json=COMPANY, headers=bearer(other.json()["token"])
    )
    assert answer.status_code == 403


async def test_wrong_check_digit_and_missing_fields_are_laravel_422s(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        f"/api/ubl2.1/config/{NIT}/7", json=COMPANY, headers=bearer(OPERATOR_TOKEN)
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "message": "Error, el digito de verificacion no es valido para este NIT.",
        "errors": {"dv": ["Error, el digito de verificacion no es valido para este NIT."]},
    }

    body = {k: v for k, v in COMPANY.items() if k not in ("business_name", "email")}
    body |= {"phone": "123", "municipality_id": 99999}
    answer = await client.post(
        f"/api/ubl2.1/config/{NIT}/{DV}", json=body, headers=bearer(OPERATOR_TOKEN)
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "message": "municipality id es inválido. (and 3 more errors)",
        "errors": {
            "municipality_id": ["municipality id es inválido."],
            "business_name": ["El campo business name es obligatorio."],
            "phone": ["phone debe tener entre 7 y 10 dígitos."],
            "email": ["El campo correo electrónico es obligatorio."],
        },
    }


async def test_missing_or_unknown_token_is_401(client: httpx.AsyncClient, token: str) -> None:
    for headers in ({}, bearer("x" * 40), {"Authorization": token}):
        answer = await client.put(
            "/api/ubl2.1/config/software", json={"id": "a", "pin": 12345}, headers=headers
        )
        assert (answer.status_code, answer.json()) == (401, {"message": "Unauthenticated."})
    # Laravel's TokenGuard also reads ?api_token=
    answer = await client.put(
        f"/api/ubl2.1/config/software?api_token={token}", json={"id": "a", "pin": 12345}
    )
    assert answer.status_code == 200, answer.text


async def test_software_rules(client: httpx.AsyncClient, token: str) -> None:
    answer = await client.put(
        "/api/ubl2.1/config/software",
        json={"id": "abc", "pin": 123, "ideqdocs": "pos-1", "urleqdocs": "no es url"},
        headers=bearer(token),
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "pin": ["pin debe tener 5 dígitos."],
        "pineqdocs": ["El campo pineqdocs es obligatorio cuando ideqdocs está presente."],
        "urleqdocs": ["El formato urleqdocs es inválido."],
    }


async def test_resolution_rules(client: httpx.AsyncClient, token: str) -> None:
    put = "/api/ubl2.1/config/resolution"
    answer = await client.put(
        put, json={"type_document_id": 1, "from": 5, "to": 5}, headers=bearer(token)
    )
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert errors["resolution"] == [
        "El campo resolution es obligatorio cuando type document id es 1."
    ]
    assert errors["technical_key"] == [
        "El campo technical key es obligatorio cuando type document id es 1."
    ]
    assert errors["to"] == ["El tamaño de to debe ser de al menos 6."]

    for type_id, message in (
        (27, "type document id es inválido."),
        (9, "El tipo de documento 9 (Nomina Individual) no se emite en Pasarela."),
    ):
        answer = await client.put(
            put, json={"type_document_id": type_id, "from": 1, "to": 9}, headers=bearer(token)
        )
        assert answer.status_code == 422
        assert answer.json()["errors"] == {"type_document_id": [message]}

    # APIDIAN upserts on (type, resolution, prefix): the same resolution twice is one range
    for _ in range(2):
        answer = await client.put(put, json=RESOLUTION_INVOICE, headers=bearer(token))
        assert answer.status_code == 200, answer.text


async def test_environment_rules(client: httpx.AsyncClient, token: str) -> None:
    put = "/api/ubl2.1/config/environment"
    answer = await client.put(put, json={"type_environment_id": 2}, headers=bearer(token))
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "success": False,
            "message": "No se ha configurado el software para esta empresa. "
            "Configure el software primero.",
        },
    )
    await client.put(
        "/api/ubl2.1/config/software", json={"id": "s-1", "pin": 12345}, headers=bearer(token)
    )
    answer = await client.put(
        put, json={"type_environment_id": 7, "pos": "x"}, headers=bearer(token)
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "type_environment_id": ["El ambiente de factura de ventas seleccionado no es válido."],
        "pos": ["pos debe ser un número entero."],
    }
    answer = await client.put(
        put, json={"type_environment_id": 1, "eqdocs_type_environment_id": 2}, headers=bearer(token)
    )
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["eqdocs_type_environment_id"]


async def test_certificate_password_is_never_echoed_nor_logged(
    client: httpx.AsyncClient, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    pkcs12, password = generate_test_pkcs12(nit=NIT, name="ALEXANDER")
    put = "/api/ubl2.1/config/certificate"
    caplog.set_level(logging.DEBUG)
    answer = await client.put(
        put, json={"certificate": "%%%no-base64", "password": password}, headers=bearer(token)
    )
    assert (answer.status_code, answer.json()) == (
        422,
        {
            "message": "The base64 encoding is not valid.",
            "errors": {"certificate": "The base64 encoding is not valid."},
        },
    )
    wrong = password + "-mal"
    answer = await client.put(
        put,
        json={"certificate": base64.b64encode(pkcs12).decode(), "password": wrong},
        headers=bearer(token),
    )
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"certificate", "password"}
    assert wrong not in answer.text
    answer = await client.put(
        put,
        json={"certificate": base64.b64encode(pkcs12).decode(), "password": password},
        headers=bearer(token),
    )
    assert answer.status_code == 200
    assert password not in answer.text
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert password not in logged and wrong not in logged


async def test_logo_is_stored_for_the_pdf(
    client: httpx.AsyncClient, ctx: AppContext, token: str
) -> None:
    buffer = BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    put = "/api/ubl2.1/config/logo"
    answer = await client.put(
        put, json={"logo": base64.b64encode(buffer.getvalue()).decode()}, headers=bearer(token)
    )
    assert (answer.status_code, answer.json()) == (
        200,
        {"success": True, "message": "Logo almacenado con éxito"},
    )
    tenant = await ctx.tenants.get_tenant(NIT)
    assert await ctx.tenants.logo(tenant.id) == buffer.getvalue()
    answer = await client.put(
        put, json={"logo": base64.b64encode(b"no es una imagen").decode()}, headers=bearer(token)
    )
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["logo"]


async def test_a_logo_near_the_limit_fits_in_a_base64_body(
    client: httpx.AsyncClient, ctx: AppContext, token: str
) -> None:
    buffer = BytesIO()  # noise does not compress: the PNG is about 900 KB, 1.2 MB in base64
    Image.frombytes("RGB", (550, 550), os.urandom(550 * 550 * 3)).save(buffer, format="PNG")
    image = buffer.getvalue()
    assert 850_000 < len(image) < 1_000_000
    answer = await client.put(
        "/api/ubl2.1/config/logo",
        json={"logo": base64.b64encode(image).decode()},
        headers=bearer(token),
    )
    assert answer.status_code == 200, answer.text
    assert await ctx.tenants.logo((await ctx.tenants.get_tenant(NIT)).id) == image
