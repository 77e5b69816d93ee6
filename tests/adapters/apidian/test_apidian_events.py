"""APIDIAN's RADIAN routes: ``/send-event`` on the AttachedDocument a supplier sent,
``/send-event-data`` by CUFE, and ``/status/events-document/{cufe}`` (GetStatusEvent), through
the simulator. The supplier is a second company of the gateway that invoices the demo company;
the demo company sends 030 -> 032 -> 033 as its buyer."""

from __future__ import annotations

from typing import Any

import httpx
from apidian_documents_support import apidian_token, bearer, other_company, result, sample

from core.context import AppContext
from core.demo import DEMO_NIT
from core.validation.nit import check_digit

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
