"""Factura electrónica de venta de exportación (02): UBL ``Invoice`` with CUFE.

Facts (Anexo Técnico 1.9 §6.1 and the public implementations' export templates): the root is
the invoice's, with ``InvoiceTypeCode`` 02 and the invoice's ProfileID; the buyer is abroad
(identified as 42 documento extranjero or 50 NIT de otro país, address outside Colombia); the
amounts are written in the document's currency and ``cac:PaymentExchangeRate`` carries the
TRM that gives their value in pesos; ``cac:DeliveryTerms`` names the Incoterm. The CUFE is
computed with the range's technical key, as for 01 (DIAN files 02 under the invoice family).

Pre-flight (besides core's): ``FAR02`` the exchange rate must be stated (an export whose
currency or rate is unknown cannot be valued in pesos); gateway ids ``PAS-K01`` the buyer
must be abroad, ``PAS-M01`` DeliveryTerms required, ``PAS-M02`` an Incoterm DIAN lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

import msgspec
from lxml import etree

from core.api import (
    Address,
    BuildContext,
    Contact,
    DeliveryTerms,
    DemoRange,
    Document,
    DocumentType,
    ExchangeRate,
    Party,
    Problem,
    RootOptions,
    Sample,
    Tax,
    TenantView,
    build_invoice,
    catalogs,
    hookimpl,
)
from core.sample_documents import SAMPLE_ISSUED_AT, TEST_TECHNICAL_KEY, sample_base
from plugins.document_types.checks import check_type_code

EXPORT_TYPE_CODE = "02"
_THOUSAND = Decimal("1000")
_OPTIONS = RootOptions(type_code=EXPORT_TYPE_CODE, invoice_control=True)
_RANGE = DemoRange(
    prefix="FEX",
    from_number=1,
    to_number=99999999,
    technical_key=TEST_TECHNICAL_KEY,
)
FOREIGN_BUYER = Party(
    organization_type="1",
    id_type="50",
    id_number="5400123987",
    name="GLOBAL IMPORTS LLC",
    tax_level_codes=("R-99-PN",),
    tax_scheme="ZZ",
    address=Address(
        city_name="Miami",
        department_name="Florida",
        line="100 Biscayne Blvd",
        postal_zone="33132",
        country_code="US",
        country_name="Estados Unidos",
    ),
    contact=Contact(email="purchasing@globalimports.example"),
)


def build(ctx: BuildContext) -> etree._Element:
    return build_invoice(ctx, _OPTIONS)


def sample(kind: DocumentType, lines: int) -> Document:
    """Goods sold FOB Cartagena to a buyer in Miami, in dollars at a fixed TRM, IVA exempt."""
    exempt = (Tax(scheme="01", percent=Decimal("0")),)
    document = sample_base(
        kind,
        lines,
        customer=FOREIGN_BUYER,
        currency="USD",
        exchange_rate=ExchangeRate(rate=Decimal("4012.35"), date=SAMPLE_ISSUED_AT.date()),
        delivery_terms=DeliveryTerms(
            incoterm="FOB", loss_risk="Puerto de Cartagena", special_terms="Contenedor 20 pies"
        ),
        due_date=SAMPLE_ISSUED_AT.date() + dt.timedelta(days=60),
    )
    exempt_lines = tuple(  # dollar prices: the shared sample's peso prices / 1000
        msgspec.structs.replace(line, taxes=exempt, unit_price=line.unit_price / _THOUSAND)
        for line in document.lines
    )
    return msgspec.structs.replace(document, lines=exempt_lines)


def validate(document: Document, tenant: TenantView) -> Sequence[Problem]:
    problems = check_type_code(document, EXPORTACION)
    if document.exchange_rate is None and document.currency == "COP":  # FAR02 (core: non-COP)
        problems.append(
            Problem(
                path="exchange_rate",
                rule="FAR02",
                message=(
                    "La factura de exportación debe informar la moneda de la operación y la "
                    "tasa de cambio (TRM) a pesos colombianos."
                ),
            )
        )
    address = document.customer.address
    if address is None or address.country_code == "CO":
        problems.append(
            Problem(
                path="customer.address.country_code",
                rule="PAS-K01",
                message=(
                    "El adquiriente de una factura de exportación debe tener su dirección fuera "
                    "de Colombia (código de país distinto de CO)."
                ),
            )
        )
    terms = document.delivery_terms
    if terms is None:
        problems.append(
            Problem(
                path="delivery_terms",
                rule="PAS-M01",
                message=(
                    "La factura de exportación debe informar las condiciones de entrega (Incoterm)."
                ),
            )
        )
    elif catalogs.incoterm(terms.incoterm) is None:
        problems.append(
            Problem(
                path="delivery_terms.incoterm",
                rule="PAS-M02",
                message=f"El Incoterm {terms.incoterm!r} no es válido (CFR, CIF, FOB, EXW ...).",
            )
        )
    return problems


EXPORTACION = DocumentType(
    code=EXPORT_TYPE_CODE,
    title="Factura electrónica de venta de exportación",
    ubl_root="Invoice",
    profile_id="DIAN 2.1: Factura Electrónica de Venta",
    unique_code="CUFE",
    file_prefix="fv",
    rule_prefix="FA",
    customization_ids={"10": "Estándar"},
    build=build,
    validate=validate,
    permission="facturas",
    authorized_numbering=True,
    demo_range=_RANGE,
    sample=Sample(numbering=_RANGE, build=sample),
)


@hookimpl
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(EXPORTACION)
