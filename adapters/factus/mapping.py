"""A checked Factus document to the canonical ``Document``.

Factus prices include tax (research §3.1); the canonical line carries the net unit price, so
each line is built from the amounts Factus computes: its line extension is the item's
``gross_value`` and its discount the item's ``discount`` (an allowance on the line). Core
computes each tax as ``round(base × rate)`` (DIAN's FAS07) where Factus takes the residual
``total − gross``; the cent that can differ per item goes to ``PayableRoundingAmount``, so
the document's payable amount is Factus' ``total`` exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from adapters.factus import catalogs
from adapters.factus.amounts import ZERO, DocumentAmounts, ItemAmounts, item_amounts, round2
from adapters.factus.amounts import document_amounts as sum_amounts
from adapters.factus.checks import WITHOUT_REFERENCE, Checked, CheckedCustomer, CheckedItem
from core.api import (
    Address,
    AllowanceCharge,
    BillingReference,
    Contact,
    Discrepancy,
    Document,
    Line,
    OrderReference,
    Party,
    Payment,
    Period,
    StandardItemId,
    Tax,
    Withholding,
    check_digit,
    parse_iso_date,
    to_bogota,
)
from core.api import (
    catalogs as core_catalogs,
)

BOGOTA_OFFSET = dt.timezone(dt.timedelta(hours=-5))
TYPE_CODES = {
    "bill": "01",
    "credit_note": "91",
    "debit_note": "92",
    "support_document": "05",
    "adjustment_note": "95",
}
KINDS = {code: kind for kind, code in TYPE_CODES.items()}
NIT = "31"
RETE_IVA = "05"
UNIT_PRICE_PLACES = Decimal("0.000001")


def item_amounts_of(item: CheckedItem) -> ItemAmounts:
    return item_amounts(
        price=item.price,
        quantity=item.quantity,
        discount_rate=item.discount_rate,
        tax_rate=item.tax_rate,
        is_excluded=item.is_excluded,
        withholdings=item.withholding_taxes,
    )


def amounts_of(checked: Checked) -> DocumentAmounts:
    """Factus' amounts for a checked document (§3.1)."""
    return sum_amounts(
        [item_amounts_of(item) for item in checked.items],
        [(c.is_surcharge, c.amount) for c in checked.allowance_charges],
    )


def to_document(
    checked: Checked,
    now: dt.datetime,
    *,
    bill: Mapping[str, Any] | None = None,
    bill_customer: Party | None = None,
) -> Document:
    """The canonical document; ``bill`` (``number``, ``cufe``, ``issue_date``) is the invoice
    a note corrects, ``bill_customer`` its buyer (used when the note names none)."""
    now = to_bogota(now)
    amounts = amounts_of(checked)
    lines = tuple(
        line_of(item, figures) for item, figures in zip(checked.items, amounts.items, strict=True)
    )
    customer = to_party(checked.customer) if checked.customer is not None else bill_customer
    assert customer is not None
    billing_reference = discrepancy = None
    if checked.kind != "bill":
        if bill is not None and checked.customization_id not in WITHOUT_REFERENCE:
            billing_reference = BillingReference(
                number=str(bill["number"]),
                uuid=str(bill["cufe"]),
                issue_date=dt.date.fromisoformat(str(bill["issue_date"])),
                type_code="01",
            )
        table = f"{checked.kind}_correction_concepts"
        concept = catalogs.row(table, checked.correction_concept_code or "")
        discrepancy = Discrepancy(
            code=checked.correction_concept_code or "",
            description=concept.name if concept else "",
        )
    period = None
    if checked.billing_period is not None:
        bp = checked.billing_period
        period = Period(
            start_date=bp.start_date,
            end_date=bp.end_date,
            start_time=_time(bp.start_time),
            end_time=_time(bp.end_time),
        )
    order = None
    if checked.order_reference:
        order = OrderReference(
            id=str(checked.order_reference["reference_code"]),
            issue_date=parse_iso_date(str(checked.order_reference.get("issue_date") or "")),
        )
    return Document(
        type_code=TYPE_CODES[checked.kind],
        operation_type=checked.customization_id or checked.operation_type,
        issue_date=now.date(),
        issue_time=now.time().replace(microsecond=0, tzinfo=None).replace(tzinfo=BOGOTA_OFFSET),
        customer=customer,
        lines=lines,
        allowances_charges=tuple(
            AllowanceCharge(
                is_charge=c.is_surcharge,
                reason=c.reason,
                amount=c.amount,
                base_amount=c.base_amount,
            )
            for c in checked.allowance_charges
        ),
        payment=Payment(
            form=checked.payment_form if checked.kind == "bill" else "1",
            means_code=checked.payment_method_code,
            due_date=checked.payment_due_date,
        ),
        billing_reference=billing_reference,
        discrepancy=discrepancy,
        invoice_period=period,
        order_reference=order,
        notes=(checked.observation,) if checked.observation else (),
        payable_rounding=_rounding(checked, amounts),
    )


def _rounding(checked: Checked, amounts: DocumentAmounts) -> Decimal:
    """Factus' total minus the payable amount core computes from the same lines."""
    core_taxes = sum(
        (
            round2(figures.gross_value * item.tax_rate / 100)
            for item, figures in zip(checked.items, amounts.items, strict=True)
            if not item.is_excluded
        ),
        ZERO,
    )
    core_payable = (
        amounts.gross_value + core_taxes + amounts.surcharge_amount - amounts.discount_amount
    )
    return amounts.total - core_payable


def line_of(item: CheckedItem, figures: ItemAmounts) -> Line:
    before_discount = figures.gross_value + figures.discount
    unit_price = (before_discount / item.quantity).quantize(UNIT_PRICE_PLACES)
    allowances: tuple[AllowanceCharge, ...] = ()
    if figures.discount > 0:
        allowances = (
            AllowanceCharge(
                amount=figures.discount, base_amount=before_discount, reason="Descuento"
            ),
        )
    taxes: tuple[Tax, ...] = ()
    if not item.is_excluded:
        tribute = catalogs.row("product_tributes", item.tribute_id)
        taxes = (Tax(scheme=tribute.code if tribute else "01", percent=item.tax_rate),)
    withholdings = tuple(
        Withholding(
            scheme=held.code,
            percent=held.rate,
            base=figures.tax_amount if held.code == RETE_IVA else figures.gross_value,
        )
        for held in figures.withholdings
    )
    unit = catalogs.row("unit_measures", item.unit_measure_id)
    standard = catalogs.row("standard_codes", item.standard_code_id)
    return Line(
        code=item.code_reference,
        description=item.name,
        quantity=Decimal(item.quantity),
        unit_code=unit.code if unit else "94",
        unit_price=unit_price,
        allowances_charges=allowances,
        taxes=taxes,
        withholdings=withholdings,
        standard_item_id=StandardItemId(
            scheme_id=standard.code if standard else "999", id=item.code_reference
        ),
        notes=(item.note,) if item.note else (),
    )


def display_name(customer: CheckedCustomer) -> str:
    """``graphic_representation_name``: the company for a legal person, else the names."""
    if customer.legal_organization_id == 1 or not customer.names:
        return customer.company or customer.names
    return customer.names


def to_party(customer: CheckedCustomer) -> Party:
    id_type = catalogs.row("identification_document_ids", customer.identification_document_id)
    id_code = id_type.code if id_type else "13"
    identification = customer.identification.replace("-", "")
    dv = None
    if id_code == NIT:
        dv = customer.dv or (check_digit(identification) if identification.isdigit() else None)
    tribute = catalogs.row("customer_tributes", customer.tribute_id)
    contact = None
    if customer.email or customer.phone:
        contact = Contact(email=customer.email, telephone=customer.phone)
    return Party(
        organization_type="1" if customer.legal_organization_id == 1 else "2",
        id_type=id_code,
        id_number=identification,
        dv=dv,
        name=display_name(customer),
        trade_name=customer.trade_name or None,
        tax_scheme=tribute.code if tribute else "ZZ",
        address=_address(customer),
        contact=contact,
    )


def _address(customer: CheckedCustomer) -> Address | None:
    found = None
    if customer.municipality_id is not None:
        row = catalogs.row("municipalities", customer.municipality_id)
        found = core_catalogs.municipality(row.code) if row else None
    if found is None and not customer.address:
        return None
    return Address(
        municipality_code=found.code if found else None,
        city_name=found.name if found else None,
        department_code=found.department.code if found else None,
        department_name=found.department.name if found else None,
        line=customer.address,
    )


def _time(value: str | None) -> dt.time | None:
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None
