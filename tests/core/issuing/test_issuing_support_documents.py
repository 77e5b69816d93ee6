"""A tenant issues a support document (05) and its adjustment note (95) through the issuing
service, the in-process simulator and the representation: the tenant is the buyer, the CUDS is
coded with its support-document software, and nothing is numbered when pre-flight refuses."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from core.clock import now_bogota
from core.contracts import CHANNEL_SUPPORT
from core.errors import ValidationFailed
from core.model import (
    Address,
    BillingReference,
    Discrepancy,
    Document,
    DocumentStatus,
    Line,
    Party,
    PurchasePeriod,
    Tax,
)
from core.signing.xades import verify_xades
from core.ubl.namespaces import XPATH_NS
from core.ubl.unique_codes import compute_unique_code
from core.xml_parsing import parse_xml

SELLER = Party(
    organization_type="2",
    id_type="13",
    id_number="79123456",
    name="PEDRO CAMPESINO",
    tax_level_codes=("R-99-PN",),
    address=Address(municipality_code="25175", line="Vereda Fagua"),
)
FOREIGN_SELLER = Party(
    organization_type="2",
    id_type="42",
    id_number="X9876543",
    name="JOHN SMITH",
    tax_level_codes=("R-99-PN",),
    address=Address(
        city_name="Miami", line="100 Ocean Drive", country_code="US", country_name="Estados Unidos"
    ),
)
COMPANY_ID = "cac:Party/cac:PartyTaxScheme/cbc:CompanyID"


def support(**changes: object) -> Document:
    document = Document(
        type_code="05",
        operation_type="10",
        customer=SELLER,  # the seller travels as the counterparty (soporte.py)
        lines=(
            Line(
                description="Cosecha de mora",
                quantity=Decimal("10"),
                unit_price=Decimal("4000"),
            ),
            Line(
                description="Transporte de la cosecha",
                quantity=Decimal("1"),
                unit_price=Decimal("20000"),
                taxes=(Tax(scheme="01", percent=Decimal("19")),),
                purchase_period=PurchasePeriod(purchase_date=_today(), transmission_code="2"),
            ),
        ),
    )
    return msgspec.structs.replace(document, **changes)


async def test_support_document_and_adjustment_note_are_accepted(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(tenant, support(), dialect="test")

    assert record.status == DocumentStatus.ACCEPTED, record.dian_errors
    assert record.payable == Decimal("63800.00")
    assert record.customer_id == SELLER.id_number  # listings name the seller
    xml = await ctx.documents.signed_xml(tenant.id, record.uuid)
    root = parse_xml(xml)
    supplier = root.find("cac:AccountingSupplierParty", XPATH_NS)
    customer = root.find("cac:AccountingCustomerParty", XPATH_NS)
    assert supplier.findtext(COMPANY_ID, namespaces=XPATH_NS) == SELLER.id_number
    assert customer.findtext(COMPANY_ID, namespaces=XPATH_NS) == tenant.nit
    pin = tenant.software[CHANNEL_SUPPORT].pin
    assert compute_unique_code(root, pin)[0] == record.unique_code
    assert [
        p.findtext("cbc:DescriptionCode", namespaces=XPATH_NS)
        for p in root.iterfind("cac:InvoiceLine/cac:InvoicePeriod", XPATH_NS)
    ] == ["1", "2"]

    # the AttachedDocument is sent by the buying tenant to the seller
    name, attached = await ctx.attachments.attached_document(tenant.id, record.uuid)
    verify_xades(attached)
    container = parse_xml(attached)
    tax_id = "cac:PartyTaxScheme/cbc:CompanyID"
    assert container.findtext(f"cac:SenderParty/{tax_id}", namespaces=XPATH_NS) == tenant.nit
    assert (
        container.findtext(f"cac:ReceiverParty/{tax_id}", namespaces=XPATH_NS) == SELLER.id_number
    )
    pdf_name, pdf = await ctx.pdfs.pdf(tenant.id, record.uuid)
    assert pdf.startswith(b"%PDF") and record.full_number in pdf_name

    note = support(
        type_code="95",
        billing_reference=BillingReference(
            number=record.full_number,
            uuid=record.unique_code,
            issue_date=record.issue_datetime.date(),
            scheme_name="CUDS-SHA384",
            type_code="05",
        ),
        discrepancy=Discrepancy(code="1", description="Devolución de parte de la cosecha"),
    )
    adjusted = await ctx.documents.issue(tenant, note, dialect="test")
    assert adjusted.status == DocumentStatus.ACCEPTED, adjusted.dian_errors
    note_root = parse_xml(await ctx.documents.signed_xml(tenant.id, adjusted.uuid))
    reference = note_root.find("cac:BillingReference/cac:InvoiceDocumentReference", XPATH_NS)
    assert reference.findtext("cbc:UUID", namespaces=XPATH_NS) == record.unique_code


async def test_a_non_resident_seller_is_operation_11(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    record = await ctx.documents.issue(
        tenant, support(operation_type="11", customer=FOREIGN_SELLER), dialect="test"
    )
    assert record.status == DocumentStatus.ACCEPTED, record.dian_errors

    with pytest.raises(ValidationFailed) as refused:
        await ctx.documents.issue(tenant, support(customer=FOREIGN_SELLER), dialect="test")
    assert [(p.rule, p.path) for p in refused.value.problems] == [
        ("DSAJ10", "customer.address.country_code")
    ]


async def test_buying_from_itself_is_refused_before_a_number_is_spent(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    before = await ctx.ranges.list_ranges(tenant.id)
    with pytest.raises(ValidationFailed) as refused:
        await ctx.documents.issue(tenant, support(customer=tenant.party), dialect="test")
    [problem] = refused.value.problems
    assert (problem.rule, problem.path) == ("DSAJ01", "customer.id_number")
    assert "no puede ser la misma empresa que emite el documento" in problem.message
    assert await ctx.ranges.list_ranges(tenant.id) == before
    assert (await ctx.documents.list(tenant.id))[1] == 0


async def test_adjustment_note_rules_before_sending(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    unreferenced = support(
        type_code="95", discrepancy=Discrepancy(code="6", description="Descuento por volumen")
    )
    with pytest.raises(ValidationFailed) as refused:
        await ctx.documents.issue(tenant, unreferenced, dialect="test")
    assert [p.rule for p in refused.value.problems] == ["CBG02", "PAS-N02"]  # each once

    odd_transmission = support(
        lines=(
            Line(
                description="Cosecha",
                quantity=Decimal("1"),
                unit_price=Decimal("1000"),
                purchase_period=PurchasePeriod(purchase_date=_today(), transmission_code="3"),
            ),
        )
    )
    with pytest.raises(ValidationFailed) as refused:
        await ctx.documents.issue(tenant, odd_transmission, dialect="test")
    assert [(p.rule, p.path) for p in refused.value.problems] == [
        ("DSAV10", "lines[0].purchase_period.transmission_code")
    ]


def _today():
    return now_bogota().date()
