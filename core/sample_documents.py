"""Sample canonical documents and a demo-like tenant: the parts every kind's sample shares.

Each document kind declares its own sample (``DocumentType.sample``: its range and how to
build it from the parts here). ``pasarela bench pipeline`` issues them in memory and the
golden-file tests freeze them, so the data is fixed: the public habilitación test range (SETP
990000000–995000000 with its well-known technical key) and plausible Colombian parties.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import msgspec

from core.clock import BOGOTA
from core.contracts import (
    CHANNEL_EQUIVALENT,
    CHANNEL_INVOICES,
    CHANNEL_SUPPORT,
    DocumentType,
    Sample,
)
from core.model import (
    Address,
    BillingReference,
    Contact,
    Discrepancy,
    Document,
    Line,
    NumberingRange,
    Party,
    Payment,
    Period,
    Software,
    StandardItemId,
    Tax,
    TenantView,
)
from core.plugins import build_registry, get_plugin_manager

# Public habilitación range used across the ecosystem (research §1.1).
TEST_TECHNICAL_KEY = "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c"
SAMPLE_NIT = "900373076"
SAMPLE_DV = "4"
SAMPLE_ISSUED_AT = dt.datetime(2026, 11, 20, 10, 30, 0, tzinfo=BOGOTA)

SUPPLIER = Party(
    organization_type="1",
    id_type="31",
    id_number=SAMPLE_NIT,
    dv=SAMPLE_DV,
    name="PASARELA DEMO S.A.S.",
    trade_name="Pasarela Demo",
    tax_level_codes=("O-13", "O-15"),
    tax_scheme="01",
    address=Address(municipality_code="11001", line="Calle 26 # 69-76", postal_zone="111071"),
    contact=Contact(name="Facturación", telephone="6015551234", email="facturacion@demo.co"),
    industry_code="6201",
    commercial_registration="01234567",
)

CUSTOMER = Party(
    organization_type="1",
    id_type="31",
    id_number="800199436",
    dv="4",
    name="CLIENTE EJEMPLO LTDA",
    tax_level_codes=("O-47",),
    tax_scheme="01",
    address=Address(municipality_code="05001", line="Carrera 43A # 1-50"),
    contact=Contact(email="compras@cliente.co"),
)

FINAL_CONSUMER = Party(
    organization_type="2",
    id_type="13",
    id_number="222222222222",
    name="Consumidor Final",
    tax_level_codes=("R-99-PN",),
    tax_scheme="ZZ",
)

# The invoice a sample note corrects: its CUFE/CUDE and date.
SAMPLE_REFERENCE_CODE = (
    "8bb918b19ba22a694f1da11c643b5e9de39adf60311cf179"
    "179e9b33381030bcd4c3c3f156c506ed5908f9276f5bd9b4"
)
SAMPLE_REFERENCE_DATE = dt.date(2026, 11, 19)
SAMPLE_RANGE_VALIDITY = (dt.date(2019, 1, 19), dt.date(2030, 1, 19))
_SOFTWARE = Software(
    id="56f2ae4e-9812-4fad-9255-08fcfcd5ccb0",
    pin="12345",
    provider_nit=SAMPLE_NIT,
    provider_dv=SAMPLE_DV,
    test_set_id="1b9f4c2e-0000-4000-8000-00000000test",
)


def sample_tenant() -> TenantView:
    """A habilitación tenant with its own software (software propio)."""
    return TenantView(
        id=1,
        uuid="00000000-0000-4000-8000-000000000001",
        nit=SAMPLE_NIT,
        dv=SAMPLE_DV,
        party=SUPPLIER,
        environment="habilitacion",
        # one software serves every channel here, so the samples stay what they were
        software=dict.fromkeys((CHANNEL_INVOICES, CHANNEL_EQUIVALENT, CHANNEL_SUPPORT), _SOFTWARE),
    )


def sample_numbering_range(kind: DocumentType | str) -> NumberingRange:
    """The range a kind's sample is numbered in (``kind`` may be an installed kind's code)."""
    kind = _kind(kind)
    numbering = _sample_of(kind).numbering
    valid_from, valid_to = SAMPLE_RANGE_VALIDITY
    return NumberingRange(
        id=int(kind.code) if kind.code.isdigit() else 0,
        document_type=kind.range_type,
        environment="habilitacion",
        resolution_number=numbering.resolution_number,
        resolution_date=valid_from,
        prefix=numbering.prefix,
        from_number=numbering.from_number,
        to_number=numbering.to_number,
        valid_from=valid_from,
        valid_to=valid_to,
        technical_key=numbering.technical_key,
    )


def sample_lines(count: int) -> tuple[Line, ...]:
    """``count`` lines mixing IVA 19 %, IVA 5 %, INC 8 % and a percent discount."""
    lines = []
    for i in range(count):
        kind = i % 3
        taxes = (
            (Tax(scheme="01", percent=Decimal("19")),)
            if kind == 0
            else (Tax(scheme="01", percent=Decimal("5")),)
            if kind == 1
            else (Tax(scheme="04", percent=Decimal("8")),)
        )
        lines.append(
            Line(
                code=f"SKU-{i + 1:03d}",
                description=f"Producto de prueba {i + 1}",
                quantity=Decimal(i % 4 + 1),
                unit_code="94",
                unit_price=Decimal("12500.50") + Decimal(i * 1000),
                taxes=taxes,
                standard_item_id=StandardItemId(scheme_id="999", id=f"SKU-{i + 1:03d}"),
            )
        )
    return tuple(lines)


def sample_document(
    kind: DocumentType | str = "01", *, lines: int = 5, number: int | None = None
) -> Document:
    """A numbered, dated sample of a kind (``kind`` may be an installed kind's code); the
    tenant's party is left for the pipeline to place."""
    kind = _kind(kind)
    document = _sample_of(kind).build(kind, lines)
    if number is not None:
        document = msgspec.structs.replace(document, number=number)
    return document


def sample_base(kind: DocumentType, lines: int, **fields: Any) -> Document:
    """What every kind's sample shares (its first operation type, its sample range's first
    number, the sample moment, customer, lines, payment and note); ``fields`` add or replace."""
    numbering = _sample_of(kind).numbering
    values: dict[str, Any] = {
        "type_code": kind.code,
        "operation_type": next(iter(kind.customization_ids)),
        "prefix": numbering.prefix,
        "number": numbering.from_number,
        "issue_date": SAMPLE_ISSUED_AT.date(),
        "issue_time": SAMPLE_ISSUED_AT.timetz(),
        "customer": CUSTOMER,
        "lines": sample_lines(lines),
        "payment": Payment(form="1", means_code="10"),
        "notes": ("Documento de prueba",),
    }
    values.update(fields)
    return Document(**values)


def sample_correction(
    kind: DocumentType, *, corrects: str, number: str, scheme_name: str
) -> dict[str, Any]:
    """The fields of a sample note: the document it corrects and why (a credit note annuls
    the sale, a debit note changes its value)."""
    credit = kind.ubl_root == "CreditNote"
    return {
        "billing_reference": BillingReference(
            number=number,
            uuid=SAMPLE_REFERENCE_CODE,
            issue_date=SAMPLE_REFERENCE_DATE,
            scheme_name=scheme_name,
            type_code=corrects,
        ),
        "discrepancy": Discrepancy(
            code="2" if credit else "3",
            description="Anulación de la venta" if credit else "Cambio del valor",
        ),
    }


def installed_document_types() -> Mapping[str, DocumentType]:
    """The installed plugins' document kinds, by code (read once)."""
    return _installed()


@functools.cache
def _installed() -> Mapping[str, DocumentType]:
    return build_registry(get_plugin_manager()).document_types.as_mapping()


def _kind(kind: DocumentType | str) -> DocumentType:
    if isinstance(kind, str):
        return installed_document_types()[kind]
    return kind


def _sample_of(kind: DocumentType) -> Sample:
    if kind.sample is None:
        raise ValueError(f"document type {kind.code} declares no sample")
    return kind.sample


SAMPLE_PERIOD = Period(start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 30))
