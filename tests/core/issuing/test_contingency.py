"""Contingency invoices (03, 04): issued while DIAN is down, all accepted once it answers
again, each under its own number and sent exactly once.

"DIAN down" is the simulator behind a switch that answers HTTP 503 to every request (what a
load balancer in front of an unavailable DIAN does); the switch is turned by the test, never
by a clock, and the job backoff is milliseconds, so no test waits for real minutes.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections import Counter
from pathlib import Path

import msgspec
import pypdf
import pytest

from core.context import AppContext
from core.contingency import CONTINGENCY_JOB
from core.demo import ensure_demo
from core.dian.soap import operation_from_action
from core.sample_documents import sample_document
from core.testing import make_test_settings
from plugins.environments.simulador.app import create_simulator_app
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.simulator_settings import SimulatorSettings


class SwitchableDian:
    """ASGI wrapper: while ``down``, every request gets 503; counts the SOAP operations the
    simulator really received (the action travels in the SOAP 1.2 media type)."""

    def __init__(self, app) -> None:
        self.app = app
        self.down = True
        self.refused = 0
        self.received: Counter[str] = Counter()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.down:
            self.refused += 1
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"Service Unavailable"})
            return
        headers = dict(scope["headers"])
        media_type = headers.get(b"content-type", b"").decode()
        action = media_type.partition('action="')[2].rstrip('"')
        self.received[operation_from_action(action) or "?"] += 1
        await self.app(scope, receive, send)


def _unsent(code: str):
    """The kind's sample without its number and date: the gateway numbers it today."""
    return msgspec.structs.replace(
        sample_document(code), prefix=None, number=None, issue_date=None, issue_time=None
    )


async def _wait_for(condition, limit_s: float = 120.0) -> None:
    """Poll ``condition`` (a coroutine function); the bound only keeps a broken run finite."""
    deadline = time.monotonic() + limit_s
    while not await condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def test_ten_contingency_invoices_issued_while_dian_is_down_are_all_accepted_later(
    tmp_path: Path,
) -> None:
    """The job worker keeps retrying past the normal attempt limit while DIAN is away, then
    every document is accepted once, with ten distinct consecutive numbers."""
    settings = make_test_settings(
        tmp_path, retry_interval_s=0.01, retry_max_backoff_s=0.05, max_attempts=2
    )
    dian = SwitchableDian(create_simulator_app(settings, SimulatorSettings()))
    with running_simulator(settings, app=dian) as url:
        ctx = AppContext.create(msgspec.structs.replace(settings, simulator_url=url))
        await ctx.start()
        try:
            demo = await ensure_demo(ctx)
            tenant = await ctx.tenants.tenant_view(demo.tenant.id)
            kinds = ["03", "04"] * 5
            issued = await asyncio.gather(
                *(ctx.documents.issue(tenant, _unsent(code), dialect="test") for code in kinds)
            )

            async def outlived_the_attempt_limit() -> bool:
                jobs = await ctx.jobs.queued(CONTINGENCY_JOB)
                return len(jobs) == 10 and all(job.attempts > 3 for job in jobs)

            await _wait_for(outlived_the_attempt_limit)
            still_pending = await ctx.documents.list(tenant.id, status="pendiente")
            refused_while_down = dian.refused
            dian.down = False  # DIAN answers again

            async def all_final() -> bool:
                # a job run settles its job just after committing the document's final state
                pending = (await ctx.documents.list(tenant.id, status="pendiente"))[1]
                return pending == 0 and not await ctx.jobs.queued(CONTINGENCY_JOB)

            await _wait_for(all_final)
            records = [await ctx.documents.get(tenant.id, r.uuid) for r in issued]
            leftover_jobs = await ctx.jobs.queued(CONTINGENCY_JOB)
        finally:
            await ctx.close()

    assert {r.status for r in issued} == {"pendiente"}
    assert still_pending[1] == 10 and refused_while_down > 10
    assert [r.status for r in records] == ["aceptado"] * 10
    assert all(r.attempts > 3 for r in records)  # retried past max_attempts=2, never failed
    numbers = sorted((r.prefix, r.number) for r in records)
    assert numbers == [("CONT", n) for n in range(1, 6)] + [("CTG", n) for n in range(1, 6)]
    assert len({r.unique_code for r in records}) == 10
    assert dian.received["SendBillSync"] == 10  # none sent twice
    assert leftover_jobs == []


async def test_send_pending_sends_each_waiting_document_once(tmp_path: Path) -> None:
    """APIDIAN's "send pendings": without a job worker running, the tenant's pending
    contingency documents are sent when asked (one by number, then the rest), and asking
    again sends nothing."""
    settings = make_test_settings(tmp_path, max_attempts=1)
    dian = SwitchableDian(create_simulator_app(settings, SimulatorSettings()))
    with running_simulator(settings, app=dian) as url:
        ctx = AppContext.create(msgspec.structs.replace(settings, simulator_url=url))
        try:  # no ctx.start(): no worker, only send_pending sends
            demo = await ensure_demo(ctx)
            tenant = await ctx.tenants.tenant_view(demo.tenant.id)
            for code in ["04", "03", "04"]:
                await ctx.documents.issue(tenant, _unsent(code), dialect="test")
            while_down = await ctx.contingency.send_pending(tenant.id)
            dian.down = False
            one = await ctx.contingency.send_pending(tenant.id, prefix="CTG", number=2)
            rest = await ctx.contingency.send_pending(tenant.id)
            again = await ctx.contingency.send_pending(tenant.id)
            other_tenant = await ctx.contingency.send_pending(tenant.id + 1000)
        finally:
            await ctx.close()

    assert [(r.prefix, r.number, r.status) for r in while_down] == [
        ("CONT", 1, "pendiente"),
        ("CTG", 1, "pendiente"),
        ("CTG", 2, "pendiente"),
    ]
    assert [(r.prefix, r.number, r.status) for r in one] == [("CTG", 2, "aceptado")]
    assert [(r.prefix, r.number, r.status) for r in rest] == [
        ("CONT", 1, "aceptado"),
        ("CTG", 1, "aceptado"),
    ]
    assert again == [] and other_tenant == []
    assert dian.received["SendBillSync"] == 3


@pytest.mark.parametrize("code", ["02", "03", "04"])
async def test_the_simulator_accepts_each_kind_when_dian_is_up(tmp_path: Path, code: str) -> None:
    settings = make_test_settings(tmp_path)
    ctx = AppContext.create(settings)  # the in-process simulator
    try:
        demo = await ensure_demo(ctx)
        tenant = await ctx.tenants.tenant_view(demo.tenant.id)
        record = await ctx.documents.issue(tenant, _unsent(code), dialect="test")
        if code == "04":  # stored now, sent later
            assert record.status == "pendiente"
            (record,) = await ctx.contingency.send_pending(tenant.id)
        assert record.status == "aceptado", (record.dian_errors, record.last_error)
        _, pdf = await ctx.pdfs.pdf(tenant.id, record.uuid)  # from the stored canonical form
    finally:
        await ctx.close()
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert record.full_number in page
    assert ("Tasa de cambio (TRM)" in page) is (code == "02")
