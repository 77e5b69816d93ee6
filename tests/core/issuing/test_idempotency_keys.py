"""A client that lost an answer re-sends with its ``Idempotency-Key`` and gets the first
document back, in every dialect; a key re-used with another body is refused in the dialect's
own shape; the same key sent at once to two gateways on one database is one document."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import httpx
import pytest

from core.context import AppContext
from core.demo import DemoSetup, ensure_demo
from core.testing import make_test_settings
from core.web.app import create_app
from tests.adapters.apidian.apidian_documents_support import sample
from tests.adapters.facepro.test_facepro_documents import CURL_INVOICE
from tests.adapters.factus.conftest import request_token
from tests.adapters.factus.test_factus_seed import BILL_REQUEST

REUSED = (
    "La clave Idempotency-Key ya se usó con una petición distinta; "
    "use una clave nueva para un documento nuevo."
)


def _headers(token: str, key: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


async def _count(ctx: AppContext, tenant_id: int) -> int:
    return (await ctx.documents.list(tenant_id, per_page=1))[1]


async def test_facepro_retry_with_the_same_key_returns_the_first_invoice(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    token = demo_tenant.credentials["facepro"].token
    first = await client.post(
        "/api/v1/documentos", content=CURL_INVOICE, headers=_headers(token, "pedido-1001")
    )
    again = await client.post(
        "/api/v1/documentos", content=CURL_INVOICE, headers=_headers(token, "pedido-1001")
    )
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    one, two = first.json()["data"], again.json()["data"]
    assert (two["tracking_id"], two["numero_completo"], two["cufe"]) == (
        one["tracking_id"],
        one["numero_completo"],
        one["cufe"],
    )
    assert await _count(ctx, demo_tenant.tenant.id) == 1

    # without the key, the same body is a new invoice with the next number
    other = await client.post(
        "/api/v1/documentos", content=CURL_INVOICE, headers=_headers(token, None)
    )
    assert other.status_code == 201, other.text
    assert other.json()["data"]["numero_completo"] != one["numero_completo"]

    changed = json.loads(CURL_INVOICE)
    changed["lineas"][0]["cantidad"] = 3
    reused = await client.post(
        "/api/v1/documentos", json=changed, headers=_headers(token, "pedido-1001")
    )
    assert reused.status_code == 409
    assert reused.json() == {
        "ok": False,
        "error": REUSED,
        "codigo": "clave_idempotencia_reutilizada",
    }
    assert await _count(ctx, demo_tenant.tenant.id) == 2


async def test_apidian_retry_with_the_same_key_returns_the_first_invoice(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    token = demo_tenant.credentials["apidian"].token
    body = sample("invoice", sendmail=False, sendmailtome=False)
    answers = [
        await client.post("/api/ubl2.1/invoice", json=body, headers=_headers(token, "k-77"))
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    assert answers[0].json()["cufe"] == answers[1].json()["cufe"]
    assert answers[0].json()["urlinvoicexml"] == answers[1].json()["urlinvoicexml"]
    assert await _count(ctx, demo_tenant.tenant.id) == 1

    changed = copy.deepcopy(body)
    changed["notes"] = "otra nota"
    reused = await client.post("/api/ubl2.1/invoice", json=changed, headers=_headers(token, "k-77"))
    assert reused.status_code == 409
    assert reused.json() == {"success": False, "message": REUSED}


async def test_factus_key_reused_with_another_bill_is_a_conflict(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    token = (await request_token(client, demo_tenant.credentials["factus"].details))["access_token"]
    first = await client.post(
        "/v1/bills/validate", json=BILL_REQUEST, headers=_headers(token, "f-1")
    )
    again = await client.post(
        "/v1/bills/validate", json=BILL_REQUEST, headers=_headers(token, "f-1")
    )
    assert [first.status_code, again.status_code] == [201, 201], first.text
    assert first.json()["data"]["bill"]["cufe"] == again.json()["data"]["bill"]["cufe"]

    other = dict(BILL_REQUEST, reference_code="fact-seed-2")
    reused = await client.post("/v1/bills/validate", json=other, headers=_headers(token, "f-1"))
    assert reused.status_code == 409
    assert reused.json()["status"] == "Conflict"
    assert reused.json()["errors"][0]["message"] == REUSED
    assert await _count(ctx, demo_tenant.tenant.id) == 1


@pytest.mark.parametrize("key", ["", "a" * 256, "con espacio", "ñandú"])
async def test_a_malformed_key_is_refused_in_the_dialects_shape(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, key: str
) -> None:
    token = demo_tenant.credentials["facepro"].token
    headers = _headers(token, None)
    answer = await client.post(
        "/api/v1/documentos",
        content=CURL_INVOICE,
        headers=[
            *((k.encode(), v.encode()) for k, v in headers.items()),
            (b"Idempotency-Key", key.encode()),
        ],
    )
    assert answer.status_code == 422
    assert answer.json()["codigo"] == "datos_invalidos"
    assert list(answer.json()["errors"]) == ["Idempotency-Key"]
    assert await _count(ctx, demo_tenant.tenant.id) == 0


async def test_one_key_sent_at_once_to_two_gateways_is_one_document(
    database_url: str, tmp_path
) -> None:
    """Two gateway apps (own pools, as two processes have) on one database, eight copies of
    one keyed request spread over both at once: one document, one number spent."""
    settings = make_test_settings(tmp_path, database_url=database_url)
    apps = [create_app(settings), create_app(settings)]
    contexts: list[AppContext] = [app.state.ctx for app in apps]
    for ctx in contexts:
        await ctx.start()
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=settings.public_url, timeout=60
        )
        for app in apps
    ]
    try:
        setup = await ensure_demo(contexts[0])
        headers = _headers(setup.credentials["facepro"].token, "lote-9")
        answers: list[Any] = await asyncio.gather(
            *(
                clients[n % 2].post("/api/v1/documentos", content=CURL_INVOICE, headers=headers)
                for n in range(8)
            )
        )
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert {
            (a.json()["data"]["tracking_id"], a.json()["data"]["numero_completo"]) for a in answers
        } == {
            (answers[0].json()["data"]["tracking_id"], answers[0].json()["data"]["numero_completo"])
        }
        assert await _count(contexts[1], setup.tenant.id) == 1
        fresh = await clients[1].post(
            "/api/v1/documentos",
            content=CURL_INVOICE,
            headers=_headers(headers["Authorization"][7:], "lote-10"),
        )
        assert fresh.status_code == 201, fresh.text
        first_number = answers[0].json()["data"]["consecutivo"]
        assert fresh.json()["data"]["consecutivo"] == first_number + 1  # none spent
    finally:
        for client in clients:
            await client.aclose()
        for ctx in contexts:
            await ctx.close()
