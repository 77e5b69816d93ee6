"""APIDIAN documents end to end: the body as APIDIAN clients send it, the simulator's verdict,
the answer in APIDIAN's shape (research §4) and the signed XML valid against DIAN's XSD."""

from __future__ import annotations

import base64

import httpx
from apidian_documents_support import apidian_token, bearer, result, sample

from core.api import parse_xml

__all__ = ["apidian_token"]


async def test_invoice_sync_answers_apidians_shape(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice", sendmail=False, sendmailtome=False)
    response = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert list(answer)[:4] == [
        "success",
        "message",
        "send_email_success",
        "send_email_date_time",
    ]
    verdict = result(answer)
    assert verdict["IsValid"] == "true", verdict
    assert answer["success"] is True
    assert answer["message"] == "AttachedDocument #SETP990001147 generada con éxito"
    assert answer["urlinvoicexml"] == "FES-SETP990001147.xml"
    signed = base64.b64decode(answer["invoicexml"])
    assert parse_xml(signed).findtext("{*}ID") == "SETP990001147"
