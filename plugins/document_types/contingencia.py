"""Contingency invoices: 03 (instrumento electrónico de transmisión) and 04 (factura
electrónica de venta tipo 04), issued while DIAN cannot be reached.

Facts (Anexo Técnico 1.9 §6.1 InvoiceTypeCode list, GOSOCKET's CUFE/CUDE key choice as quoted in
research §1.1–1.2): both are UBL ``Invoice`` roots with the invoice's ProfileID and
``InvoiceTypeCode`` 03 / 04, numbered under a resolution of their own (the tenant's contingency
range for that kind, ``sts:InvoiceControl``). 03 is coded with a **CUDE** (software PIN; the
Anexo §11.4 vector is a type-03 CUDE) and may cite the paper (talonario) invoice it transmits
in ``cac:AdditionalDocumentReference``; 04 is coded with a **CUFE** (its range's technical key;
DIAN files 04 under the invoice family). Rule prefix FA for both, file prefix ``fv``.

How they travel (``core.contingency``): a 03 is tried at once and, while DIAN is unreachable,
stays "pendiente"; a 04 is stored signed and sent later. Either way the contingency job sends
it when DIAN answers again and never gives it up for transport trouble;
``ContingencyDeliveries.send_pending`` sends a tenant's pending ones on demand.

Pre-flight: ``PAS-D05`` a cited paper invoice (03) needs its number and date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from lxml import etree

from core.api import (
    AdditionalReference,
    BuildContext,
    DemoRange,
    Document,
    DocumentType,
    Problem,
    RootOptions,
    Sample,
    TenantView,
    build_invoice,
    hookimpl,
)
from core.sample_documents import SAMPLE_ISSUED_AT, TEST_TECHNICAL_KEY, sample_base
from plugins.document_types.checks import check_type_code

_PROFILE = "DIAN 2.1: Factura Electrónica de Venta"
_CUSTOMIZATION = {"10": "Estándar", "09": "AIU", "11": "Mandatos"}
_OPTIONS_03 = RootOptions(type_code="03", invoice_control=True)
_OPTIONS_04 = RootOptions(type_code="04", invoice_control=True)
_RANGE_03 = DemoRange(prefix="CONT", from_number=1, to_number=99999999)
_RANGE_04 = DemoRange(
    prefix="CTG", from_number=1, to_number=99999999, technical_key=TEST_TECHNICAL_KEY
)
_PAPER_INVOICE = AdditionalReference(
    id="TAL1001", issue_date=SAMPLE_ISSUED_AT.date(), type_code="01"
)


def build_03(ctx: BuildContext) -> etree._Element:
    return build_invoice(ctx, _OPTIONS_03)


def build_04(ctx: BuildContext) -> etree._Element:
    return build_invoice(ctx, _OPTIONS_04)


def _due(document_date: dt.date) -> dt.date:
    return document_date + dt.timedelta(days=30)


def sample_03(kind: DocumentType, lines: int) -> Document:
    """A sale first written on the paper talonario TAL1001 while systems were down."""
    return sample_base(
        kind,
        lines,
        due_date=_due(SAMPLE_ISSUED_AT.date()),
        additional_references=(_PAPER_INVOICE,),
    )


def sample_04(kind: DocumentType, lines: int) -> Document:
    return sample_base(kind, lines, due_date=_due(SAMPLE_ISSUED_AT.date()))


def validate_03(document: Document, tenant: TenantView) -> Sequence[Problem]:
    problems = check_type_code(document, CONTINGENCIA_03)
    for index, reference in enumerate(document.additional_references):
        if not reference.id.strip() or reference.issue_date is None:
            problems.append(
                Problem(
                    path=f"additional_references[{index}]",
                    rule="PAS-D05",
                    message=(
                        "La factura de talonario que transmite la factura de contingencia debe "
                        "informar su número y su fecha de expedición."
                    ),
                )
            )
    return problems


def validate_04(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return check_type_code(document, CONTINGENCIA_04)


CONTINGENCIA_03 = DocumentType(
    code="03",
    title="Instrumento electrónico de transmisión - tipo 03 (contingencia)",
    ubl_root="Invoice",
    profile_id=_PROFILE,
    unique_code="CUDE",
    file_prefix="fv",
    rule_prefix="FA",
    customization_ids=_CUSTOMIZATION,
    build=build_03,
    validate=validate_03,
    permission="facturas",
    authorized_numbering=True,
    demo_range=_RANGE_03,
    sample=Sample(numbering=_RANGE_03, build=sample_03),
    contingency=True,
)

CONTINGENCIA_04 = DocumentType(
    code="04",
    title="Factura electrónica de venta - tipo 04 (contingencia)",
    ubl_root="Invoice",
    profile_id=_PROFILE,
    unique_code="CUFE",
    file_prefix="fv",
    rule_prefix="FA",
    customization_ids=_CUSTOMIZATION,
    build=build_04,
    validate=validate_04,
    permission="facturas",
    authorized_numbering=True,
    demo_range=_RANGE_04,
    sample=Sample(numbering=_RANGE_04, build=sample_04),
    contingency=True,
    deferred_sending=True,
)


@hookimpl
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(CONTINGENCIA_03)
    register(CONTINGENCIA_04)
