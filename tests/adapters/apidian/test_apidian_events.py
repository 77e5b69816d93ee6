"""APIDIAN's RADIAN routes: ``/send-event`` on the AttachedDocument a supplier sent,
``/send-event-data`` by CUFE, and ``/status/events-document/{cufe}`` (GetStatusEvent), through
the simulator. The supplier is a second company of the gateway that invoices the demo company;
the demo company sends 030 -> 032 -> 033 as its buyer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from apidian_documents_support import (
    OTHER_NIT,
    apidian_token,
    bearer,
    other_company,
    result,
    sample,
)

from core.api import now_bogota
from core.context import AppContext
from core.demo import DEMO_NIT
from core.settings import Settings
from core.validation.nit import check_digit
from plugins.environments.simulador.plugin import in_process_app

__all__ = ["apidian_token"]

PERSON = {
    "identification_number": "1094925334",
    "first_name": "ALEXANDER",
    "last_name": "OBANDO",
    "organization_department": "COMPRAS",
    "job_title": "JEFE DE COMPRAS",
}


async def supplier_invoice(client: httpx.AsyncClient, supplier: str, number: int) -> dict[str, Any]:
    """An invoice the other company issues to the demo company: its APIDIAN answer."""
    body = sample("invoice", number=number, sendmail=False)
    body["customer"].update(identification_number=DEMO_NIT, dv=int(check_digit(DEMO_NIT)))
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(supplier))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    assert answer["attacheddocument"]
    return answer


async def send_event(
    client: httpx.AsyncClient, token: str, invoice: dict[str, Any], event_id: int, **extra: Any
) -> httpx.Response:
    body = {
        "event_id": event_id,
        "base64_attacheddocument": invoice["attacheddocument"],
        "base64_attacheddocument_name": invoice["urlinvoiceattached"],
        "issuer_party": PERSON,
        "sendmail": False,
        **extra,
    }
    return await client.post("/api/ubl2.1/send-event", json=body, headers=bearer(token))


async def test_buyer_sends_030_032_033_and_lists_them(
    client: httpx.AsyncClient, ctx: AppContext, apidian_token: str
) -> None:
    supplier = await other_company(ctx)
    invoice = await supplier_invoice(client, supplier, 990000301)
    cudes = []
    for event_id, code in ((1, "030"), (3, "032"), (4, "033")):
        response = await send_event(client, apidian_token, invoice, event_id)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["success"] is True
        assert answer["message"] == "ApplicationResponse #SETP990000301 generada con éxito"
        verdict = result(answer, "SendEventUpdateStatus")
        assert verdict["IsValid"] == "true", verdict
        assert len(answer["cude"]) == 96
        assert answer["transmitter_id"] == DEMO_NIT
        assert answer["receiver_id"] == "900373115"
        assert answer["invoice_cufe"] == invoice["cufe"]
        assert answer["invoice_number"] == "SETP990000301"
        cudes.append((code, answer["cude"]))

    again = await send_event(client, apidian_token, invoice, 1)
    assert again.json() == {
        "success": False,
        "message": "Ya se registro este evento para este documento.",
    }

    response = await client.post(
        f"/api/ubl2.1/status/events-document/{invoice['cufe']}", headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    listing = response.json()
    assert listing["success"] is True
    assert listing["message"] == "Consulta de eventos generada con exito "
    assert listing["cufecude"] == invoice["cufe"]
    assert [(e["dian_code"], e["cude"]) for e in listing["events"]] == cudes
    assert result(listing, "GetStatusEvent")["IsValid"] == "true"


async def test_event_rules_in_apidians_shape(
    client: httpx.AsyncClient, ctx: AppContext, apidian_token: str
) -> None:
    supplier = await other_company(ctx)
    invoice = await supplier_invoice(client, supplier, 990000302)

    response = await send_event(client, apidian_token, invoice, 2)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "type_rejection_id": ["El campo type_rejection_id es obligatorio cuando event_id es 2."]
    }

    response = await send_event(client, apidian_token, invoice, 4)  # 033 before 030 and 032
    assert response.status_code == 422, response.text
    (message,) = response.json()["errors"]["event_id"]
    assert message.startswith("LGC") and "032" in message

    response = await send_event(client, apidian_token, invoice, 6)  # DIAN's own answer code
    assert response.json()["errors"] == {"event_id": ["event_id es inválido."]}

    tampered = dict(invoice, attacheddocument="bm8gZXMgeG1s")  # "no es xml"
    response = await send_event(client, apidian_token, tampered, 1)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["base64_attacheddocument"]

    # 031 (a claim) blocks the express acceptance 033, by CUFE through /send-event-data
    assert (await send_event(client, apidian_token, invoice, 1)).status_code == 200
    claim = {
        "event_id": 2,
        "type_rejection_id": 1,
        "document_reference": {"cufe": invoice["cufe"]},
    }
    response = await client.post(
        "/api/ubl2.1/send-event-data", json=claim, headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    assert result(response.json(), "SendEventUpdateStatus")["IsValid"] == "true"
    assert (await send_event(client, apidian_token, invoice, 3)).status_code == 200
    response = await send_event(client, apidian_token, invoice, 4)
    assert response.status_code == 422
    (message,) = response.json()["errors"]["event_id"]
    assert "031" in message

    unknown = {"event_id": 1, "issuer_party": PERSON, "document_reference": {"cufe": "ab" * 48}}
    response = await client.post(
        "/api/ubl2.1/send-event-data", json=unknown, headers=bearer(apidian_token)
    )
    assert response.status_code == 422, response.text
    assert list(response.json()["errors"]) == ["document_reference.cufe"]


async def test_issuer_sends_the_tacit_acceptance_034_after_its_term(
    client: httpx.AsyncClient, ctx: AppContext, settings: Settings, apidian_token: str
) -> None:
    buyer = await other_company(ctx)
    body = sample("invoice", number=990000303, sendmail=False)  # payment_form 2: crédito
    body["customer"].update(identification_number=OTHER_NIT, dv=int(check_digit(OTHER_NIT)))
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    invoice = response.json()
    assert result(invoice)["IsValid"] == "true", result(invoice)

    response = await send_event(client, apidian_token, invoice, 5)  # no receipt (032) yet
    assert response.status_code == 422, response.text
    (message,) = response.json()["errors"]["event_id"]
    assert message.startswith("LGC") and "032" in message
    response = await send_event(client, buyer, invoice, 5)  # the buyer is not the issuer
    assert response.status_code == 422, response.text

    for event_id in (1, 3):  # the buyer's receipt, through its own company
        response = await send_event(client, buyer, invoice, event_id)
        assert result(response.json(), "SendEventUpdateStatus")["IsValid"] == "true"
    response = await send_event(client, apidian_token, invoice, 5)  # inside the term
    assert response.status_code == 422, response.text

    # ten days later, for the gateway and for the simulated DIAN alike
    moment = now_bogota() + dt.timedelta(days=10)
    dian = in_process_app(settings).state.simulated_dian.events
    clocks = ctx.events.clock, dian.clock
    ctx.events.clock = dian.clock = lambda: moment
    try:
        data = {"event_id": 5, "document_reference": {"cufe": invoice["cufe"]}}
        response = await client.post(
            "/api/ubl2.1/send-event-data", json=data, headers=bearer(apidian_token)
        )
    finally:
        ctx.events.clock, dian.clock = clocks
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer, "SendEventUpdateStatus")["IsValid"] == "true", result(
        answer, "SendEventUpdateStatus"
    )
    assert answer["transmitter_id"] == DEMO_NIT
    assert answer["receiver_id"] == OTHER_NIT
    assert answer["invoice_number"] == "SETP990000303"
    assert answer["invoice_cufe"] == invoice["cufe"]


async def test_events_listing_of_unknown_and_foreign_invoices(
    client: httpx.AsyncClient, ctx: AppContext, apidian_token: str
) -> None:
    unknown = "cd" * 48
    response = await client.post(
        f"/api/ubl2.1/status/events-document/{unknown}", headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["success"] is False and "events" not in answer
    assert answer["message"] == "Consulta de eventos generada con exito "
    assert result(answer, "GetStatusEvent")["IsValid"] == "false"

    supplier = await other_company(ctx)
    invoice = await supplier_invoice(client, supplier, 990000304)
    route = f"/api/ubl2.1/status/events-document/{invoice['cufe']}"
    response = await client.post(route, headers=bearer(apidian_token))  # not loaded yet
    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "message": f"No se encontro el documento: {invoice['cufe']}",
    }
    assert (await send_event(client, apidian_token, invoice, 1)).status_code == 200
    response = await client.post(route, headers=bearer(apidian_token))
    assert [e["dian_code"] for e in response.json()["events"]] == ["030"]
