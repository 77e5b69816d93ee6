"""RADIAN through Factus' routes, on the in-process simulator: a supplier (another tenant)
bills the demo company on credit; the demo company loads the bill (by CUFE or from its XML)
and answers it with 030 → 032 → 033; a 031 blocks the 033; the supplier lists its bill's
events and, past the term, sends the tacit acceptance (034). Bad input is Factus' 422."""

from __future__ import annotations

import base64
import copy
import datetime as dt
from typing import Any

import httpx
import pytest

from core.api import now_bogota
from core.context import AppContext
from core.demo import DemoSetup
from plugins.environments.simulador.plugin import in_process_app
from tests.adapters.facepro.conftest import issuing_tenant
from tests.adapters.factus.test_factus_seed import BILL_REQUEST, bearer, granted_token, token

__all__ = ["token"]

SUPPLIER_NIT = "900373115"
PERSON = {
    "identification_document_code": "13",
    "identification": "12345667",
    "first_name": "Pepito",
    "last_name": "Perez",
    "job_title": "Desarrollador de software",
    "organization_department": "Sistemas",
}


@pytest.fixture
async def supplier(client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup) -> str:
    """A second company that bills the demo company; its Factus bearer token."""
    await issuing_tenant(ctx, SUPPLIER_NIT, "PROVEEDORA DE PRUEBA SAS")
    other = await ctx.tenants.get_tenant(SUPPLIER_NIT)
    credential = await ctx.credentials.issue_credential(other.id, "factus", scheme="opaco")
    return await granted_token(ctx, credential.id)


async def bill_to_demo(
    client: httpx.AsyncClient,
    demo_tenant: DemoSetup,
    supplier: str,
    reference: str,
    form: str = "2",
) -> dict[str, Any]:
    """The supplier's bill to the demo company (on credit unless ``form`` says otherwise)."""
    tenant = demo_tenant.tenant
    body = copy.deepcopy(BILL_REQUEST)
    body["reference_code"] = reference
    body["payment_form"] = form
    if form == "2":
        body["payment_due_date"] = (now_bogota().date() + dt.timedelta(days=30)).isoformat()
    body["customer"] = {
        "identification_document_id": 6,
        "identification": tenant.nit,
        "dv": tenant.dv,
        "company": tenant.name,
        "names": "",
        "address": "Calle 1 # 2-3",
        "email": "compras@example.com",
        "legal_organization_id": 1,
        "tribute_id": 18,
        "municipality_id": 169,
    }
    answer = await client.post("/v1/bills/validate", json=body, headers=bearer(supplier))
    assert answer.status_code == 201, answer.text
    bill = answer.json()["data"]["bill"]
    assert bill["status"] == 1, bill["errors"]
    return bill


async def upload(
    client: httpx.AsyncClient, token: str, supplier: str, number: str
) -> httpx.Response:
    """The demo company loads the signed XML the supplier sent it (multipart ``file``)."""
    xml = await client.get(f"/v1/bills/download-xml/{number}", headers=bearer(supplier))
    signed = base64.b64decode(xml.json()["data"]["xml_base_64_encoded"])
    return await client.post(
        "/v1/receptions/upload",
        files={"file": ("factura.xml", signed, "application/xml")},
        headers=bearer(token),
    )


async def event(client: httpx.AsyncClient, token: str, bill_id: int, code: str, **extra: Any):
    return await client.patch(
        f"/v1/receptions/bills/{bill_id}/radian/events/{code}",
        json={**PERSON, **extra},
        headers=bearer(token),
    )


async def test_upload_then_030_032_033_and_the_issuers_listing(
    client: httpx.AsyncClient, demo_tenant: DemoSetup, token: str, supplier: str
) -> None:
    bill = await bill_to_demo(client, demo_tenant, supplier, "radian-1")

    uploaded = await client.post(
        "/v1/receptions/upload", json={"track_id": bill["cufe"]}, headers=bearer(token)
    )

    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["status"] == "Created"
    received = body["data"]
    assert (received["number"], received["cufe"]) == (bill["number"], bill["cufe"])
    assert (received["company_nit"], received["company_name"]) == (
        SUPPLIER_NIT,
        "PROVEEDORA DE PRUEBA SAS",
    )
    assert received["company_identification_type_code"] == "31"
    assert received["payment_form"] == {"code": "2", "name": "Pago a crédito"}
    assert received["total"] == bill["total"] and received["events"] == []
    assert (received["has_claim"], received["is_negotiable_instrument"]) == (False, False)
    again = await upload(client, token, supplier, bill["number"])
    assert again.json()["data"]["id"] == received["id"]

    for code in ("030", "032", "033"):
        answer = await event(client, token, received["id"], code)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "OK"
    final = answer.json()["data"]
    assert [e["code"] for e in final["events"]] == ["030", "032", "033"]
    assert final["events"][0]["name"] == "Acuse de recibo de Factura Electrónica de Venta"
    assert final["events"][0]["person_identification"] == "12345667"
    assert final["events"][0]["person_names"] == "Pepito Perez"
    assert all(len(e["cude"]) == 96 for e in final["events"])
    assert final["is_negotiable_instrument"] is True

    repeated = await event(client, token, received["id"], "030")  # recorded: answered again
    assert repeated.status_code == 200
    assert [e["cude"] for e in repeated.json()["data"]["events"]] == [
        e["cude"] for e in final["events"]
    ]

    listed = await client.get(
        "/v1/receptions/bills", params={"filter[completed_events]": "1"}, headers=bearer(token)
    )
    rows = listed.json()["data"]["data"]
    assert [(r["id"], r["number"], r["has_claim"]) for r in rows] == [
        (received["id"], bill["number"], False)
    ]
    assert listed.json()["data"]["pagination"]["total"] == 1
    pending = await client.get(
        "/v1/receptions/bills", params={"filter[completed_events]": "0"}, headers=bearer(token)
    )
    assert pending.json()["data"]["data"] == []

    events = await client.get(f"/v1/bills/{bill['number']}/radian/events", headers=bearer(supplier))
    assert events.status_code == 200, events.text
    assert events.json()["status"] == "OK"
    listing = events.json()["data"]
    assert [(e["event_code"], e["cude"]) for e in listing] == [
        (e["code"], e["cude"]) for e in final["events"]
    ]
    assert listing[2]["event_name"] == "Aceptación expresa"
    assert set(listing[0]) == {
        "number",
        "cude",
        "event_code",
        "event_name",
        "effective_date",
        "effective_time",
    }


async def test_a_claim_blocks_the_express_acceptance(
    client: httpx.AsyncClient, demo_tenant: DemoSetup, token: str, supplier: str
) -> None:
    bill = await bill_to_demo(client, demo_tenant, supplier, "radian-2")
    uploaded = await upload(client, token, supplier, bill["number"])
    assert uploaded.status_code == 201, uploaded.text
    received = uploaded.json()["data"]
    assert (await event(client, token, received["id"], "030")).status_code == 200

    without_concept = await event(client, token, received["id"], "031")
    assert without_concept.status_code == 422
    assert without_concept.json()["errors"] == {
        "claim_concept_code": ["LGC08: El Reclamo (031) requiere el concepto de reclamo (01 a 04)."]
    }
    claimed = await event(client, token, received["id"], "031", claim_concept_code="02")
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["data"]["has_claim"] is True

    refused = await event(client, token, received["id"], "033")

    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert list(errors) == ["event_type"]
    assert errors["event_type"][0].startswith("LGC02: No se puede registrar la Aceptación expresa")
    listed = await client.get(
        "/v1/receptions/bills", params={"filter[number]": bill["number"]}, headers=bearer(token)
    )
    row = listed.json()["data"]["data"][0]
    assert row["claim_concept"] == {"code": "02", "name": "Mercancía no entregada totalmente"}
    assert [
        e["event_code"]
        for e in (
            await client.get(f"/v1/bills/{bill['number']}/radian/events", headers=bearer(supplier))
        ).json()["data"]
    ] == ["030", "031"]


async def test_tacit_acceptance_by_the_issuer(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    ctx: AppContext,
    demo_tenant: DemoSetup,
    token: str,
    supplier: str,
) -> None:
    bill = await bill_to_demo(client, demo_tenant, supplier, "radian-3")
    cash = await bill_to_demo(client, demo_tenant, supplier, "radian-4", form="1")
    received = (await upload(client, token, supplier, bill["number"])).json()["data"]
    for code in ("030", "032"):
        assert (await event(client, token, received["id"], code)).status_code == 200
    tacit = f"/v1/bills/radian/events/update/{bill['number']}/034"

    early = await client.post(tacit, json=PERSON, headers=bearer(supplier))
    assert early.status_code == 422, early.text
    assert early.json()["errors"]["event_type"][0].startswith("LGC05: ")

    later = now_bogota() + dt.timedelta(days=10)  # past the term: the gateway's and DIAN's clocks
    monkeypatch.setattr(ctx.events, "clock", lambda: later)
    dian = in_process_app(ctx.settings).state.simulated_dian.events
    monkeypatch.setattr(dian, "clock", lambda: later)
    accepted = await client.post(tacit, json=PERSON, headers=bearer(supplier))

    assert accepted.status_code == 200, accepted.text
    data = accepted.json()["data"]
    assert (data["event_code"], data["event_name"]) == ("034", "Aceptación tácita")
    assert len(data["cude"]) == 96
    events = await client.get(f"/v1/bills/{bill['number']}/radian/events", headers=bearer(supplier))
    assert [e["event_code"] for e in events.json()["data"]] == ["030", "032", "034"]
    by_buyer = await event(client, token, received["id"], "034")
    assert by_buyer.status_code == 422
    assert list(by_buyer.json()["errors"]) == ["bill_id"]
    assert by_buyer.json()["errors"]["bill_id"][0].startswith(
        "LGC04: La Aceptación Tácita (034) solo la registra el emisor"
    )

    cash_received = (await upload(client, token, supplier, cash["number"])).json()["data"]
    for code in ("030", "032"):
        assert (await event(client, token, cash_received["id"], code)).status_code == 200
    on_cash = await client.post(
        f"/v1/bills/radian/events/update/{cash['number']}/034",
        json=PERSON,
        headers=bearer(supplier),
    )
    assert on_cash.status_code == 422
    assert on_cash.json()["errors"] == {
        "event_type": [
            "LGC06: La Aceptación Tácita (034) solo aplica a facturas a crédito (forma de pago 2)."
        ]
    }


async def test_bad_radian_requests_are_factus_errors(
    client: httpx.AsyncClient, demo_tenant: DemoSetup, token: str, supplier: str
) -> None:
    missing = await client.post("/v1/receptions/upload", json={}, headers=bearer(token))
    assert missing.status_code == 422
    assert missing.json() == {
        "message": "El campo track id es obligatorio.",
        "errors": {"track_id": ["El campo track id es obligatorio."]},
    }
    bad = await client.post(
        "/v1/receptions/upload", json={"track_id": "no-es-un-cufe"}, headers=bearer(token)
    )
    assert bad.json()["errors"] == {"track_id": ["El campo track id es inválido."]}
    unknown = await client.post(
        "/v1/receptions/upload", json={"track_id": "a" * 96}, headers=bearer(token)
    )
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["errors"]["track_id"][0].startswith("LGC09: ")
    tampered = await client.post(
        "/v1/receptions/upload",
        files={"file": ("factura.xml", b"<Invoice/>", "application/xml")},
        headers=bearer(token),
    )
    assert tampered.status_code == 422, tampered.text
    assert list(tampered.json()["errors"]) == ["file"]
    no_file = await client.post(
        "/v1/receptions/upload", files={"other": ("x.txt", b"x")}, headers=bearer(token)
    )
    assert no_file.json()["errors"] == {"file": ["El campo file es obligatorio."]}

    nobody = await event(client, token, 999999, "030")
    assert nobody.status_code == 404
    assert nobody.json() == {"status": "Not Found", "message": "No se encontró el documento 999999"}
    person_missing = await client.patch(
        "/v1/receptions/bills/1/radian/events/030", json={}, headers=bearer(token)
    )
    assert person_missing.json()["errors"] == {
        "identification_document_code": ["El campo identification_document_code es obligatorio."],
        "identification": ["El campo identification es obligatorio."],
        "first_name": ["El campo first_name es obligatorio."],
        "last_name": ["El campo last_name es obligatorio."],
    }
    bill = await bill_to_demo(client, demo_tenant, supplier, "radian-5")
    received = (await upload(client, token, supplier, bill["number"])).json()["data"]
    wrong_type = await event(client, token, received["id"], "099")
    assert wrong_type.json()["errors"] == {
        "event_type": ["LGC00: El evento '099' no existe: use 030, 031, 032, 033 o 034."]
    }
    for params, field in (
        ({"filter[issue_date]": "ayer"}, "filter.issue_date"),
        ({"filter[completed_events]": "2"}, "filter.completed_events"),
        ({"page": "-1"}, "page"),
    ):
        listed = await client.get("/v1/receptions/bills", params=params, headers=bearer(token))
        assert listed.status_code == 422
        assert list(listed.json()["errors"]) == [field]
    garbled = await client.patch(
        f"/v1/receptions/bills/{received['id']}/radian/events/030",
        content=b"{",
        headers={**bearer(token), "Content-Type": "application/json"},
    )
    assert garbled.status_code == 422 and "errors" in garbled.json()
    no_bill = await client.get("/v1/bills/SETP1/radian/events", headers=bearer(token))
    assert no_bill.json() == {"status": "Not Found", "message": "No se encontró el documento SETP1"}
