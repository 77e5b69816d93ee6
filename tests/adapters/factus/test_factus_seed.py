# ruff: noqa: E501
"""The seed's credit-note page, verbatim: the 201 (after the bill it references), the 422 and
the 409. Helpers shared by the Factus document tests live here too.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

import httpx
import pytest

from core.context import AppContext
from core.demo import DemoSetup
from plugins.environments.simulador.plugin import in_process_app
from plugins.environments.simulador.simulator_settings import SimulatorSettings

SEED_REQUEST = json.loads(
    """{ "numbering_range_id": 5, "correction_concept_code": 2, "customization_id": 20,
    "bill_id": 514, "reference_code": "5", "observation": "", "payment_method_code": "10",
    "customer": { "identification": "123456789", "dv": "3", "company": "", "trade_name": "",
    "names": "Alan Turing", "address": "calle 1 # 2-68", "phone": "1234567890",
    "legal_organization_id": "2", "tribute_id": "21", "identification_document_id": 3,
    "municipality_id": "980" }, "items": [ { "code_reference": "123456", "name": "Aspirina",
    "quantity": 1, "discount_rate": 0, "price": 80000, "tax_rate": "19.00",
    "unit_measure_id": 70, "standard_code_id": 1, "is_excluded": 0, "tribute_id": 1,
    "withholding_taxes": [] } ]}"""
)
SEED_BAD_REQUEST = json.loads(
    """{ "numbering_range_id": 333333, "correction_concept_code": 2, "customization_id": 33434,
    "bill_id": 1111111, "reference_code": "5", "observation": "", "payment_method_code": "101222",
    "customer": { "identification": "123456789", "dv": "3", "company": "", "trade_name": "",
    "names": "Alan Turing", "address": "calle 1 # 2-68", "phone": "1234567890",
    "legal_organization_id": "2", "tribute_id": "21", "identification_document_id": 3,
    "municipality_id": "980" }, "items": [ { "name": "Aspirina", "quantity": 1,
    "discount_rate": 0, "price": 80000, "tax_rate": "19.00", "unit_measure_id": 70,
    "standard_code_id": 1, "is_excluded": 0, "tribute_id": 1, "withholding_taxes": [] } ]}"""
)
SEED_CREATED = json.loads(
    """{ "status": "Created", "message": "Documento con el código de referencia 5 registrado y validado con éxito", "data": { "company": { "url_logo": "http://api.test/storage/images/logos/uKWIKmmwxeELNzmrxyKoGgbCtimDV1zInzQqgNin.png", "nit": "900825759", "dv": "7", "company": "HALLTEC S.A.S.", "name": "HALLTEC", "registration_code": "3FJ3253427", "economic_activity": "6311", "phone": "3165584659", "direction": "cra 10 # 9 - 04", "municipality": "San Gil" }, "customer": { "identification": "123456789", "dv": null, "graphic_representation_name": "Alan Turing", "trade_name": "", "company": "", "names": "Alan Turing", "address": "calle 1 # 2-68", "phone": "1234567890", "legal_organization": { "id": 2, "code": "2", "name": "Persona Natural" }, "tribute": { "id": 21, "code": "ZZ", "name": "No aplica" }, "municipality": { "id": 980, "code": "68679", "name": "San Gil" } }, "credit_note": { "id": 132, "number": "NC76", "reference_code": "5", "status": 1, "send_email": 0, "qr": "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=eee1fc09684c19aaa7cee1b97d3923e286b1ccf12bdd0d185b4ddcbbab87bcbe9d589a9daf9eee9f55132c782c1b8bc0", "cude": "eee1fc09684c19aaa7cee1b97d3923e286b1ccf12bdd0d185b4ddcbbab87bcbe9d589a9daf9eee9f55132c782c1b8bc0", "validated": "20-09-2024 09:13:43 AM", "discount_rate": "0.00", "discount": "0.00", "gross_value": "67226.89", "taxable_amount": "67226.89", "tax_amount": "12773.11", "total": "80000.00", "observation": null, "errors": [ "Regla: CBF02, Notificación: No se informo el numero de la factura referenciada", "Regla: CAK55, Notificación: Correo electrónico no informado" ], "created_at": "20-09-2024 09:13:42 AM", "qr_image": "data:image/png;base64, ", "bill_id": 514, "cufe": "025972ce686eb5fc89a78ab8e9de34c3dea87d23982694ff25843b7f3046b0ac42815f9bb7a1f7469062ef0c11f2eac0", "number_bill": "SETP990000302", "payment_method": { "name": "Efectivo", "code": "10" }, "customization_id": { "code": "20", "name": "Nota Crédito que referencia una factura electrónica." }, "correction_concept": { "code": "2", "name": "Anulación de factura electrónica" } }, "items": [ { "note": null, "code_reference": "123456", "name": "Aspirina", "quantity": 1, "discount_rate": "0.00", "discount": "0.00", "gross_value": "67226.89", "tax_rate": "19.00", "taxable_amount": "67226.89", "tax_amount": "12773.11", "price": "80000.00", "is_excluded": 0, "unit_measure": { "id": 70, "code": "94", "name": "unidad" }, "standard_code": { "id": 1, "code": "999", "name": "Estándar de adopción del contribuyente" }, "tribute": { "id": 1, "code": "01", "name": "IVA" }, "total": 80000, "withholding_taxes": [] } ], "withholding_taxes": [] }}"""
)
SEED_CONFLICT = json.loads(
    """{ "status": "Conflict", "errors": [ { "code": 409, "message": "Se encontró una nota crédito pendiente por enviar a la DIAN", "params": [], "detail": "Conflict", "api_version": "v1" } ]}"""
)
SEED_INVALID = json.loads(
    """{ "message": "El campo id rango de numeración es inválido. (and 4 more errors)", "errors": { "numbering_range_id": [ "El campo id rango de numeración es inválido." ], "customization_id": [ "El campo Tipo de nota crédito es inválido." ], "bill_id": [ "La factura seleccionada no existe." ], "payment_method_code": [ "El campo payment method code es inválido." ], "items.0.code_reference": [ "El campo items.0.code_reference es obligatorio." ] }}"""
)

# a simple bill for the seed's customer: one item of 80000 at 19 % (the note annuls it)
BILL_REQUEST: dict[str, Any] = {
    "reference_code": "fact-seed-1",
    "observation": "",
    "payment_method_code": "10",
    "customer": copy.deepcopy(SEED_REQUEST["customer"]),
    "items": copy.deepcopy(SEED_REQUEST["items"]),
}
# values the seed's own documents carry and a fresh gateway cannot (ids, numbers, times,
# codes computed for the document, DIAN's own notifications, the issuer)
VOLATILE = {
    "id",
    "number",
    "qr",
    "cude",
    "cufe",
    "validated",
    "created_at",
    "qr_image",
    "bill_id",
    "number_bill",
    "errors",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


async def granted_token(ctx: AppContext, credential_id: int) -> str:
    """An access token granted to a Factus credential (a tenant other than the demo's)."""
    granted = await ctx.credentials.grant_access_token(credential_id, dt.timedelta(hours=1))
    return granted.token


async def range_id(ctx: AppContext, tenant_id: int, type_code: str) -> int:
    for record in await ctx.ranges.list_ranges(tenant_id):
        if record.range.document_type == type_code:
            return record.range.id
    raise AssertionError(f"no range for {type_code}")


@pytest.fixture
async def token(factus_token: dict[str, Any]) -> str:
    """The demo tenant's access token, from ``POST /oauth/token`` (the password grant)."""
    return str(factus_token["access_token"])


async def create_bill(
    client: httpx.AsyncClient, token: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    answer = await client.post(
        "/v1/bills/validate", json=body or BILL_REQUEST, headers=bearer(token)
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def same_shape(ours: Any, seed: Any, path: str = "data") -> None:
    """Every key of the seed's answer is in ours with a value of the same JSON type, and every
    value that is not specific to the seed's own documents is equal."""
    if isinstance(seed, dict):
        assert isinstance(ours, dict), path
        for key, value in seed.items():
            assert key in ours, f"{path}.{key} missing"
            if key in VOLATILE or path.endswith("company"):
                continue
            same_shape(ours[key], value, f"{path}.{key}")
    elif isinstance(seed, list):
        assert isinstance(ours, list) and len(ours) == len(seed), path
        for index, (a, b) in enumerate(zip(ours, seed, strict=True)):
            same_shape(a, b, f"{path}.{index}")
    else:
        assert ours == seed, f"{path}: {ours!r} != {seed!r}"


async def test_seed_credit_note_after_its_bill(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    assert bill["status"] == 1
    request = copy.deepcopy(SEED_REQUEST)
    request["numbering_range_id"] = await range_id(ctx, demo_tenant.tenant.id, "91")
    request["bill_id"] = bill["id"]

    answer = await client.post("/v1/credit-notes/validate", json=request, headers=bearer(token))

    assert answer.status_code == 201, answer.text
    body = answer.json()
    same_shape(body, SEED_CREATED, "")
    note = body["data"]["credit_note"]
    assert note["bill_id"] == bill["id"]
    assert note["number_bill"] == bill["number"] and note["cufe"] == bill["cufe"]
    assert note["number"].startswith("NC") and len(note["cude"]) == 96
    assert note["qr"].endswith(note["cude"])
    assert note["qr_image"].startswith("data:image/png;base64, iVBOR")
    assert re.fullmatch(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2} [AP]M", note["validated"])
    # the bill keeps the moment DIAN validated it, though its row changed since
    shown = await client.get(f"/v1/bills/show/{bill['number']}", headers=bearer(token))
    assert shown.json()["data"]["bill"]["validated"] == bill["validated"]
    company = body["data"]["company"]
    assert (company["nit"], company["dv"]) == (demo_tenant.tenant.nit, demo_tenant.tenant.dv)


async def test_seed_invalid_credit_note_is_the_seeds_422_and_stores_nothing(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    answer = await client.post(
        "/v1/credit-notes/validate", json=SEED_BAD_REQUEST, headers=bearer(token)
    )

    assert answer.status_code == 422
    assert answer.json() == SEED_INVALID
    _, total = await ctx.documents.list(demo_tenant.tenant.id)
    assert total == 0


async def test_seed_conflict_while_a_credit_note_is_pending(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    ctx: AppContext,
    demo_tenant: DemoSetup,
    token: str,
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    request = copy.deepcopy(SEED_REQUEST)
    request["numbering_range_id"] = await range_id(ctx, demo_tenant.tenant.id, "91")
    request["bill_id"] = bill["id"]
    # DIAN stops answering: the note is stored, numbered and answered "not validated"
    simulator_down(monkeypatch, ctx)
    first = await client.post("/v1/credit-notes/validate", json=request, headers=bearer(token))
    assert first.status_code == 201, first.text
    pending = first.json()["data"]["credit_note"]
    assert pending["status"] == 0 and pending["validated"] is None

    second = dict(request, reference_code="6")
    answer = await client.post("/v1/credit-notes/validate", json=second, headers=bearer(token))

    assert answer.status_code == 409
    assert answer.json() == SEED_CONFLICT


def simulator_down(monkeypatch: pytest.MonkeyPatch, ctx: AppContext) -> None:
    """From now on the simulated DIAN answers every request 503 (``PASARELA_SIM_FAIL_503=1``
    for the simulator already running in this process)."""
    endpoint = in_process_app(ctx.settings).state.soap_endpoint
    monkeypatch.setattr(endpoint, "sim", SimulatorSettings(fail_503=1.0))


def simulator_up(ctx: AppContext) -> None:
    endpoint = in_process_app(ctx.settings).state.soap_endpoint
    endpoint.sim = SimulatorSettings()
