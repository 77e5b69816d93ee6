"""Jobs in a running gateway: a plugin's own job kind, and the DIAN delivery job that every
issued document gets in the same transaction as the document."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pluggy
import pytest
from sqlalchemy import Connection, select

from core.api import JobContext, JobKind, JobOutcome, QuotaExceeded, enqueue_job, hookimpl
from core.context import AppContext
from core.demo import DemoSetup
from core.model import Document, Line, Party, Tax
from core.plugins import get_plugin_manager
from core.settings import Settings
from core.storage.tables import DocumentRow, JobRow
from core.testing import make_test_settings


class GreetingPlugin:
    """A vendor's plugin with a job kind of its own."""

    def __init__(self) -> None:
        self.greeted: list[tuple[str, int, Any]] = []
        self.done = asyncio.Event()

    @hookimpl
    def pasarela_register_jobs(self, register):  # type: ignore[no-untyped-def]
        register(JobKind(id="greeting.send", handler=self.send, max_attempts=3))

    async def send(self, payload: dict[str, Any], context: JobContext) -> JobOutcome:
        self.greeted.append((payload["to"], context.attempt, context.gateway))
        self.done.set()
        return JobOutcome.done()


@pytest.fixture
def greeting() -> GreetingPlugin:
    return GreetingPlugin()


@pytest.fixture
def plugin_manager(greeting: GreetingPlugin) -> pluggy.PluginManager:
    return get_plugin_manager(extra_plugins=[greeting])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path, retry_interval_s=0.05)


INVOICE = Document(
    type_code="01",
    operation_type="10",
    customer=Party(organization_type="2", id_type="13", id_number="71234567", name="JUAN PEREZ"),
    lines=(
        Line(
            description="Producto 1",
            quantity=Decimal("1"),
            unit_price=Decimal("1000"),
            taxes=(Tax(scheme="01", percent=Decimal("19")),),
        ),
    ),
)


async def _rows(ctx: AppContext, table: Any) -> list[Any]:
    return await ctx.database.all(select(table))


async def test_a_plugin_job_enqueued_with_its_own_write_runs_in_the_worker(
    ctx: AppContext, demo_tenant: DemoSetup, greeting: GreetingPlugin
) -> None:
    assert "greeting.send" in ctx.registry.jobs and "dian.deliver" in ctx.registry.jobs

    def sign_up(conn: Connection) -> None:
        # the plugin's own write would go here; the job commits (or not) with it
        enqueue_job(conn, "greeting.send", {"to": "ana@example.com"})

    await ctx.database.run(sign_up, write=True)
    await asyncio.wait_for(greeting.done.wait(), timeout=30)
    assert greeting.greeted == [("ana@example.com", 1, ctx)]
    for _ in range(100):  # settling follows the handler
        if not await _rows(ctx, JobRow):
            break
        await asyncio.sleep(0.05)
    assert await _rows(ctx, JobRow) == []


async def test_an_issued_document_settles_its_delivery_job(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    assert record.status == "aceptado" and record.attempts == 1
    delivery = [row for row in await _rows(ctx, JobRow) if row.kind == "dian.deliver"]
    assert delivery == []  # done: the job is gone


async def test_a_refused_document_leaves_neither_document_nor_job(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    await ctx.tenants.update_tenant(demo_tenant.tenant.id, monthly_limit=0)
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    with pytest.raises(QuotaExceeded):
        await ctx.documents.issue(tenant, INVOICE, dialect="test")
    assert await _rows(ctx, DocumentRow) == [] and await _rows(ctx, JobRow) == []


def test_the_job_lease_is_its_own_setting(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"PASARELA_JOB_LEASE": "2.5", "PASARELA_DIAN_TIMEOUT": "45"},
        database_url=f"sqlite:///{tmp_path / 'lease.db'}",
    )
    assert (settings.job_lease_s, Settings().job_lease_s) == (2.5, 30.0)
    ctx = AppContext.create(settings)
    try:
        assert ctx.jobs.lease_s == 2.5  # not derived from the 45 s DIAN timeout
    finally:
        asyncio.run(ctx.close())
