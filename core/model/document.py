"""The canonical DIAN document: independent of UBL and of every input dialect.

Adapters map their payloads into these Structs; document-type plugins turn them into UBL.
Money and quantities are ``Decimal`` end to end; dates are calendar dates and times carry
their offset (America/Bogota, -05:00).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import msgspec

OrganizationType = Literal["1", "2"]  # 1 persona jurídica, 2 persona natural
Severity = Literal["error", "warning"]


class Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Common options: immutable, unknown fields are errors (subclasses add kw_only)."""


class Address(Base, kw_only=True):
    """A Colombian (or foreign) address; DANE codes for municipality and department."""

    municipality_code: str | None = None  # DANE, 5 digits (e.g. 11001)
    city_name: str | None = None
    department_code: str | None = None  # DANE, 2 digits (e.g. 11)
    department_name: str | None = None
    postal_zone: str | None = None
    line: str | None = None
    country_code: str = "CO"
    country_name: str = "Colombia"


class Contact(Base, kw_only=True):
    name: str | None = None
    telephone: str | None = None
    email: str | None = None


class Party(Base, kw_only=True):
    """Supplier or customer.

    ``tax_level_codes`` are the RUT responsibilities (O-13, O-15, O-23, O-47, R-99-PN);
    ``tax_scheme`` is the party tax scheme (01 IVA, 04 INC, ZA, ZZ no aplica).
    """

    organization_type: OrganizationType
    id_type: str  # TipoIdFiscal: 13 cédula, 31 NIT, ...
    id_number: str
    dv: str | None = None  # check digit, required when id_type == "31"
    name: str  # registration name (razón social or full name)
    trade_name: str | None = None
    tax_level_codes: tuple[str, ...] = ("R-99-PN",)
    tax_scheme: str = "ZZ"
    address: Address | None = None
    contact: Contact | None = None
    industry_code: str | None = None  # CIIU, supplier only
    commercial_registration: str | None = None  # matrícula mercantil


class Tax(Base, kw_only=True):
    """A tax applied to a line: either a rate (``percent``) or a per-unit amount."""

    scheme: str  # 01 IVA, 04 INC, 03 ICA, 22 INC bolsas, 32 ICL, 34 IBUA ...
    percent: Decimal | None = None
    per_unit_amount: Decimal | None = None
    per_unit_base_quantity: Decimal | None = None  # BaseUnitMeasure for per-unit taxes
    per_unit_unit_code: str | None = None


class Withholding(Base, kw_only=True):
    """A withholding (ReteIVA 05, ReteRenta 06, ReteICA 07); does not change payable totals."""

    scheme: str
    percent: Decimal
    base: Decimal | None = None  # defaults: line base, or the IVA amount for ReteIVA


class AllowanceCharge(Base, kw_only=True):
    """A discount (``is_charge`` false) or a charge, given as a percent of a base or an amount."""

    is_charge: bool = False
    reason_code: str | None = None  # CodigoDescuento for allowances (00..11)
    reason: str | None = None
    percent: Decimal | None = None
    amount: Decimal | None = None
    base_amount: Decimal | None = None


class StandardItemId(Base, kw_only=True):
    scheme_id: str  # 999 own, 010 GTIN, 001 UNSPSC, 020 partida arancelaria
    id: str


class ReferencePrice(Base, kw_only=True):
    """Commercial reference price for free-of-charge lines (CodigoPrecioReferencia 01..03)."""

    price_type_code: str
    price: Decimal


class PurchasePeriod(Base, kw_only=True):
    """Support document (05) and its adjustment note (95): when a line's purchase was made and
    how it is reported (``cac:InvoicePeriod`` inside the line, DIAN's "forma de generación y
    transmisión": ``1`` por operación, ``2`` acumulado semanal)."""

    purchase_date: dt.date  # cbc:StartDate
    transmission_code: str = "1"  # cbc:DescriptionCode: 1 por operación, 2 acumulado semanal


class Line(Base, kw_only=True):
    code: str | None = None
    description: str
    quantity: Decimal
    unit_code: str = "94"
    unit_price: Decimal
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    taxes: tuple[Tax, ...] = ()
    withholdings: tuple[Withholding, ...] = ()
    standard_item_id: StandardItemId | None = None
    free_of_charge: ReferencePrice | None = None
    brand_name: str | None = None
    model_name: str | None = None
    notes: tuple[str, ...] = ()
    # support document (05/95) only: the line's purchase date and transmission; absent means
    # the document's issue date, reported per operation (1)
    purchase_period: PurchasePeriod | None = None


class Payment(Base, kw_only=True):
    form: str = "1"  # FormasPago: 1 contado, 2 crédito
    means_code: str = "10"  # MediosPago: 10 efectivo, 47 transferencia, ZZZ ...
    due_date: dt.date | None = None
    payment_id: str | None = None


class PrepaidPayment(Base, kw_only=True):
    id: str
    amount: Decimal
    received_date: dt.date | None = None


class BillingReference(Base, kw_only=True):
    """The document a note corrects."""

    number: str
    uuid: str  # CUFE/CUDE of the referenced document
    issue_date: dt.date
    scheme_name: str = "CUFE-SHA384"
    type_code: str | None = None  # e.g. 01, 20


class Discrepancy(Base, kw_only=True):
    """Why a note is issued: ConceptoNotaCredito (1-6) / ConceptoNotaDebito (1-4)."""

    code: str
    description: str


class Period(Base, kw_only=True):
    start_date: dt.date
    end_date: dt.date
    start_time: dt.time | None = None
    end_time: dt.time | None = None


class OrderReference(Base, kw_only=True):
    id: str
    issue_date: dt.date | None = None


class SoftwareManufacturer(Base, kw_only=True):
    """POS (documento equivalente 20): who made the point-of-sale software."""

    owner_name: str
    company_name: str
    software_name: str


class BuyerBenefits(Base, kw_only=True):
    """POS: buyer loyalty programme data."""

    code: str
    name: str
    points: Decimal = Decimal("0")


class PointOfSale(Base, kw_only=True):
    """POS document extras: the cash register and its software."""

    plate_number: str  # cash register / terminal identifier
    location: str
    cashier: str
    cash_type: str
    sales_code: str
    subtotal: Decimal
    software_manufacturer: SoftwareManufacturer
    buyer_benefits: BuyerBenefits | None = None


class GoodsDelivery(Base, kw_only=True):
    """Where and when the goods were delivered, and to whom (``cac:Delivery``).

    DIAN requires the actual delivery date whenever a delivery is given (FAM02); the
    delivery party is who received them when it is not the customer.
    """

    actual_date: dt.date
    actual_time: dt.time | None = None  # with tzinfo (-05:00)
    address: Address | None = None
    party: Party | None = None


class ExchangeRate(Base, kw_only=True):
    """``cac:PaymentExchangeRate``: how one unit of the document's currency converts to pesos.

    Required when ``Document.currency`` is not COP (the export invoice 02 in dollars, say):
    the XML amounts stay in the document's currency and DIAN reads the COP value through
    ``rate`` (the TRM: pesos per unit, ``cbc:CalculationRate``) on ``date`` (``cbc:Date``,
    default: the issue date). ``target_currency`` is always COP for DIAN.
    """

    rate: Decimal
    date: dt.date | None = None
    target_currency: str = "COP"


class DeliveryTerms(Base, kw_only=True):
    """``cac:DeliveryTerms`` of an export (02): the Incoterm and who bears the loss risk.

    ``incoterm`` is ``cbc:LossRiskResponsibilityCode`` (CFR, CIF, CIP, CPT, DAP, DAT, DDP, EXW,
    FAS, FCA, FOB), ``loss_risk`` its ``cbc:LossRisk`` text, ``special_terms``
    ``cbc:SpecialTerms``.
    """

    incoterm: str
    loss_risk: str | None = None
    special_terms: str | None = None


class AdditionalReference(Base, kw_only=True):
    """``cac:AdditionalDocumentReference``: another document this one cites, e.g. the paper
    invoice (talonario) a contingency invoice 03 transmits: its number, date and type code."""

    id: str
    issue_date: dt.date | None = None
    type_code: str | None = None  # cbc:DocumentTypeCode, e.g. 01


class DeclaredTotals(Base, kw_only=True):
    """Totals as a dialect sent them; checked against computed ones (FAU rules)."""

    line_extension: Decimal | None = None
    tax_exclusive: Decimal | None = None
    tax_inclusive: Decimal | None = None
    allowance_total: Decimal | None = None
    charge_total: Decimal | None = None
    prepaid: Decimal | None = None
    payable: Decimal | None = None


class Document(Base, kw_only=True):
    """One DIAN document before numbering, totals and UBL.

    ``type_code`` is DIAN's document type (01, 02, 03, 04 invoices; 91 credit note;
    92 debit note; 20 POS equivalent document; 94/93 its credit/debit adjustment notes;
    05 support document and 95 its adjustment note, where the tenant is the buyer: see
    ``plugins/document_types/soporte.py``).
    ``operation_type`` is the CustomizationID (10 estándar, 09 AIU, 11 mandatos, 20/22 NC;
    for 05/95: 10 seller resident in Colombia, 11 not resident, ...).
    ``prefix``/``number`` are empty until the pipeline allocates them from the tenant's range.
    """

    type_code: str
    operation_type: str
    prefix: str | None = None
    number: int | None = None
    issue_date: dt.date | None = None
    issue_time: dt.time | None = None  # with tzinfo (-05:00)
    due_date: dt.date | None = None
    currency: str = "COP"
    supplier: Party | None = None  # filled from the tenant when absent
    customer: Party
    lines: tuple[Line, ...]
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    payment: Payment = Payment()
    prepaid_payments: tuple[PrepaidPayment, ...] = ()
    billing_reference: BillingReference | None = None
    discrepancy: Discrepancy | None = None
    invoice_period: Period | None = None
    order_reference: OrderReference | None = None
    delivery: GoodsDelivery | None = None
    delivery_terms: DeliveryTerms | None = None  # Incoterms (export 02)
    exchange_rate: ExchangeRate | None = None  # required when currency is not COP
    additional_references: tuple[AdditionalReference, ...] = ()
    notes: tuple[str, ...] = ()
    point_of_sale: PointOfSale | None = None
    declared_totals: DeclaredTotals | None = None
    payable_rounding: Decimal = Decimal("0")  # PayableRoundingAmount (may be negative)
    # free texts printed on the graphic representation only (never in the XML): above the
    # document's blocks and after its observations
    header_note: str | None = None
    footer_note: str | None = None

    def purchase_period_of(self, line: Line) -> PurchasePeriod | None:
        """A support-document line's purchase period: its own, else bought on the issue date
        and reported per operation (``None`` while the document is undated)."""
        if line.purchase_period is not None:
            return line.purchase_period
        if self.issue_date is None:
            return None
        return PurchasePeriod(purchase_date=self.issue_date)

    @property
    def full_number(self) -> str | None:
        """Prefix + number as it goes in ``cbc:ID`` (e.g. SETP990000001)."""
        if self.number is None:
            return None
        return f"{self.prefix or ''}{self.number}"


class Problem(Base, kw_only=True):
    """A validation finding: DIAN rule id (when one applies), field path, Spanish message."""

    path: str
    message: str
    rule: str | None = None
    severity: Severity = "error"
