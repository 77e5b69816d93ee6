"""Tenants read document kinds' facts: permissions, software channels, ranges that need a
technical key, retired ranges."""

from __future__ import annotations

import datetime as dt

import pytest

from core.contracts import CHANNEL_EQUIVALENT, CHANNEL_INVOICES
from core.errors import ConfigurationError, NotFound, NumberingExhausted
from core.storage.numbering import allocate_number
from core.web.context import AppContext
from tests.core.tenancy.conftest import PIN, make_tenant

TODAY = dt.date(2026, 11, 23)
RANGE = {
    "resolution_number": "18760000001",
    "from_number": 1,
    "to_number": 100,
    "valid_from": dt.date(2026, 1, 1),
    "valid_to": dt.date(2027, 1, 1),
}


async def test_permissions_are_the_ids_installed_kinds_declare(ctx: AppContext) -> None:
    declared = {kind.permission for kind in ctx.registry.document_types}
    assert ctx.tenants.permissions == declared
    tenant = await make_tenant(ctx, permissions=["facturas"])
    assert tenant.permissions == ("facturas",)
    with pytest.raises(ConfigurationError, match="permisos desconocidos"):
        await make_tenant(ctx, nit="800197268", permissions=["permite_facturas"])


async def test_a_tenant_holds_one_software_per_channel(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    assert [s.channel for s in tenant.software] == [CHANNEL_INVOICES]
    with pytest.raises(ConfigurationError, match="indique su id y su PIN"):
        await ctx.tenants.update_tenant(tenant.id, channel=CHANNEL_EQUIVALENT, software_id="x")
    updated = await ctx.tenants.update_tenant(
        tenant.id, channel=CHANNEL_EQUIVALENT, software_id="pos-sw", software_pin="77777"
    )
    assert updated.software_for(CHANNEL_EQUIVALENT).id == "pos-sw"
    view = await ctx.tenants.tenant_view(tenant.id)
    assert view.software[CHANNEL_INVOICES].pin == PIN
    assert (view.software[CHANNEL_EQUIVALENT].id, view.software[CHANNEL_EQUIVALENT].pin) == (
        "pos-sw",
        "77777",
    )
    # the PIN of one channel changes alone
    await ctx.tenants.update_tenant(tenant.id, channel=CHANNEL_EQUIVALENT, software_pin="88888")
    view = await ctx.tenants.tenant_view(tenant.id)
    assert view.software[CHANNEL_EQUIVALENT].pin == "88888"
    assert view.software[CHANNEL_INVOICES].pin == PIN


async def test_a_cufe_range_without_technical_key_is_refused(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    with pytest.raises(ConfigurationError, match="clave técnica"):
        await ctx.ranges.add_resolution(tenant.id, document_type="01", prefix="SETP", **RANGE)
    with pytest.raises(ConfigurationError, match="tipo de documento desconocido"):
        await ctx.ranges.add_resolution(tenant.id, document_type="77", **RANGE)
    note = await ctx.ranges.add_resolution(tenant.id, document_type="91", prefix="NC", **RANGE)
    assert note.technical_key is None  # notes are coded with the software PIN (CUDE)
    assert [r.range.document_type for r in await ctx.ranges.list_ranges(tenant.id)] == ["91"]


async def test_a_retired_range_numbers_nothing_more(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    first = await ctx.ranges.add_resolution(
        tenant.id, document_type="01", prefix="OLD", technical_key="k1", **RANGE
    )
    second = await ctx.ranges.add_resolution(
        tenant.id, document_type="01", prefix="NEW", technical_key="k2", **RANGE
    )
    assert await ctx.ranges.active_range(tenant.id, "01", "simulador", TODAY) == first
    retired = await ctx.ranges.retire_range(tenant.id, first.id)
    assert retired.retired_at is not None
    assert await ctx.ranges.retire_range(tenant.id, first.id) == retired  # again: harmless
    assert await ctx.ranges.active_range(tenant.id, "01", "simulador", TODAY) == second
    listed = [r.range.id for r in await ctx.ranges.list_ranges(tenant.id)]
    assert listed == [second.id]
    every = await ctx.ranges.list_ranges(tenant.id, retired=True)
    assert [r.range.id for r in every] == [first.id, second.id]

    await ctx.ranges.retire_range(tenant.id, second.id)
    with pytest.raises(ConfigurationError, match="no hay una resolución"):
        await ctx.ranges.active_range(tenant.id, "01", "simulador", TODAY)

    other = await make_tenant(ctx, nit="800197268")
    with pytest.raises(NotFound, match="no tiene el rango"):
        await ctx.ranges.retire_range(other.id, first.id)


async def test_a_range_retired_by_another_process_stops_allocation(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    numbering = await ctx.ranges.add_resolution(tenant.id, document_type="91", prefix="NC", **RANGE)
    assert await ctx.database.run(allocate_number, numbering.id, write=True) == 1
    await ctx.ranges.retire_range(tenant.id, numbering.id)
    with pytest.raises(NumberingExhausted, match="fue retirada"):
        await ctx.database.run(allocate_number, numbering.id, write=True)
