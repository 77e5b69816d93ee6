"""Nota crédito (91): UBL ``CreditNote`` with CUDE (software PIN); 20 references an invoice,
22 has no reference and carries the corrected period."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml import etree

from core.api import (
    BuildContext,
    DemoRange,
    Document,
    DocumentType,
    Problem,
    RootOptions,
    Sample,
    TenantView,
    build_credit_note,
    hookimpl,
)
from core.sample_documents import sample_base, sample_correction
from plugins.document_types.checks import check_period_without_reference, check_type_code

_OPTIONS = RootOptions(type_code="91")


def build(ctx: BuildContext) -> etree._Element:
    return build_credit_note(ctx, _OPTIONS)


def sample(kind: DocumentType, lines: int) -> Document:
    fields = sample_correction(
        kind, corrects="01", number="SETP990000001", scheme_name="CUFE-SHA384"
    )
    return sample_base(kind, lines, **fields)


def validate(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return [
        *check_type_code(document, NOTA_CREDITO),
        *check_period_without_reference(document, NOTA_CREDITO),
    ]


NOTA_CREDITO = DocumentType(
    code="91",
    title="Nota crédito electrónica",
    ubl_root="CreditNote",
    profile_id="DIAN 2.1: Nota Crédito de Factura Electrónica de Venta",
    unique_code="CUDE",
    file_prefix="nc",
    rule_prefix="CA",
    customization_ids={
        "20": "Nota Crédito que referencia una factura electrónica",
        "22": "Nota Crédito sin referencia a facturas",
    },
    build=build,
    validate=validate,
    requires_reference=frozenset({"20"}),
    permission="notas_credito",
    demo_range=DemoRange(prefix="NC", from_number=1, to_number=99999999),
    sample=Sample(
        numbering=DemoRange(prefix="NC", from_number=1, to_number=99999999, resolution_number="0"),
        build=sample,
    ),
)


@hookimpl
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(NOTA_CREDITO)
