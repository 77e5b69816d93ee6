"""APIDIAN's queries, each for the token's company: DIAN's numbering ranges (GetNumberingRange
through the simulator, answered as ``ResponseDian``), the next numbers, the catalogs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from adapters.apidian import catalogs
from adapters.apidian.queries import MODELS, TABLES
from core.context import AppContext
from core.plugins import PluginHooks
from core.settings import Settings
from core.testing import make_test_settings
from core.validation.nit import check_digit
from tests.adapters.apidian.apidian_config_support import (
    NIT,
    OPERATOR_TOKEN,
    RESOLUTION_INVOICE,
    bearer,
    configure_for_simulator,
    gateway,
    invoice,
    register_company,
)

OTHER_NIT = "900373115"


@pytest.fixture
def settings(tmp_path: Path, plugin_manager: PluginHooks) -> Settings:
    return make_test_settings(
        tmp_path, plugin_manager=plugin_manager, operator_token=OPERATOR_TOKEN
    )


async def test_numbering_range_asks_dian_and_answers_its_soap_as_apidian(
    client: httpx.AsyncClient,
) -> None:
    token, software_id = await configure_for_simulator(client)
    answer = await client.post(
        "/api/ubl2.1/numbering-range", json={"IDSoftware": software_id}, headers=bearer(token)
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["message"] == "Consulta generada con éxito"
    envelope = body["ResponseDian"]["Envelope"]
    result = envelope["Body"]["GetNumberingRangeResponse"]["GetNumberingRangeResult"]
    assert (result["OperationCode"], result["OperationDescription"]) == (
        "100",
        "Acción completada OK.",
    )
    found = result["ResponseList"]["NumberRangeResponse"]  # one range: a single object
    assert {
        k: found[k]
        for k in ("ResolutionNumber", "Prefix", "FromNumber", "ToNumber", "TechnicalKey")
    } == {
        "ResolutionNumber": "18760000001",
        "Prefix": "SETP",
        "FromNumber": "990000000",
        "ToNumber": "995000000",
        "TechnicalKey": RESOLUTION_INVOICE["technical_key"],
    }

    unknown = await client.post(
        "/api/ubl2.1/numbering-range", json={"IDSoftware": "otro-software"}, headers=bearer(token)
    )
    result = unknown.json()["ResponseDian"]["Envelope"]["Body"]["GetNumberingRangeResponse"][
        "GetNumberingRangeResult"
    ]
    assert result["OperationCode"] == "303"

    missing = await client.post("/api/ubl2.1/numbering-range", json={}, headers=bearer(token))
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"IDSoftware": ["El campo IDSoftware es obligatorio."]}


async def test_next_numbers_follow_the_company_range(
    client: httpx.AsyncClient, ctx: AppContext
) -> None:
    token, _ = await configure_for_simulator(client)
    answer = await client.get("/api/ubl2.1/invoice/current_number/1", headers=bearer(token))
    assert answer.json() == {"number": 990000000, "success": True, "prefix": "SETP"}

    tenant = await ctx.tenants.get_tenant(NIT)
    issued = await ctx.documents.issue(
        await ctx.tenants.tenant_view(tenant.id), invoice(), dialect="apidian"
    )
    assert issued.status == "aceptado", issued.dian_errors
    answer = await client.get("/api/ubl2.1/invoice/current_number/1/SETP", headers=bearer(token))
    assert answer.json() == {"number": 990000001, "success": True, "prefix": "SETP"}
    answer = await client.get("/api/ubl2.1/invoice/current_number/4/NC", headers=bearer(token))
    assert answer.json() == {"number": 1, "success": True, "prefix": "NC"}
    answer = await client.get("/api/ubl2.1/invoice/current_number/1/XX", headers=bearer(token))
    assert answer.json() == {"success": False, "message": "La resolución no está configurada."}

    answer = await client.post(
        "/api/ubl2.1/next-consecutive",
        json={"type_document_id": 1, "prefix": "SETP"},
        headers=bearer(token),
    )
    assert answer.json() == {
        "success": True,
        "type_document_id": 1,
        "prefix": "SETP",
        "number": 990000001,
    }
    answer = await client.post(
        "/api/ubl2.1/next-consecutive", json={"type_document_id": 30}, headers=bearer(token)
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "type_document_id": ["type document id es inválido."],
        "prefix": ["El campo prefix es obligatorio."],
    }

    # another company's token sees its own numbering, never this one's
    other = await register_company(client, OTHER_NIT, check_digit(OTHER_NIT))
    other_token = other.json()["token"]
    answer = await client.get("/api/ubl2.1/invoice/current_number/1", headers=bearer(other_token))
    assert answer.json() == {"success": False, "message": "La resolución no está configurada."}
    answer = await client.get("/api/ubl2.1/invoice/current_number/1")
    assert (answer.status_code, answer.json()) == (401, {"message": "Unauthenticated."})


async def test_listing_by_model_name(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/ubl2.1/listing?models=TypeEnvironment,PaymentForm")
    assert answer.status_code == 200
    body = answer.json()
    assert body["TypeEnvironment"] == [
        {"id": r.id, "code": r.code, "name": r.name} for r in catalogs.rows("type_environments")
    ]
    assert [r["code"] for r in body["PaymentForm"]] == ["1", "2"]
    every = (await client.get("/api/ubl2.1/listing")).json()
    assert list(every) == list(MODELS) and len(MODELS) == 39
    assert every["Municipality"][819]["id"] == 820
    unknown = await client.get("/api/ubl2.1/listing?models=Tax,Planeta")
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"models": ["El modelo Planeta no existe."]}


def test_every_listing_model_has_its_catalog() -> None:
    assert set(TABLES.values()) <= set(catalogs.tables())
    assert TABLES["TypeCurrency"] == "type_currencies"
    assert TABLES["CreditNoteDiscrepancyResponse"] == "credit_note_discrepancy_responses"


async def test_dian_unreachable_is_apidian_s_message(
    tmp_path: Path, plugin_manager: PluginHooks
) -> None:
    # the simulator environment pointed at a port nobody listens on
    settings = make_test_settings(
        tmp_path,
        plugin_manager=plugin_manager,
        operator_token=OPERATOR_TOKEN,
        simulator_url="http://127.0.0.1:9",
    )
    async with gateway(settings) as (http, _):
        token, software_id = await configure_for_simulator(http)
        answer = await http.post(
            "/api/ubl2.1/numbering-range", json={"IDSoftware": software_id}, headers=bearer(token)
        )
    assert (answer.status_code, answer.json()) == (
        503,
        {
            "success": False,
            "message": "El servicio DIAN no se encuentra disponible en el momento, "
            "reintente mas tarde...",
        },
    )


async def test_every_company_route_needs_a_token(client: httpx.AsyncClient) -> None:
    for method, path in (
        ("PUT", "/api/ubl2.1/config/software"),
        ("PUT", "/api/ubl2.1/config/softwareeqdocs"),
        ("PUT", "/api/ubl2.1/config/softwaresupportdocument"),
        ("PUT", "/api/ubl2.1/config/softwarepayroll"),
        ("PUT", "/api/ubl2.1/config/certificate"),
        ("PUT", "/api/ubl2.1/config/resolution"),
        ("PUT", "/api/ubl2.1/config/environment"),
        ("PUT", "/api/ubl2.1/config/logo"),
        ("POST", "/api/ubl2.1/numbering-range"),
        ("POST", "/api/ubl2.1/next-consecutive"),
        ("GET", "/api/ubl2.1/invoice/current_number/1"),
        ("GET", "/api/ubl2.1/invoice/current_number/1/SETP"),
    ):
        answer = await client.request(method, path, json={})
        assert (answer.status_code, answer.json()) == (401, {"message": "Unauthenticated."}), path
