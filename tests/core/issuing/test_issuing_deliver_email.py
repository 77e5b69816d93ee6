"""The issuing option ``deliver_email`` against the tenant's ``deliver_by_default``: an explicit
``False`` stores no e-mail job even when the tenant delivers by default, an explicit ``True``
stores one (in the acceptance's transaction) even when it does not."""

from __future__ import annotations

import msgspec
from sqlalchemy import select

from core.model import Contact
from core.storage.tables import JobRow
from core.testing import free_port
from tests.core.issuing.test_issuing_service import CUSTOMER, invoice

WITH_ADDRESS = msgspec.structs.replace(CUSTOMER, contact=Contact(email="compras@cliente.co"))


async def configure(ctx, tenant_id: int, *, by_default: bool) -> None:
    await ctx.smtp.configure(
        tenant_id,
        host="127.0.0.1",
        port=free_port(),  # nothing listens: a requested e-mail stays pending
        security="none",
        user=None,
        password=None,
        from_address="facturacion@empresa-demo.co",
        deliver_by_default=by_default,
    )


async def email_jobs(ctx) -> int:
    return len(await ctx.database.all(select(JobRow).where(JobRow.kind == "delivery.email")))


async def test_false_overrides_the_tenant_default(ctx, demo_tenant) -> None:
    await configure(ctx, demo_tenant.tenant.id, by_default=True)
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(
        tenant, invoice(customer=WITH_ADDRESS), dialect="test", deliver_email=False
    )
    assert record.status == "aceptado"
    assert (await ctx.deliveries.status(tenant.id, record.uuid)).status is None
    assert await email_jobs(ctx) == 0


async def test_true_asks_for_it_without_a_tenant_default(ctx, demo_tenant) -> None:
    await configure(ctx, demo_tenant.tenant.id, by_default=False)
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(
        tenant, invoice(customer=WITH_ADDRESS), dialect="test", deliver_email=True
    )
    assert record.status == "aceptado"
    assert (await ctx.deliveries.status(tenant.id, record.uuid)).status == "pendiente"
    assert await email_jobs(ctx) == 1
