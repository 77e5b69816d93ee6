"""Nota débito (92): UBL ``DebitNote`` with CUDE; no type-code element, totals in
``cac:RequestedMonetaryTotal``; 30 references an invoice, 32 has no reference."""

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
    build_debit_note,
    hookimpl,
)
from core.sample_documents import sample_base, sample_correction
from plugins.document_types.checks import check_period_without_reference, check_type_code

_OPTIONS = RootOptions()


def build(ctx: BuildContext) -> etree._Element:
    return build_debit_note(ctx, _OPTIONS)


def sample(kind: DocumentType, lines: int) -> Document:
    fields = sample_correction(
        kind, corrects="01", number="SETP990000001", scheme_name="CUFE-SHA384"
    )
    return sample_base(kind, lines, **fields)


def validate(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return [
        *check_type_code(document, NOTA_DEBITO),
        *check_period_without_reference(document, NOTA_DEBITO),
    ]


NOTA_DEBITO = DocumentType(
    code="92",
    title="Nota débito electrónica",
    ubl_root="DebitNote",
    profile_id="DIAN 2.1: Nota Débito de Factura Electrónica de Venta",
    unique_code="CUDE",
    file_prefix="nd",
    rule_prefix="DA",
    customization_ids={
        "30": "Nota Débito que referencia una factura electrónica",
        "32": "Nota Débito sin referencia a facturas",
    },
    build=build,
    validate=validate,
    requires_reference=frozenset({"30"}),
    permission="notas_debito",
    demo_range=DemoRange(prefix="ND", from_number=1, to_number=99999999),
    sample=Sample(
        numbering=DemoRange(prefix="ND", from_number=1, to_number=99999999, resolution_number="0"),
        build=sample,
    ),
)


@hookimpl
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(NOTA_DEBITO)
