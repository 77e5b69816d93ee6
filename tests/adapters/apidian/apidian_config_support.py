"""Helpers for the APIDIAN configuration tests: the Postman guide's bodies (Appendix B of the
research notes), the operator token, a generated certificate, and the guide run through the
real app."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx

from core.context import AppContext
from core.model import Document, Line, Party, Tax
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.web.app import create_app

OPERATOR_TOKEN = "operador-de-pruebas-" + "x" * 24
NIT, DV = "89008003", "2"

# 01 - Configuraciones Basicas — Paso 1 - Config-Company
COMPANY: dict[str, Any] = {
    "type_document_identification_id": 3,
    "type_organization_id": 2,
    "type_regime_id": 2,
    "type_liability_id": 14,
    "business_name": "ALEXANDER OBANDO LONDONO",
    "merchant_registration": "0000000-00",
    "municipality_id": 820,
    "address": "CRA 21A NRO 11-25",
    "phone": 3103891693,
    "email": "facturacion@example.com",
    "mail_host": "smtp.gmail.com",
    "mail_port": "587",
    "mail_username": "facturacion@example.com",
    "mail_password": "clave-del-correo-secreta",
    "mail_encryption": "tls",
}
# Paso 4 - Config-Resolution (DIAN's public test resolution)
RESOLUTION_INVOICE: dict[str, Any] = {
    "type_document_id": 1,
    "prefix": "SETP",
    "resolution": "18760000001",
    "resolution_date": "2019-01-19",
    "technical_key": "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
    "from": 990000000,
    "to": 995000000,
    "generated_to_date": 0,
    "date_from": "2019-01-19",
    "date_to": "2030-01-19",
}
# Paso 5 - Config-Resolution NC
RESOLUTION_CREDIT_NOTE: dict[str, Any] = {
    "type_document_id": 4,
    "from": 1,
    "to": 99999999,
    "prefix": "NC",
}
# 08 - Paso a Produccion — Change Environment
ENVIRONMENT_SAMPLE: dict[str, Any] = {
    "type_environment_id": 2,
    "payroll_type_environment_id": 2,
    "eqdocs_type_environment_id": 2,
}
SIMULATOR = {"type_environment_id": 3, "eqdocs_type_environment_id": 3}

CUSTOMER = Party(
    organization_type="2",
    id_type="13",
    id_number="71234567",
    name="JUAN PEREZ",
    tax_level_codes=("R-99-PN",),
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def certificate_body(nit: str = NIT, name: str = "ALEXANDER OBANDO LONDONO") -> dict[str, str]:
    """Paso 3 - Config-Certificate with a PKCS#12 generated now."""
    pkcs12, password = generate_test_pkcs12(nit=nit, name=name)
    return {"certificate": base64.b64encode(pkcs12).decode(), "password": password}


def invoice() -> Document:
    return Document(
        type_code="01",
        operation_type="10",
        customer=CUSTOMER,
        lines=(
            Line(
                code="P1",
                description="Producto 1",
                quantity=Decimal("2"),
                unit_price=Decimal("50000"),
                taxes=(Tax(scheme="01", percent=Decimal("19")),),
            ),
        ),
    )


async def register_company(
    client: httpx.AsyncClient, nit: str = NIT, dv: str = DV, **changes: Any
) -> httpx.Response:
    """Paso 1 with the operator's token."""
    return await client.post(
        f"/api/ubl2.1/config/{nit}/{dv}",
        json={**COMPANY, **changes},
        headers=bearer(OPERATOR_TOKEN),
    )


async def configure_for_simulator(
    client: httpx.AsyncClient, nit: str = NIT, dv: str = DV
) -> tuple[str, str]:
    """The guide (company, software, certificate, resolutions), then the simulator as its
    environment; returns (token, software id)."""
    token = (await register_company(client, nit, dv)).json()["token"]
    software_id = str(uuid.uuid4())
    steps: list[tuple[str, dict[str, Any]]] = [
        ("software", {"id": software_id, "pin": 12345}),
        ("certificate", certificate_body(nit)),
        ("resolution", RESOLUTION_INVOICE),
        ("resolution", RESOLUTION_CREDIT_NOTE),
        ("environment", SIMULATOR),
    ]
    for path, body in steps:
        answer = await client.put(f"/api/ubl2.1/config/{path}", json=body, headers=bearer(token))
        assert answer.status_code == 200, (path, answer.text)
    return token, software_id


@asynccontextmanager
async def gateway(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, AppContext]]:
    """A client on a gateway built from ``settings`` (for tests that need other settings than
    the module's), started and closed in the test's event loop."""
    app = create_app(settings)
    ctx: AppContext = app.state.ctx
    await ctx.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.public_url) as http:
            yield http, ctx
    finally:
        await ctx.close()
