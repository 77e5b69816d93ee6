"""APIDIAN's configuration guide (company, software, certificate, resolution, environment)
through the real app, on SQLite and PostgreSQL, then documents issued through core and
accepted by the simulator, which learned the configuration as DIAN's portal would."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from lxml import etree

from core.context import AppContext
from core.plugins import PluginHooks
from core.settings import Settings
from core.storage.scratch_database import scratch_postgres_database
from core.testing import dian_xsd_dir, make_test_settings
from core.ubl.schemas import schema_errors
from tests.adapters.apidian.apidian_config_support import (
    COMPANY,
    DV,
    ENVIRONMENT_SAMPLE,
    NIT,
    OPERATOR_TOKEN,
    RESOLUTION_CREDIT_NOTE,
    RESOLUTION_INVOICE,
    SIMULATOR,
    bearer,
    certificate_body,
    invoice,
    register_company,
)
from tests.core.conftest import postgres_base_url

SOFTWARE_ID = "82bf0c5e-0117-434d-9471-8a5ee58ae682"  # Paso 2 - Config-Software


@pytest.fixture(params=["sqlite", "postgresql"])
async def settings(
    request: pytest.FixtureRequest, tmp_path: Path, plugin_manager: PluginHooks
) -> AsyncIterator[Settings]:
    if request.param == "sqlite":
        yield make_test_settings(
            tmp_path, plugin_manager=plugin_manager, operator_token=OPERATOR_TOKEN
        )
        return
    async with scratch_postgres_database(postgres_base_url()) as url:
        yield make_test_settings(
            tmp_path, plugin_manager=plugin_manager, database_url=url, operator_token=OPERATOR_TOKEN
        )


async def put(client: httpx.AsyncClient, token: str, path: str, body: dict) -> httpx.Response:
    return await client.put(f"/api/ubl2.1/config/{path}", json=body, headers=bearer(token))


async def test_the_guide_then_documents_accepted_by_the_simulator(
    client: httpx.AsyncClient, ctx: AppContext
) -> None:
    # Paso 1: the company, and its token
    answer = await register_company(client)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["success"], body["message"]) == (True, "Empresa creada/actualizada con éxito")
    token = body["token"]
    assert len(token) >= 40 and NIT not in token
    company = body["company"]
    expected = {
        "identification_number": NIT,
        "dv": DV,
        "type_document_identification_id": 3,
        "type_organization_id": 2,
        "type_regime_id": 2,
        "type_liability_id": 14,
        "municipality_id": 820,
        "merchant_registration": "0000000-00",
        "address": "CRA 21A NRO 11-25",
        "phone": "3103891693",
        "type_environment_id": 2,
        "language_id": 79,
        "country_id": 46,
        "type_currency_id": 35,
        "state": True,
    }
    assert {k: company[k] for k in expected} == expected
    assert company["user"]["name"] == COMPANY["business_name"]
    assert "clave-del-correo-secreta" not in answer.text
    tenant = await ctx.tenants.get_tenant(NIT)
    assert tenant.party.id_type == "31" and tenant.party.tax_level_codes == ("O-23",)
    assert tenant.party.address is not None
    assert (tenant.party.address.municipality_code, tenant.party.address.city_name) == (
        "63001",
        "Armenia",
    )
    smtp = await ctx.smtp.view(tenant.id)
    assert smtp is not None and (smtp.host, smtp.port, smtp.security) == (
        "smtp.gmail.com",
        587,
        "starttls",
    )

    # Paso 2: software
    answer = await put(client, token, "software", {"id": SOFTWARE_ID, "pin": 12345})
    assert answer.status_code == 200, answer.text
    software = answer.json()["software"]
    assert answer.json()["message"] == "Software creado/actualizado con éxito"
    assert (software["identifier"], software["pin"]) == (SOFTWARE_ID, "*****")
    assert software["identifier_eqdocs"] is None
    view = await ctx.tenants.tenant_view(tenant.id)
    assert (view.software["facturacion"].id, view.software["facturacion"].pin) == (
        SOFTWARE_ID,
        "12345",
    )

    # Paso 3: certificate
    certificate = certificate_body()
    answer = await put(client, token, "certificate", certificate)
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"] == "Certificado creado con éxito"
    assert answer.json()["certificado"]["name"] == f"{NIT}{DV}.p12"
    assert certificate["password"] not in answer.text

    # Pasos 4 y 5: resolutions
    answer = await put(client, token, "resolution", RESOLUTION_INVOICE)
    assert answer.status_code == 200, answer.text
    resolution = answer.json()["resolution"]
    assert {k: resolution[k] for k in ("prefix", "resolution", "from", "to")} == {
        "prefix": "SETP",
        "resolution": "18760000001",
        "from": 990000000,
        "to": 995000000,
    }
    assert resolution["next_consecutive"] == "SETP990000000"
    assert resolution["type_document"]["code"] == "01"
    answer = await put(client, token, "resolution", RESOLUTION_CREDIT_NOTE)
    assert answer.status_code == 200, answer.text
    assert answer.json()["resolution"]["type_document"]["code"] == "91"

    # 08 - Change Environment (the sample: habilitación), then Pasarela's simulator
    answer = await put(client, token, "environment", ENVIRONMENT_SAMPLE)
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"] == "Ambiente actualizado con éxito"
    assert answer.json()["company"]["type_environment_id"] == 2
    answer = await put(client, token, "environment", SIMULATOR)
    assert answer.json()["company"]["type_environment_id"] == 3
    ranges = await ctx.ranges.list_ranges(tenant.id, "simulador")
    assert sorted((r.range.document_type, r.range.prefix) for r in ranges) == [
        ("01", "SETP"),
        ("91", "NC"),
    ]

    # the simulator knows the company's software, PIN, range and certificate: DIAN accepts
    view = await ctx.tenants.tenant_view(tenant.id)
    record = await ctx.documents.issue(view, invoice(), dialect="apidian")
    assert record.status == "aceptado", record.dian_errors
    assert (record.prefix, record.number) == ("SETP", 990000000)
    xml = await ctx.documents.signed_xml(tenant.id, record.uuid)
    xsd = dian_xsd_dir()
    if xsd is not None:
        assert schema_errors(etree.fromstring(xml), xsd) == []


async def test_the_simulator_learns_a_new_software_pin_and_certificate(
    client: httpx.AsyncClient, ctx: AppContext
) -> None:
    token = (await register_company(client)).json()["token"]
    for path, body in (
        ("software", {"id": SOFTWARE_ID, "pin": 12345}),
        ("certificate", certificate_body()),
        ("resolution", RESOLUTION_INVOICE),
        ("environment", SIMULATOR),
    ):
        assert (await put(client, token, path, body)).status_code == 200
    tenant = await ctx.tenants.get_tenant(NIT)
    first = await ctx.documents.issue(
        await ctx.tenants.tenant_view(tenant.id), invoice(), dialect="apidian"
    )
    assert first.status == "aceptado", first.dian_errors

    # DIAN's portal gives the company a new software and PIN; it renews its certificate
    new_software = "0d6c2a8e-7d0e-4a4f-9d3c-1f2e3d4c5b6a"
    assert (await put(client, token, "software", {"id": new_software, "pin": "54321"})).is_success
    renewed = certificate_body()
    assert (await put(client, token, "certificate", renewed)).is_success
    view = await ctx.tenants.tenant_view(tenant.id)
    assert (view.software["facturacion"].id, view.software["facturacion"].pin) == (
        new_software,
        "54321",
    )
    second = await ctx.documents.issue(view, invoice(), dialect="apidian")
    assert second.status == "aceptado", second.dian_errors
    assert second.number == first.number + 1
    # coded and signed with what was just configured: the new software's security code and
    # the renewed certificate
    signed = etree.fromstring(await ctx.documents.signed_xml(tenant.id, second.uuid))
    sts = "dian:gov:co:facturaelectronica:Structures-2-1"
    assert signed.findtext(f".//{{{sts}}}SoftwareID") == new_software
    certificate_der = (await ctx.tenants.get_tenant(tenant.id)).certificate
    assert certificate_der is not None
    x509 = signed.findtext(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    assert x509 is not None
    fingerprint = hashlib.sha256(base64.b64decode(x509)).hexdigest()
    assert fingerprint == certificate_der.fingerprint
