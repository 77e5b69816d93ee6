"""The AttachedDocument's life on both backends: its job is stored in the transaction that
records the acceptance, a dialect may build it inside the request, and the job then finds it
built and leaves it as it is."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import select

from core.api import NotFound, RepresentationUnavailable
from core.context import AppContext
from core.demo import DemoSetup
from core.model import Document, DocumentStatus, Line, Party, Tax
from core.settings import Settings
from core.signing.xades import verify_xades
from core.storage.tables import JobRow
from core.testing import make_test_settings
from core.xml_parsing import parse_xml

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
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The worker sweeps once at start and then waits a minute: jobs stay where the test
    can see them until it runs a sweep itself."""
    return make_test_settings(tmp_path, database_url=database_url, retry_interval_s=60)


async def attached_jobs(ctx: AppContext) -> list[JobRow]:
    return await ctx.database.all(select(JobRow).where(JobRow.kind == "representation.attached"))


async def test_acceptance_stores_the_job_and_a_dialect_may_build_it_in_the_request(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    await ctx.worker.stop()  # an acceptance wakes it: this test runs the sweep itself
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    assert record.status == DocumentStatus.ACCEPTED
    jobs = await attached_jobs(ctx)
    assert [(job.payload, job.status) for job in jobs] == [
        ({"tenant_id": tenant.id, "uuid": record.uuid}, "queued")
    ]

    built = await ctx.attachments.for_issued(record)  # what APIDIAN's answer will carry
    assert built is not None
    name, xml = built
    assert name.startswith(f"ad{tenant.nit:0>10}000") and name.endswith(".xml")
    verify_xades(xml)
    assert parse_xml(xml).findtext(f"{CBC}UUID") == record.unique_code
    stored = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert stored.attached_document == xml.decode("utf-8")

    assert await ctx.worker.sweep() == 1  # the job finds it built and ends
    assert await attached_jobs(ctx) == []
    after = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert (after.attached_document, after.attached_at) == (
        stored.attached_document,
        stored.attached_at,
    )
    assert await ctx.attachments.attached_document(tenant.id, record.uuid) == (name, xml)


async def test_no_attached_document_before_acceptance_nor_for_another_tenant(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    await ctx.documents.documents.update(record.uuid, status=DocumentStatus.PENDING)
    pending = msgspec.structs.replace(record, status=DocumentStatus.PENDING)
    assert await ctx.attachments.for_issued(pending) is None
    with pytest.raises(RepresentationUnavailable) as refused:
        await ctx.attachments.attached_document(tenant.id, record.uuid)
    assert refused.value.status == DocumentStatus.PENDING
    with pytest.raises(NotFound):
        await ctx.attachments.attached_document(tenant.id + 1, record.uuid)


async def test_two_builders_at_once_hand_out_the_first_one_stored(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    """The request of a dialect whose answer carries it and the job may build it at the same
    time (on PostgreSQL they interleave): both answer with the one the database kept."""
    await ctx.worker.stop()
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    first, second = await asyncio.gather(
        ctx.attachments.attached_document(tenant.id, record.uuid),
        ctx.attachments.attached_document(tenant.id, record.uuid),
    )
    assert first == second
    stored = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert stored.attached_document == first[1].decode("utf-8")
    verify_xades(first[1])
