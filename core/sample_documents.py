"""Sample canonical documents and a demo-like tenant, one per built-in document type.

``pasarela bench pipeline`` issues these in memory, and the golden-file tests freeze them, so
the data is fixed: the public habilitación test range (SETP 990000000–995000000 with its
well-known technical key) and plausible Colombian parties.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from core.clock import BOGOTA
from core.contracts import CHANNEL_EQUIVALENT, CHANNEL_INVOICES, CHANNEL_SUPPORT
from core.model import (
    Address,
    BillingReference,
    BuyerBenefits,
    Contact,
    Discrepancy,
    Document,
    Line,
    NumberingRange,
    Party,
    Payment,
    Period,
    PointOfSale,
    Software,
    SoftwareManufacturer,
    StandardItemId,
    Tax,
    TenantView,
)
from core.totals import compute_totals

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

_RANGES = {
    "01": ("SETP", 990000000, 995000000, "18760000001", TEST_TECHNICAL_KEY),
    "91": ("NC", 1, 99999999, "0", None),
    "92": ("ND", 1, 99999999, "0", None),
    "20": ("EPOS", 1, 5000000, "18760000002", None),
    "94": ("NCP", 1, 99999999, "0", None),
    "93": ("NDP", 1, 99999999, "0", None),
}

_OPERATION = {"01": "10", "91": "20", "92": "30", "20": "10", "94": "20", "93": "20"}


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


def sample_numbering_range(type_code: str) -> NumberingRange:
    prefix, start, end, resolution, key = _RANGES[type_code]
    return NumberingRange(
        id=int(type_code),
        document_type=type_code,
        environment="habilitacion",
        resolution_number=resolution,
        resolution_date=dt.date(2019, 1, 19),
        prefix=prefix,
        from_number=start,
        to_number=end,
        valid_from=dt.date(2019, 1, 19),
        valid_to=dt.date(2030, 1, 19),
        technical_key=key,
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
    type_code: str = "01", *, lines: int = 5, number: int | None = None
) -> Document:
    """A numbered, dated sample of one built-in type (supplier left for the pipeline to fill)."""
    rng = sample_numbering_range(type_code)
    reference = None
    discrepancy = None
    if type_code in ("91", "92", "94", "93"):
        invoice = type_code in ("91", "92")
        reference = BillingReference(
            number="SETP990000001" if invoice else "EPOS1",
            uuid="8bb918b19ba22a694f1da11c643b5e9de39adf60311cf179179e9b33381030bcd4c3c3f156c506ed5908f9276f5bd9b4",
            issue_date=dt.date(2026, 11, 19),
            scheme_name="CUFE-SHA384" if invoice else "CUDE-SHA384",
            type_code="01" if invoice else "20",
        )
        credit = type_code in ("91", "94")
        discrepancy = Discrepancy(
            code="2" if credit else "3",
            description="Anulación de la venta" if credit else "Cambio del valor",
        )
    point_of_sale = None
    if type_code == "20":
        point_of_sale = PointOfSale(
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
    document = Document(
        type_code=type_code,
        operation_type=_OPERATION[type_code],
        prefix=rng.prefix,
        number=rng.from_number if number is None else number,
        issue_date=SAMPLE_ISSUED_AT.date(),
        issue_time=SAMPLE_ISSUED_AT.timetz(),
        due_date=SAMPLE_ISSUED_AT.date() + dt.timedelta(days=30) if type_code == "01" else None,
        customer=FINAL_CONSUMER if type_code == "20" else CUSTOMER,
        lines=sample_lines(lines),
        payment=Payment(form="1", means_code="10"),
        billing_reference=reference,
        discrepancy=discrepancy,
        notes=("Documento de prueba",),
        point_of_sale=point_of_sale,
    )
    if point_of_sale is not None:
        subtotal = compute_totals(document).monetary.line_extension
        document = msgspec.structs.replace(
            document, point_of_sale=msgspec.structs.replace(point_of_sale, subtotal=subtotal)
        )
    return document


SAMPLE_PERIOD = Period(start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 30))
