"""The AttachedDocument's life on both backends: built as the document is accepted and stored
in the transaction that records the acceptance; a job builds it when that could not be done,
and two builders at once hand out the same one."""

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
from core.follow_ups import AcceptedColumns
from core.model import Document, DocumentStatus, Line, Party, Tax
from core.representation.attachments import ATTACHED_JOB
from core.settings import Settings
from core.signing.xades import verify_xades
from core.storage.documents import StoredDocument
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


async def test_the_acceptance_stores_the_attached_document_with_it(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    await ctx.worker.stop()
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    assert record.status == DocumentStatus.ACCEPTED
    assert await attached_jobs(ctx) == []  # nothing left for later
    stored = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert stored.attached_document is not None and stored.attached_at is not None
    xml = stored.attached_document.encode("utf-8")
    verify_xades(xml)
    root = parse_xml(xml)
    assert root.findtext(f"{CBC}UUID") == record.unique_code
    answer = parse_xml((stored.application_response or "").encode("utf-8"))
    assert root.findtext(f".//{CBC}ValidationDate") == answer.findtext(f"{CBC}IssueDate")

    built = await ctx.attachments.for_issued(record)  # what APIDIAN's answer carries
    assert built is not None
    name, handed_out = built
    assert name.startswith(f"ad{tenant.nit:0>10}000") and name.endswith(".xml")
    assert handed_out == xml
    assert await ctx.attachments.attached_document(tenant.id, record.uuid) == (name, xml)


async def test_what_an_acceptance_cannot_build_is_left_to_a_job(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    """A follow-up that cannot be built as the document is accepted gets its job stored in
    the acceptance's transaction; what the others built is stored there too."""
    await ctx.worker.stop()
    seen: list[StoredDocument] = []

    async def cannot_now(accepted: StoredDocument) -> None:
        seen.append(accepted)
        return None

    async def reference(accepted: StoredDocument) -> dict[str, str]:
        return {"reference": f"aceptado-{accepted.number}"}

    ctx.documents.accepted_columns.append(AcceptedColumns("test.later", cannot_now))
    ctx.documents.accepted_columns.append(AcceptedColumns("test.never", reference))
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    assert record.status == DocumentStatus.ACCEPTED
    [accepted] = seen  # as accepted: the answer and the moment the row records
    stored = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert accepted.status == DocumentStatus.ACCEPTED
    assert accepted.application_response == stored.application_response
    assert accepted.updated_at == stored.updated_at
    assert stored.reference == f"aceptado-{record.number}"
    kinds = await ctx.database.all(select(JobRow.kind, JobRow.payload))
    assert [(kind, payload) for kind, payload in kinds if kind.startswith("test.")] == [
        ("test.later", {"tenant_id": tenant.id, "uuid": record.uuid})
    ]


async def test_the_job_builds_one_missing_and_leaves_a_built_one_as_it_is(
    ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    """A document accepted without one (before the column existed, or its building failed
    at the acceptance) gets it from the job; a repeated run changes nothing."""
    await ctx.worker.stop()
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, INVOICE, dialect="test")
    await ctx.documents.documents.update(record.uuid, attached_document=None, attached_at=None)
    payload = {"tenant_id": tenant.id, "uuid": record.uuid}
    await ctx.jobs.enqueue(ATTACHED_JOB, payload)
    assert await ctx.worker.sweep() == 1
    stored = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert stored.attached_document is not None
    verify_xades(stored.attached_document.encode("utf-8"))

    await ctx.jobs.enqueue(ATTACHED_JOB, payload)
    assert await ctx.worker.sweep() == 1
    assert await attached_jobs(ctx) == []
    after = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert (after.attached_document, after.attached_at) == (
        stored.attached_document,
        stored.attached_at,
    )


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
    await ctx.documents.documents.update(record.uuid, attached_document=None, attached_at=None)
    first, second = await asyncio.gather(
        ctx.attachments.attached_document(tenant.id, record.uuid),
        ctx.attachments.attached_document(tenant.id, record.uuid),
    )
    assert first == second
    stored = await ctx.documents.documents.get(tenant.id, record.uuid)
    assert stored.attached_document == first[1].decode("utf-8")
    verify_xades(first[1])
