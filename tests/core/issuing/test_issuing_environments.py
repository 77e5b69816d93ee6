"""Environments: the habilitación test-set flow, and switching environment keeps documents."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest

from core.api import Environment, hookimpl
from core.context import AppContext
from core.contracts import CHANNEL_INVOICES
from core.demo import ensure_demo
from core.model import Document, Line, Party, Tax
from core.plugins import get_plugin_manager
from core.testing import make_test_settings
from plugins.environments.simulador import plugin as simulador

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

# Habilitación's contract (test sets, GetStatusZip) served by the simulator.
PRUEBAS = Environment(
    id="pruebas",
    title="Habilitación contra el simulador",
    profile_execution_id="2",
    soap_url=None,
    qr_base_url=simulador.QR_BASE_HABILITACION,
    test_set_flow=True,
    provision=simulador.provision,
    connect=simulador.connect,
)


class PruebasPlugin:
    @hookimpl
    def pasarela_register_environments(self, register) -> None:  # type: ignore[no-untyped-def]
        register(PRUEBAS)


@pytest.fixture
async def ctx(tmp_path: Path):
    settings = make_test_settings(tmp_path, retry_interval_s=0.05)
    context = AppContext.create(
        settings, plugin_manager=get_plugin_manager(extra_plugins=[PruebasPlugin()])
    )
    await context.start()
    yield context
    await context.close()


async def _move_to(ctx: AppContext, tenant_id: int, environment: str) -> None:
    await ctx.tenants.switch_environment(tenant_id, environment)
    await ctx.ranges.add_resolution(
        tenant_id,
        document_type="01",
        resolution_number="18760000001",
        prefix="SETT",
        from_number=1,
        to_number=5000,
        valid_from=dt.date(2019, 1, 19),
        valid_to=dt.date(2030, 1, 19),
        technical_key="fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
    )


async def test_test_set_is_sent_async_and_followed_with_get_status_zip(ctx: AppContext) -> None:
    demo = await ensure_demo(ctx)
    await _move_to(ctx, demo.tenant.id, "pruebas")
    tenant = await ctx.tenants.tenant_view(demo.tenant.id)
    assert tenant.software[CHANNEL_INVOICES].test_set_id

    first = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    assert first.status == "pendiente"  # SendTestSetAsync only hands back a ZipKey
    assert first.zip_key and first.prefix == "SETT" and first.number == 1

    deadline = time.monotonic() + 30
    record = first
    while record.status == "pendiente" and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        record = await ctx.documents.get(tenant.id, first.uuid)
    assert record.status == "aceptado"


async def test_switching_environment_keeps_documents_and_numbers_per_environment(
    ctx: AppContext,
) -> None:
    demo = await ensure_demo(ctx)
    tenant = await ctx.tenants.tenant_view(demo.tenant.id)
    in_simulator = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    assert in_simulator.environment == "simulador" and in_simulator.prefix == "SETP"

    await _move_to(ctx, tenant.id, "pruebas")
    moved = await ctx.tenants.tenant_view(tenant.id)
    in_pruebas = await ctx.documents.issue(moved, INVOICE, dialect="test")
    assert in_pruebas.environment == "pruebas" and in_pruebas.prefix == "SETT"

    kept = await ctx.documents.get(tenant.id, in_simulator.uuid)
    assert kept.status == "aceptado" and kept.environment == "simulador"
    _, total = await ctx.documents.list(tenant.id)
    assert total == 2
