"""Documento equivalente electrónico POS (20) and its adjustment notes: crédito (94), débito (93).

Facts (Res. 000165/2023, Anexo de documento equivalente 1.0, and its official samples as quoted
by public implementations): the POS is a UBL ``Invoice`` with ProfileID "DIAN 2.1: Documento
Equivalente POS", CustomizationID 10, InvoiceTypeCode 20, numbered under a resolution
(``sts:InvoiceControl``), with a **CUDE** (software PIN) and three extra extensions (DEPD11/21).
Its notes use CustomizationID 20 (the adjusted equivalent document is a POS ticket), cite the
POS CUDE and carry only ``sts:DianExtensions`` plus the signature; only the credit note names
the adjusted type (``DocumentTypeCode`` 20) in its reference.

File prefixes: ``ds`` for the equivalent document and ``ncs`` for its notes (Anexo DE §8.13.5
as quoted). Rule prefixes: DEA (20), NAA (94); NADB (93) is inferred from the rule id
``NADBD03`` and is unconfirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import msgspec
from lxml import etree

from core.api import (
    CHANNEL_EQUIVALENT,
    BuildContext,
    BuyerBenefits,
    DemoRange,
    Document,
    DocumentType,
    PointOfSale,
    Problem,
    RootOptions,
    Sample,
    SoftwareManufacturer,
    TenantView,
    build_credit_note,
    build_debit_note,
    build_invoice,
    hookimpl,
)
from core.sample_documents import FINAL_CONSUMER, sample_base, sample_correction
from core.totals import compute_totals
from core.ubl.point_of_sale import add_point_of_sale_extensions
from plugins.document_types.checks import check_period_without_reference, check_type_code

POS_TYPE_CODE = "20"
_SAMPLE_REGISTER = PointOfSale(
    plate_number="CAJA-01",
    location="Piso 1, local 3",
    cashier="Ana Pérez",
    cash_type="Caja registradora",
    sales_code="V-0001",
    subtotal=Decimal("0"),
    software_manufacturer=SoftwareManufacturer(
        owner_name="Equipo Pasarela",
        company_name="PASARELA DEMO S.A.S.",
        software_name="Pasarela",
    ),
    buyer_benefits=BuyerBenefits(code="222222222222", name="Consumidor Final"),
)
_NOTE_CUSTOMIZATION = {"20": "Nota de ajuste a documento equivalente P.O.S."}

_POS_OPTIONS = RootOptions(
    type_code=POS_TYPE_CODE,
    type_code_name="Factura tipo punto de venta POS",
    invoice_control=True,
    extra_extensions=add_point_of_sale_extensions,
)
_CREDIT_OPTIONS = RootOptions(
    type_code="94", reference_type_code=POS_TYPE_CODE, reference_scheme_name="CUDE-SHA384"
)
_DEBIT_OPTIONS = RootOptions(reference_scheme_name="CUDE-SHA384")


def build_pos(ctx: BuildContext) -> etree._Element:
    return build_invoice(ctx, _POS_OPTIONS)


def sample_pos(kind: DocumentType, lines: int) -> Document:
    """A sale at a register to the final consumer; the POS block states its subtotal."""
    document = sample_base(kind, lines, customer=FINAL_CONSUMER, point_of_sale=_SAMPLE_REGISTER)
    subtotal = compute_totals(document).monetary.line_extension
    return msgspec.structs.replace(
        document, point_of_sale=msgspec.structs.replace(_SAMPLE_REGISTER, subtotal=subtotal)
    )


def sample_note(kind: DocumentType, lines: int) -> Document:
    fields = sample_correction(
        kind, corrects=POS_TYPE_CODE, number="EPOS1", scheme_name="CUDE-SHA384"
    )
    return sample_base(kind, lines, **fields)


def validate_pos(document: Document, tenant: TenantView) -> Sequence[Problem]:
    problems = check_type_code(document, POS)
    if document.point_of_sale is None:
        problems.append(
            Problem(
                path="point_of_sale",
                rule="DEPD11",
                message=(
                    "El documento equivalente POS requiere la información de la caja, del "
                    "fabricante del software y de beneficios del comprador."
                ),
            )
        )
    return problems


def build_credit(ctx: BuildContext) -> etree._Element:
    return build_credit_note(ctx, _CREDIT_OPTIONS)


def validate_credit(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return [
        *check_type_code(document, POS_CREDIT),
        *check_period_without_reference(document, POS_CREDIT),
    ]


def build_debit(ctx: BuildContext) -> etree._Element:
    return build_debit_note(ctx, _DEBIT_OPTIONS)


def validate_debit(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return [
        *check_type_code(document, POS_DEBIT),
        *check_period_without_reference(document, POS_DEBIT),
    ]


POS = DocumentType(
    code=POS_TYPE_CODE,
    title="Documento equivalente electrónico POS",
    ubl_root="Invoice",
    profile_id="DIAN 2.1: Documento Equivalente POS",
    unique_code="CUDE",
    file_prefix="ds",
    rule_prefix="DEA",
    customization_ids={"10": "Estándar"},
    build=build_pos,
    validate=validate_pos,
    permission="facturas",
    authorized_numbering=True,
    demo_range=DemoRange(prefix="POS", from_number=1, to_number=99999999),
    sample=Sample(
        numbering=DemoRange(
            prefix="EPOS", from_number=1, to_number=5000000, resolution_number="18760000002"
        ),
        build=sample_pos,
    ),
    software_channel=CHANNEL_EQUIVALENT,
)

POS_CREDIT = DocumentType(
    code="94",
    title="Nota de ajuste crédito al documento equivalente",
    ubl_root="CreditNote",
    profile_id="DIAN 2.1: Nota de ajuste crédito al documento equivalente",
    unique_code="CUDE",
    file_prefix="ncs",
    rule_prefix="NAA",
    customization_ids=_NOTE_CUSTOMIZATION,
    build=build_credit,
    validate=validate_credit,
    requires_reference=frozenset({"20"}),
    permission="notas_credito",
    demo_range=DemoRange(prefix="NCP", from_number=1, to_number=99999999),
    sample=Sample(
        numbering=DemoRange(prefix="NCP", from_number=1, to_number=99999999, resolution_number="0"),
        build=sample_note,
    ),
    software_channel=CHANNEL_EQUIVALENT,
)

POS_DEBIT = DocumentType(
    code="93",
    title="Nota de ajuste débito al documento equivalente",
    ubl_root="DebitNote",
    profile_id="DIAN 2.1: Nota de ajuste débito al documento equivalente",
    unique_code="CUDE",
    file_prefix="ncs",
    rule_prefix="NADB",
    customization_ids=_NOTE_CUSTOMIZATION,
    build=build_debit,
    validate=validate_debit,
    requires_reference=frozenset({"20"}),
    permission="notas_debito",
    demo_range=DemoRange(prefix="NDP", from_number=1, to_number=99999999),
    sample=Sample(
        numbering=DemoRange(prefix="NDP", from_number=1, to_number=99999999, resolution_number="0"),
        build=sample_note,
    ),
    software_channel=CHANNEL_EQUIVALENT,
)


@hookimpl
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(POS)
    register(POS_CREDIT)
    register(POS_DEBIT)
