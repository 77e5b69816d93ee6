"""Factura electrónica de venta (01): UBL ``Invoice`` with CUFE (technical key of the range)."""

from __future__ import annotations

import datetime as dt
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
    build_invoice,
    hookimpl,
)
from core.sample_documents import SAMPLE_ISSUED_AT, sample_base
from plugins.document_types.checks import check_type_code

_OPTIONS = RootOptions(type_code="01", invoice_control=True)
# DIAN's public test range for own software (habilitación), with its technical key
_TEST_RANGE = DemoRange(
    prefix="SETP",
    from_number=990000000,
    to_number=995000000,
    technical_key="fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
)


def build(ctx: BuildContext) -> etree._Element:
    return build_invoice(ctx, _OPTIONS)


def sample(kind: DocumentType, lines: int) -> Document:
    return sample_base(kind, lines, due_date=SAMPLE_ISSUED_AT.date() + dt.timedelta(days=30))


def validate(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return check_type_code(document, FACTURA)


FACTURA = DocumentType(
    code="01",
    title="Factura electrónica de venta",
    ubl_root="Invoice",
    profile_id="DIAN 2.1: Factura Electrónica de Venta",
    unique_code="CUFE",
    file_prefix="fv",
    rule_prefix="FA",
    customization_ids={"10": "Estándar", "09": "AIU", "11": "Mandatos"},
    build=build,
    validate=validate,
    permission="facturas",
    authorized_numbering=True,
    demo_range=_TEST_RANGE,
    sample=Sample(numbering=_TEST_RANGE, build=sample),
)


@hookimpl
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(FACTURA)
