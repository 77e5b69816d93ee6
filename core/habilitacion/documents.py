"""The documents of a test set: each kind's sample made varied, so DIAN sees a real set
(different lines, quantities, prices, taxes, discounts and buyers), never one document
repeated. The tenant's own company data is placed by the pipeline, as for any document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from core.contracts import DocumentType
from core.model import AllowanceCharge, BillingReference, Document, Party
from core.sample_documents import CUSTOMER

# A second buyer, a natural person, for every other document.
PERSON = Party(
    organization_type="2",
    id_type="13",
    id_number="71234567",
    name="JUAN PEREZ",
    tax_level_codes=("R-99-PN",),
)


def set_document(
    kind: DocumentType,
    sequence: int,
    today: dt.date,
    reference: BillingReference | None = None,
) -> Document:
    """Document ``sequence`` (0-based) of ``kind`` in the set, issued ``today``, unnumbered
    (the tenant's range numbers it). A kind whose sample corrects another document refers to
    ``reference`` (a document of the set DIAN accepted)."""
    assert kind.sample is not None
    document = kind.sample.build(kind, 1 + sequence % 4)
    lines = []
    for position, line in enumerate(document.lines):
        discount = (
            (AllowanceCharge(percent=Decimal(5 + 5 * (sequence % 3)), reason="Descuento"),)
            if (sequence + position) % 2 == 0
            else ()
        )
        lines.append(
            msgspec.structs.replace(
                line,
                quantity=line.quantity + Decimal(sequence % 3),
                unit_price=line.unit_price + Decimal(750 * sequence),
                allowances_charges=discount,
            )
        )
    fields: dict[str, object] = {
        "prefix": None,
        "number": None,
        "issue_date": today,
        "issue_time": None,
        "lines": tuple(lines),
        "customer": CUSTOMER if sequence % 2 == 0 else PERSON,
        "notes": (f"Set de pruebas de habilitación: documento {sequence + 1}",),
    }
    if document.due_date is not None:
        fields["due_date"] = today + dt.timedelta(days=15 * (1 + sequence % 4))
    if document.billing_reference is not None and reference is not None:
        fields["billing_reference"] = reference
    return msgspec.structs.replace(document, **fields)
