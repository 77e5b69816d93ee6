"""The issuing service end to end: canonical document → number → sign → in-process simulator."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from lxml import etree

from core.contracts import CHANNEL_INVOICES
from core.errors import PermissionDenied, SoftwareNotRegistered, ValidationFailed
from core.model import BillingReference, Discrepancy, Document, Line, Party, Tax
from core.sample_documents import sample_document

CUSTOMER = Party(
    organization_type="2",
    id_type="13",
    id_number="71234567",
    name="JUAN PEREZ",
    tax_level_codes=("R-99-PN",),
)


def invoice(**changes: object) -> Document:
    document = Document(
        type_code="01",
        operation_type="10",
        customer=CUSTOMER,
        lines=(
            Line(
                code="P1",
                description="Producto 1",
                quantity=Decimal("2"),
                unit_price=Decimal("50000"),
                taxes=(Tax(scheme="01", percent=Decimal("19")),),
            ),
        ),
    )
    return msgspec.structs.replace(document, **changes)


async def test_invoice_is_numbered_signed_sent_and_accepted(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, invoice(), dialect="test")

    assert record.status == "aceptado", record.dian_errors
    assert record.dian_status_code == "00"
    assert record.prefix == "SETP" and record.number == 990000000
    assert record.line_extension == Decimal("100000.00")
    assert record.taxes == {"01": Decimal("19000.00")}
    assert record.payable == Decimal("119000.00")
    assert len(record.unique_code) == 96

    xml = await ctx.documents.signed_xml(tenant.id, record.uuid)
    root = etree.fromstring(xml)
    uuid_text = root.findtext(
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}UUID"
    )
    assert uuid_text == record.unique_code

    second = await ctx.documents.issue(tenant, invoice(), dialect="test")
    assert second.number == record.number + 1


async def test_credit_note_references_the_invoice(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    issued = await ctx.documents.issue(tenant, invoice(), dialect="test")
    note = invoice(
        type_code="91",
        operation_type="20",
        billing_reference=BillingReference(
            number=issued.full_number,
            uuid=issued.unique_code,
            issue_date=issued.issue_datetime.date(),
        ),
        discrepancy=Discrepancy(code="2", description="Anulación"),
    )
    record = await ctx.documents.issue(tenant, note, dialect="test")
    assert record.status == "aceptado", record.dian_errors
    assert record.prefix == "NC"


async def test_credit_note_for_an_invoice_dian_never_saw_is_rejected(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    note = invoice(
        type_code="91",
        operation_type="20",
        billing_reference=BillingReference(
            number="SETP990009999", uuid="a" * 96, issue_date=invoice().issue_date or _today()
        ),
        discrepancy=Discrepancy(code="2", description="Anulación"),
    )
    record = await ctx.documents.issue(tenant, note, dialect="test")
    assert record.status == "rechazado"
    assert any("CBG04a" in e for e in record.dian_errors), record.dian_errors


async def test_permission_and_preflight_stop_before_a_number_is_spent(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    await ctx.tenants.update_tenant(tenant.id, permissions={"notas_credito": False})
    limited = await ctx.tenants.tenant_view(tenant.id)
    note = invoice(type_code="91", operation_type="22")
    with pytest.raises(PermissionDenied) as denied:
        await ctx.documents.issue(limited, note, dialect="test")
    assert denied.value.permission == "notas_credito"

    bad = invoice(lines=())
    with pytest.raises(ValidationFailed):
        await ctx.documents.issue(tenant, bad, dialect="test")
    good = await ctx.documents.issue(tenant, invoice(), dialect="test")
    assert good.number == 990000000


async def test_a_kind_whose_channel_has_no_software_spends_no_number(ctx, demo_tenant) -> None:
    """POS documents go through the equivalent-documents channel: a tenant that registered
    only its invoicing software gets a clear refusal, and no POS number is spent."""
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    only_invoices = msgspec.structs.replace(
        tenant, software={CHANNEL_INVOICES: tenant.software[CHANNEL_INVOICES]}
    )
    pos = sample_document("20")
    before = await ctx.ranges.list_ranges(tenant.id)
    with pytest.raises(SoftwareNotRegistered) as missing:
        await ctx.documents.issue(only_invoices, pos, dialect="test")
    assert missing.value.channel == "documento_equivalente"
    assert "documento_equivalente" in str(missing.value)
    assert await ctx.ranges.list_ranges(tenant.id) == before
    assert (await ctx.documents.list(tenant.id))[1] == 0


def _today():
    from core.clock import now_bogota

    return now_bogota().date()
