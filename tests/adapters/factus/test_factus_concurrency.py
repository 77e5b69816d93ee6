"""Several gateway processes on one database (SQLite file or PostgreSQL): a reference code is
issued once, whichever gateway gets it and however many times it is sent at once; and two
bills sent at once while DIAN does not answer leave one pending bill, the other answered 409
(research §7)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, func, insert, select

from adapters.factus.tables import ISSUE_CLAIMS
from core.context import AppContext
from core.demo import ensure_demo
from core.storage.scratch_database import scratch_postgres_database
from core.testing import make_test_settings
from core.web.app import create_app
from tests.adapters.factus.conftest import bearer, request_token
from tests.adapters.factus.test_factus_seed import BILL_REQUEST, simulator_down

PENDING_CONFLICT = {
    "status": "Conflict",
    "errors": [
        {
            "code": 409,
            "message": "Se encontró una factura pendiente por enviar a la DIAN",
            "params": [],
            "detail": "Conflict",
            "api_version": "v1",
        }
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def shared_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    base = os.environ.get("PASARELA_TEST_DATABASE_URL", "")
    if not base:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PASARELA_TEST_DATABASE_URL must be set in CI")
        pytest.skip("PASARELA_TEST_DATABASE_URL not set")
    async with scratch_postgres_database(base) as url:
        yield url


@pytest.fixture
async def gateways(
    shared_url: str, tmp_path
) -> AsyncIterator[tuple[list[AppContext], list[httpx.AsyncClient], dict[str, str]]]:
    """Two gateway apps on one database, a client for each, and the demo tenant's headers."""
    settings = make_test_settings(tmp_path, database_url=shared_url)
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
        token = await request_token(clients[1], setup.credentials["factus"].details)
        yield contexts, clients, bearer(token["access_token"])
    finally:
        for client in clients:
            await client.aclose()
        for ctx in contexts:
            await ctx.close()


def _count_rows(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


async def stored_bills(ctx: AppContext, reference: str | None = None) -> list[Any]:
    tenant_id = (await ctx.tenants.list_tenants())[0].id
    filters = {"reference": reference} if reference else {}
    rows, _ = await ctx.documents.documents.list_stored(
        tenant_id, 1, 50, dialect="factus", type_code="01", **filters
    )
    return rows


async def test_one_reference_code_sent_at_once_to_two_gateways_is_one_bill(gateways):
    contexts, clients, headers = gateways
    answers = await asyncio.gather(
        *(
            clients[n % 2].post("/v1/bills/validate", json=BILL_REQUEST, headers=headers)
            for n in range(6)
        )
    )
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    bills = [a.json()["data"]["bill"] for a in answers]
    assert {(b["number"], b["cufe"], b["status"]) for b in bills} == {
        ("SETP990000000", bills[0]["cufe"], 1)
    }
    stored = await stored_bills(contexts[1], BILL_REQUEST["reference_code"])
    assert [s.full_number for s in stored] == ["SETP990000000"]
    assert await contexts[0].database.run(_count_rows, ISSUE_CLAIMS) == 0

    # the next code gets the next number: none was spent by the retries
    fresh = await clients[1].post(
        "/v1/bills/validate", json=dict(BILL_REQUEST, reference_code="otra-1"), headers=headers
    )
    assert fresh.status_code == 201, fresh.text
    assert fresh.json()["data"]["bill"]["number"] == "SETP990000001"


async def test_two_bills_at_once_while_dian_is_down_leave_one_pending(
    gateways, monkeypatch: pytest.MonkeyPatch
):
    contexts, clients, headers = gateways
    simulator_down(monkeypatch, contexts[0])  # one simulator per database: both gateways'
    answers = await asyncio.gather(
        *(
            clients[n % 2].post(
                "/v1/bills/validate",
                json=dict(BILL_REQUEST, reference_code=f"pedido-{n}"),
                headers=headers,
            )
            for n in range(4)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json() == PENDING_CONFLICT
    created = next(a.json() for a in answers if a.status_code == 201)["data"]["bill"]
    assert (created["status"], created["number"]) == (0, "SETP990000000")
    stored = await stored_bills(contexts[0])
    assert [(s.full_number, s.reference) for s in stored] == [
        ("SETP990000000", created["reference_code"])
    ]


async def test_a_claim_left_by_a_dead_process_is_taken_over(gateways):
    contexts, clients, headers = gateways
    tenant_id = (await contexts[0].tenants.list_tenants())[0].id

    def leave_claim(conn: Connection) -> None:
        stale = int(time.time()) - 100_000
        conn.execute(
            insert(ISSUE_CLAIMS).values(
                tenant_id=tenant_id,
                kind="bill",
                reference_code="murio",
                token="0" * 32,
                claimed_at=stale,
            )
        )

    await contexts[0].database.run(leave_claim, write=True)
    answer = await clients[0].post("/v1/bills/validate", json=BILL_REQUEST, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["data"]["bill"]["number"] == "SETP990000000"
    assert await contexts[0].database.run(_count_rows, ISSUE_CLAIMS) == 0
