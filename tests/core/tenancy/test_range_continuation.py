"""A range continues from a later number (numbers used outside the gateway), never goes
back, and says when it was registered."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import ConfigurationError, NotFound
from core.storage.numbering import allocate_number
from core.web.context import AppContext
from tests.core.tenancy.conftest import make_tenant

RANGE = {
    "resolution_number": "18760000001",
    "from_number": 1,
    "to_number": 100,
    "valid_from": dt.date(2026, 1, 1),
    "valid_to": dt.date(2027, 1, 1),
}


async def test_set_next_number_moves_forward_only(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    numbering = await ctx.ranges.add_resolution(tenant.id, document_type="91", prefix="NC", **RANGE)
    moved = await ctx.ranges.set_next_number(tenant.id, numbering.id, 40)
    assert moved.next_number == 40 and moved.created_at is not None
    assert await ctx.database.run(allocate_number, numbering.id, write=True) == 40
    assert (await ctx.ranges.set_next_number(tenant.id, numbering.id, 41)).next_number == 41
    with pytest.raises(ConfigurationError, match="no puede retroceder"):
        await ctx.ranges.set_next_number(tenant.id, numbering.id, 10)
    with pytest.raises(ConfigurationError, match="dentro del rango"):
        await ctx.ranges.set_next_number(tenant.id, numbering.id, 102)
    # one past the end is allowed: the range is then used up
    assert (await ctx.ranges.set_next_number(tenant.id, numbering.id, 101)).remaining == 0

    other = await make_tenant(ctx, nit="800197268")
    with pytest.raises(NotFound):
        await ctx.ranges.set_next_number(other.id, numbering.id, 50)
    await ctx.ranges.retire_range(tenant.id, numbering.id)
    with pytest.raises(NotFound):
        await ctx.ranges.set_next_number(tenant.id, numbering.id, 101)
