"""A bill DIAN did not answer for (the simulated DIAN answering 503, as with
``PASARELA_SIM_FAIL_503=1``): stored and numbered, answered with ``status`` 0, and the next
``validate`` is 409 until it resolves; re-sending its reference code returns it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from core.context import AppContext
from core.demo import DemoSetup
from core.settings import Settings
from core.testing import make_test_settings
from tests.adapters.factus.test_factus_seed import (
    BILL_REQUEST,
    bearer,
    create_bill,
    simulator_down,
    simulator_up,
    token,
)

__all__ = ["token"]

WAIT_S = 30.0  # a deadline for the job worker, not a performance assertion


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path, retry_interval_s=0.05, retry_max_backoff_s=0.2)


async def test_pending_bill_blocks_until_dian_answers(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    ctx: AppContext,
    demo_tenant: DemoSetup,
    token: str,
) -> None:
    simulator_down(monkeypatch, ctx)
    pending = (await create_bill(client, token))["data"]["bill"]
    assert pending["status"] == 0 and pending["validated"] is None
    assert pending["number"] == "SETP990000000" and len(pending["cufe"]) == 96
    assert pending["errors"]  # why DIAN has not validated it

    other = dict(BILL_REQUEST, reference_code="fact-seed-2")
    blocked = await client.post("/v1/bills/validate", json=other, headers=bearer(token))
    assert blocked.status_code == 409
    assert blocked.json() == {
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
    listed = await client.get("/v1/bills?filter[status]=0", headers=bearer(token))
    assert [r["number"] for r in listed.json()["data"]["data"]] == [pending["number"]]

    # DIAN answers again: the delivery job sends the same bill, no second number
    simulator_up(ctx)
    deadline = time.monotonic() + WAIT_S
    while True:
        again = await create_bill(client, token)  # the same reference code: a retry
        if again["data"]["bill"]["status"] == 1 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    bill = again["data"]["bill"]
    assert (bill["status"], bill["number"], bill["cufe"]) == (1, pending["number"], pending["cufe"])

    fresh = await client.post("/v1/bills/validate", json=other, headers=bearer(token))
    assert fresh.status_code == 201
    assert fresh.json()["data"]["bill"]["number"] == "SETP990000001"


async def test_pending_bill_can_be_deleted(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    ctx: AppContext,
    demo_tenant: DemoSetup,
    token: str,
) -> None:
    simulator_down(monkeypatch, ctx)
    await create_bill(client, token)
    deleted = await client.delete(
        f"/v1/bills/destroy/reference/{BILL_REQUEST['reference_code']}", headers=bearer(token)
    )
    assert deleted.status_code == 200
    simulator_up(ctx)
    other = dict(BILL_REQUEST, reference_code="fact-seed-2")
    fresh = await client.post("/v1/bills/validate", json=other, headers=bearer(token))
    assert fresh.status_code == 201
    assert fresh.json()["data"]["bill"]["status"] == 1
