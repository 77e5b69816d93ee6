"""Fixed examples of the support document (05) and its adjustment note (95): a resident
natural person who is not obliged to invoice sells to the sample tenant.

Following the dialect contract of ``plugins.document_types.soporte``, the seller travels in
``customer`` and the pipeline puts the tenant there once it has moved the seller to
``supplier``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from core.api import (
    Address,
    BillingReference,
    Contact,
    Discrepancy,
    Document,
    DocumentType,
    Line,
    Party,
    PurchasePeriod,
    StandardItemId,
    Tax,
    Withholding,
)
from core.sample_documents import SAMPLE_ISSUED_AT, sample_base

RESIDENT_SELLER = Party(
    organization_type="2",
    id_type="13",
    id_number="1018419008",
    name="MARÍA FERNANDA GÓMEZ RUIZ",
    tax_level_codes=("R-99-PN",),
    tax_scheme="ZZ",
    address=Address(municipality_code="25175", line="Vereda El Rosal, finca La Esperanza"),
    contact=Contact(telephone="3105551234", email="mfgomez@correo.co"),
)

# The support document the sample note adjusts: its number, CUDS (research §1.5) and date.
SAMPLE_SUPPORT_NUMBER = "SEDS984000000"
SAMPLE_SUPPORT_CUDS = (
    "22c568404f1950d2ba3276a7ccfbb34e499cbd128f0ae3be"
    "1f7c3aad6cf6fc65f7b065730b32cbc5582e88b43cc03582"
)
SAMPLE_SUPPORT_DATE = dt.date(2026, 11, 19)
_BOUGHT_ON = SAMPLE_ISSUED_AT.date() - dt.timedelta(days=1)


def support_lines(count: int, *, withholdings: bool) -> tuple[Line, ...]:
    """``count`` purchases: farm produce excluded from IVA and services at IVA 19 %; the
    first line keeps the default period (bought on the issue date), the others state theirs;
    with ``withholdings`` every service line bears ReteRenta 3.5 %."""
    lines = []
    for i in range(count):
        service = i % 2 == 1
        lines.append(
            Line(
                code=f"COMPRA-{i + 1:03d}",
                description=(
                    f"Servicio de transporte rural {i + 1}"
                    if service
                    else f"Bulto de papa pastusa {i + 1}"
                ),
                quantity=Decimal(i % 3 + 1),
                unit_code="94",
                unit_price=Decimal("85000") + Decimal(i * 2500),
                taxes=(Tax(scheme="01", percent=Decimal("19")),) if service else (),
                withholdings=(
                    (Withholding(scheme="06", percent=Decimal("3.5")),)
                    if service and withholdings
                    else ()
                ),
                standard_item_id=StandardItemId(scheme_id="999", id=f"COMPRA-{i + 1:03d}"),
                purchase_period=(None if i == 0 else PurchasePeriod(purchase_date=_BOUGHT_ON)),
            )
        )
    return tuple(lines)


def sample_support(kind: DocumentType, lines: int) -> Document:
    document = sample_base(
        kind,
        lines,
        customer=RESIDENT_SELLER,
        notes=("Compra a proveedor no obligado a facturar",),
    )
    return msgspec.structs.replace(document, lines=support_lines(lines, withholdings=True))


def sample_adjustment(kind: DocumentType, lines: int) -> Document:
    document = sample_base(
        kind,
        lines,
        customer=RESIDENT_SELLER,
        notes=("Ajuste por devolución",),
        billing_reference=BillingReference(
            number=SAMPLE_SUPPORT_NUMBER,
            uuid=SAMPLE_SUPPORT_CUDS,
            issue_date=SAMPLE_SUPPORT_DATE,
            scheme_name="CUDS-SHA384",
            type_code="05",
        ),
        discrepancy=Discrepancy(code="2", description="Anulación del documento soporte"),
    )
    return msgspec.structs.replace(document, lines=support_lines(lines, withholdings=False))
