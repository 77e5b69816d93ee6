"""A validated APIDIAN body to the canonical ``Document``.

APIDIAN clients send catalog ids (``unit_measure_id: 70``) and their own amounts. Ids become
DIAN codes through ``catalogs``. Amounts are kept as sent: a line's unit price is the one
that gives the line extension the client declared (APIDIAN clients often send a
tax-inclusive ``price_amount``, and APIDIAN writes the declared extension regardless), and a
difference of cents between the declared payable amount and the engine's own (rounding per
line) becomes ``PayableRoundingAmount``, so the XML carries the client's total. Whether the
amounts hold together is then the engine's declared-vs-computed check (FAU rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import msgspec

from adapters.apidian import catalogs, kind_fields
from adapters.apidian.document_rules import LINES, RULES, TOTALS, Endpoint
from adapters.apidian.form_rules import as_bool, as_date, as_decimal, as_int, as_text, blank
from core.api import (
    Address,
    AllowanceCharge,
    BillingReference,
    BuyerBenefits,
    Contact,
    DeclaredTotals,
    Discrepancy,
    Document,
    GoodsDelivery,
    Line,
    NumberingRange,
    OrderReference,
    Party,
    Payment,
    Period,
    PointOfSale,
    PrepaidPayment,
    ReferencePrice,
    SoftwareManufacturer,
    StandardItemId,
    Tax,
    TenantView,
    Withholding,
    check_digit,
    compute_totals,
)

BOGOTA_OFFSET = dt.timezone(dt.timedelta(hours=-5))
ZERO = Decimal(0)
CENT = Decimal("0.01")
ROUNDING_TOLERANCE = Decimal("1.00")  # what check_declared_totals also tolerates
FINAL_CONSUMER = "222222222222"
PER_UNIT_TAX_IDS = frozenset({2, 10, 19, 20, 21, 23})  # APIDIAN's fixed-value taxes
WITHHOLDING_CODES = frozenset({"05", "06", "07"})
POS_REFERENCE_TYPES = frozenset({15, 16, 17, 18, 19, 20, 21, 22, 23, 24})
BUYER_KINDS = frozenset({"05", "95"})  # support document and its note: the company buys
WITHHOLDING_KINDS = frozenset({"01", "02", "03", "04", "20", "05"})
DEFAULT_DISCREPANCY = {"91": 2, "94": 2, "92": 4, "93": 4, "95": 2}
DISCREPANCY_TABLE = {
    "95": "credit_note_discrepancy_responses_sd",
    "91": "credit_note_discrepancy_responses",
    "94": "credit_note_discrepancy_responses",
    "92": "debit_note_discrepancy_responses",
    "93": "debit_note_discrepancy_responses",
}


def code(table: str, value: Any, default: int | None = None) -> str | None:
    """The DIAN code of an APIDIAN id (validated before: unknown ids never get here)."""
    number = as_int(value) if not blank(value) else default
    if number is None:
        return None
    found = catalogs.row(table, number)
    return found.code if found is not None else None


def money(value: Any) -> Decimal:
    found = as_decimal(value) if not blank(value) else None
    return found if found is not None else ZERO


def type_code(body: Mapping[str, Any]) -> str:
    """APIDIAN ``type_document_id`` (1, 4, 5, 15, 25, 26) -> DIAN type code (01, 91 ...)."""
    return code("type_documents", body.get("type_document_id")) or ""


def to_document(
    body: Mapping[str, Any],
    endpoint: Endpoint,
    tenant: TenantView,
    numbering: NumberingRange,
    now: dt.datetime,
) -> Document:
    """The canonical document (numbered by the client) for a body the rules accepted."""
    kind = type_code(body)
    number = as_int(body.get("number"))
    issue_date = as_date(body.get("date")) if not blank(body.get("date")) else None
    issue_time = as_date(body.get("time"), "H:i:s") if not blank(body.get("time")) else None
    assert issue_date is None or isinstance(issue_date, dt.date)
    assert issue_time is None or isinstance(issue_time, dt.time)
    time = issue_time or now.time().replace(microsecond=0)
    reference = _billing_reference(body, kind)
    buyer = kind in BUYER_KINDS  # the company buys: the party sent is the seller
    document = Document(
        type_code=kind,
        operation_type=_operation_type(body, endpoint, kind, reference is not None),
        prefix=numbering.prefix,
        number=number,
        issue_date=issue_date or now.date(),
        issue_time=time.replace(tzinfo=BOGOTA_OFFSET),
        supplier=None if buyer else _supplier(body, tenant),
        customer=to_party(body.get("seller" if buyer else "customer") or {}),
        lines=_lines(body, endpoint, allows_withholdings=kind in WITHHOLDING_KINDS, buyer=buyer),
        allowances_charges=_allowances(body.get("allowance_charges"), document_level=True),
        payment=_payment(body.get("payment_form")),
        prepaid_payments=_prepaid(body),
        billing_reference=reference,
        discrepancy=_discrepancy(body, kind) if kind in DISCREPANCY_TABLE else None,
        invoice_period=_period(body.get("invoice_period")),
        order_reference=_order(body.get("order_reference")),
        delivery=_delivery(body) if "delivery" in RULES[endpoint] else None,
        notes=_notes(body),
        point_of_sale=_point_of_sale(body) if kind == "20" else None,
        declared_totals=_declared(body.get(TOTALS[endpoint]) or {}),
        header_note=as_text(body.get("head_note")),
        footer_note=as_text(body.get("foot_note")),
        **kind_fields.extras(body, endpoint),
    )
    return _with_rounding(document)


def _operation_type(body: Mapping[str, Any], endpoint: Endpoint, kind: str, ref: bool) -> str:
    if endpoint == "invoice-aiu":
        return "09"
    if endpoint == "invoice-mandate":
        return "11"
    if kind in ("94", "93"):
        return "20"  # the only CustomizationID of the POS adjustment notes
    sent = code("type_operations", body.get("type_operation_id"))
    if kind in BUYER_KINDS:  # 23 residente (10), 24 no residente (11)
        return "11" if sent == "11" else "10"
    if kind == "91":
        return sent if sent in ("20", "22") else ("20" if ref else "22")
    if kind == "92":
        return sent if sent in ("30", "32") else ("30" if ref else "32")
    if kind == "20":
        return "10"
    return sent if sent in ("10", "09", "11") else "10"


def to_party(customer: Mapping[str, Any]) -> Party:
    id_type = code(
        "type_document_identifications", customer.get("type_document_identification_id"), 3
    )
    levels = code("type_liabilities", customer.get("type_liability_id"), 117) or "R-99-PN"
    scheme = code("taxes", customer.get("tax_id"))
    if scheme is None:
        scheme = "ZZ" if levels == "R-99-PN" else "01"
    id_number = as_text(customer.get("identification_number")) or ""
    dv = as_text(customer.get("dv"))
    if id_type == "31" and dv is None:
        dv = check_digit(id_number)  # as APIDIAN's notes fill it
    return Party(
        organization_type="1"
        if code("type_organizations", customer.get("type_organization_id"), 2) == "1"
        else "2",
        id_type=id_type or "13",
        id_number=id_number,
        dv=dv if id_type == "31" else None,
        name=(as_text(customer.get("name")) or "").strip(),
        tax_level_codes=(levels,),
        tax_scheme=scheme,
        address=kind_fields.foreign_address(customer)
        or _address(
            customer.get("municipality_id"),
            customer.get("address"),
            as_text(customer.get("postal_zone_code")),
        ),
        contact=_contact(customer.get("phone"), customer.get("email")),
        commercial_registration=as_text(customer.get("merchant_registration")),
    )


def _address(municipality_id: Any, line: Any, postal_zone: str | None = None) -> Address | None:
    text = as_text(line)
    row = catalogs.row("municipalities", as_int(municipality_id) or 0)
    if row is None and text is None:
        return None
    return Address(
        municipality_code=row.code if row else None,
        city_name=row.name if row else None,
        department_code=row.extra.get("department_code") if row else None,
        department_name=row.extra.get("department_name") if row else None,
        line=text,
        postal_zone=postal_zone,
    )


def _contact(phone: Any, email: Any) -> Contact | None:
    telephone, mail = as_text(phone), as_text(email)
    if telephone is None and mail is None:
        return None
    return Contact(telephone=telephone, email=mail)


def _supplier(body: Mapping[str, Any], tenant: TenantView) -> Party:
    """The tenant, with the branch (``establishment_*``) APIDIAN writes into the XML."""
    party = tenant.party
    municipality = body.get("establishment_municipality")
    address_line = body.get("establishment_address")
    if not blank(municipality) or not blank(address_line):
        current = party.address or Address()
        found = _address(municipality, address_line) or current
        party = msgspec.structs.replace(
            party,
            address=msgspec.structs.replace(
                found,
                line=found.line or current.line,
                municipality_code=found.municipality_code or current.municipality_code,
                city_name=found.city_name or current.city_name,
                department_code=found.department_code or current.department_code,
                department_name=found.department_name or current.department_name,
                postal_zone=current.postal_zone,
            ),
        )
    phone, email = body.get("establishment_phone"), body.get("establishment_email")
    if not blank(phone) or not blank(email):
        current_contact = party.contact or Contact()
        party = msgspec.structs.replace(
            party,
            contact=Contact(
                name=current_contact.name,
                telephone=as_text(phone) or current_contact.telephone,
                email=as_text(email) or current_contact.email,
            ),
        )
    return party


def _lines(
    body: Mapping[str, Any], endpoint: Endpoint, *, allows_withholdings: bool, buyer: bool
) -> tuple[Line, ...]:
    items = body.get(LINES[endpoint]) or []
    lines = [_line(item) for item in items]
    if buyer:  # a support document's line says when and how the purchase is reported
        lines = [
            msgspec.structs.replace(line, purchase_period=kind_fields.purchase_period(item))
            for line, item in zip(lines, items, strict=True)
        ]
    withholdings = _withholdings(body.get("with_holding_tax_total")) if allows_withholdings else ()
    if lines and withholdings:  # document-level withholdings ride on the first line
        lines[0] = msgspec.structs.replace(lines[0], withholdings=withholdings)
    return tuple(lines)


def _line(item: Mapping[str, Any]) -> Line:
    quantity = money(item.get("invoiced_quantity"))
    price = money(item.get("price_amount"))
    extension = money(item.get("line_extension_amount"))
    allowances = _allowances(item.get("allowance_charges"), document_level=False)
    free = as_bool(item.get("free_of_charge_indicator")) is True
    reference_price = None
    if free:
        price_code = code("reference_prices", item.get("reference_price_id"), 3) or "3"
        reference_price = ReferencePrice(price_type_code=price_code.zfill(2), price=price)
        unit_price = ZERO
    else:
        net = sum((-a.amount if a.is_charge else a.amount for a in allowances if a.amount), ZERO)
        gross = extension + net
        unit_price = price
        if quantity and abs(quantity * price - gross) > CENT:
            unit_price = gross / quantity  # the declared extension, whatever the price says
    return Line(
        code=as_text(item.get("code")),
        description=(as_text(item.get("description")) or "").strip(),
        quantity=quantity,
        unit_code=code("unit_measures", item.get("unit_measure_id")) or "94",
        unit_price=unit_price,
        allowances_charges=allowances,
        taxes=_taxes(item.get("tax_totals"), quantity),
        standard_item_id=_item_id(item),
        free_of_charge=reference_price,
        brand_name=as_text(item.get("brandname")),
        model_name=as_text(item.get("modelname")),
        notes=(as_text(item.get("notes")),) if as_text(item.get("notes")) else (),
    )


def _item_id(item: Mapping[str, Any]) -> StandardItemId | None:
    scheme = code("type_item_identifications", item.get("type_item_identification_id"))
    identifier = as_text(item.get("code"))
    if scheme is None or identifier is None:
        return None
    return StandardItemId(scheme_id=scheme, id=identifier)


def _taxes(items: Any, quantity: Decimal) -> tuple[Tax, ...]:
    taxes: list[Tax] = []
    for item in items or []:
        tax_id = as_int(item.get("tax_id"))
        scheme = code("taxes", tax_id)
        if scheme is None or scheme in WITHHOLDING_CODES:
            continue
        if tax_id in PER_UNIT_TAX_IDS and not blank(item.get("per_unit_amount")):
            taxes.append(
                Tax(
                    scheme=scheme,
                    per_unit_amount=money(item.get("per_unit_amount")),
                    per_unit_base_quantity=quantity,
                    per_unit_unit_code=code("unit_measures", item.get("unit_measure_id")),
                )
            )
        else:
            taxes.append(Tax(scheme=scheme, percent=money(item.get("percent"))))
    return tuple(taxes)


def _withholdings(items: Any) -> tuple[Withholding, ...]:
    found: list[Withholding] = []
    for item in items or []:
        scheme = code("taxes", item.get("tax_id"))
        if scheme not in WITHHOLDING_CODES:
            continue
        base = item.get("taxable_amount")
        found.append(
            Withholding(
                scheme=scheme,
                percent=money(item.get("percent")),
                base=None if blank(base) else money(base),
            )
        )
    return tuple(found)


def _allowances(items: Any, *, document_level: bool) -> tuple[AllowanceCharge, ...]:
    found: list[AllowanceCharge] = []
    for item in items or []:
        amount = money(item.get("amount"))
        if amount == ZERO:
            continue  # APIDIAN's samples send empty discounts: nothing to write
        is_charge = as_bool(item.get("charge_indicator")) is True
        reason_code = None
        if document_level and not is_charge:
            reason_code = code("discounts", item.get("discount_id"))
        base = item.get("base_amount")
        found.append(
            AllowanceCharge(
                is_charge=is_charge,
                reason_code=reason_code,
                reason=as_text(item.get("allowance_charge_reason")),
                amount=amount,
                base_amount=None if blank(base) else money(base),
            )
        )
    return tuple(found)


def _payment(value: Any) -> Payment:
    item = value[0] if isinstance(value, list) and value else value
    if not isinstance(item, Mapping):
        return Payment()
    due = as_date(item.get("payment_due_date")) if not blank(item.get("payment_due_date")) else None
    return Payment(
        form=code("payment_forms", item.get("payment_form_id"), 1) or "1",
        means_code=code("payment_methods", item.get("payment_method_id"), 10) or "10",
        due_date=due if isinstance(due, dt.date) else None,
    )


def _prepaid(body: Mapping[str, Any]) -> tuple[PrepaidPayment, ...]:
    items = list(body.get("prepaid_payments") or [])
    single = body.get("prepaid_payment")
    if isinstance(single, Mapping) and single:
        items.insert(0, single)
    found = []
    for item in items:
        amount = money(item.get("paidamount"))
        if amount == ZERO:
            continue
        received = (
            as_date(item.get("receiveddate")) if not blank(item.get("receiveddate")) else None
        )
        found.append(
            PrepaidPayment(
                id=as_text(item.get("idpayment")) or str(len(found) + 1),
                amount=amount,
                received_date=received if isinstance(received, dt.date) else None,
            )
        )
    return tuple(found)


def _billing_reference(body: Mapping[str, Any], kind: str) -> BillingReference | None:
    ref = body.get("billing_reference")
    if not isinstance(ref, Mapping) or blank(ref.get("uuid")):
        return None
    issue_date = as_date(ref.get("issue_date"))
    assert isinstance(issue_date, dt.date)
    pos = kind in ("94", "93") or as_int(ref.get("type_document_id")) in POS_REFERENCE_TYPES
    scheme, type_code = ("CUDE-SHA384", "20") if pos else ("CUFE-SHA384", "01")
    if kind in BUYER_KINDS:
        scheme, type_code = "CUDS-SHA384", "05"
    return BillingReference(
        number=as_text(ref.get("number")) or "",
        uuid=(as_text(ref.get("uuid")) or "").lower(),
        issue_date=issue_date,
        scheme_name=scheme,
        type_code=type_code,
    )


def _discrepancy(body: Mapping[str, Any], kind: str) -> Discrepancy:
    number = as_int(body.get("discrepancyresponsecode")) or DEFAULT_DISCREPANCY[kind]
    row = catalogs.row(DISCREPANCY_TABLE[kind], number)
    description = as_text(body.get("discrepancyresponsedescription")) or (row.name if row else "")
    return Discrepancy(code=row.code if row else str(number), description=description)


def _period(value: Any) -> Period | None:
    if not isinstance(value, Mapping):
        return None
    start, end = as_date(value.get("start_date")), as_date(value.get("end_date"))
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return None
    return Period(start_date=start, end_date=end)


def _order(value: Any) -> OrderReference | None:
    if not isinstance(value, Mapping) or blank(value.get("id_order")):
        return None
    issued = (
        as_date(value.get("issue_date_order")) if not blank(value.get("issue_date_order")) else None
    )
    return OrderReference(
        id=as_text(value.get("id_order")) or "",
        issue_date=issued if isinstance(issued, dt.date) else None,
    )


def _delivery(body: Mapping[str, Any]) -> GoodsDelivery | None:
    """``delivery`` (where and when) and ``deliveryparty`` (who received the goods)."""
    value = body.get("delivery")
    if not isinstance(value, Mapping):
        return None
    day = as_date(value.get("actual_delivery_date"))
    if not isinstance(day, dt.date):
        return None
    address = _address(value.get("municipality_id"), value.get("address"))
    country = catalogs.row("countries", as_int(value.get("country_id")) or 0)
    if address is not None and country is not None and country.code != "CO":
        address = Address(line=address.line, country_code=country.code, country_name=country.name)
    party = body.get("deliveryparty")
    return GoodsDelivery(
        actual_date=day,
        address=address,
        party=to_party(party) if isinstance(party, Mapping) and party else None,
    )


def _notes(body: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        text for text in (as_text(body.get("notes")), as_text(body.get("noteAIU"))) if text
    )


def _point_of_sale(body: Mapping[str, Any]) -> PointOfSale | None:
    cash = body.get("cash_information") or {}
    maker = body.get("software_manufacturer") or {}
    benefits = body.get("buyer_benefits")
    return PointOfSale(
        plate_number=as_text(cash.get("plate_number")) or "",
        location=as_text(cash.get("location")) or "",
        cashier=as_text(cash.get("cashier")) or "",
        cash_type=as_text(cash.get("cash_type")) or "",
        sales_code=as_text(cash.get("sales_code")) or "",
        subtotal=money(cash.get("subtotal")),
        software_manufacturer=SoftwareManufacturer(
            owner_name=as_text(maker.get("name")) or "",
            company_name=as_text(maker.get("business_name")) or "",
            software_name=as_text(maker.get("software_name")) or "",
        ),
        buyer_benefits=BuyerBenefits(
            code=as_text(benefits.get("code")) or "",
            name=as_text(benefits.get("name")) or "",
            points=money(benefits.get("points")),
        )
        if isinstance(benefits, Mapping) and benefits
        else None,
    )


def _declared(totals: Mapping[str, Any]) -> DeclaredTotals:
    def amount(name: str) -> Decimal | None:
        value = totals.get(name)
        return None if blank(value) else money(value)

    return DeclaredTotals(
        line_extension=amount("line_extension_amount"),
        tax_exclusive=amount("tax_exclusive_amount"),
        tax_inclusive=amount("tax_inclusive_amount"),
        allowance_total=amount("allowance_total_amount"),
        charge_total=amount("charge_total_amount"),
        prepaid=amount("pre_paid_amount"),
        payable=amount("payable_amount"),
    )


def _with_rounding(document: Document) -> Document:
    """The declared payable amount in the XML: cents of per-line rounding go to
    ``PayableRoundingAmount``; a larger gap is left for the totals check to refuse."""
    declared = document.declared_totals.payable if document.declared_totals else None
    if declared is None:
        return document
    try:
        computed = compute_totals(document).monetary.payable
    except ValueError:
        return document
    gap = declared.quantize(CENT) - computed
    if gap == ZERO or abs(gap) > ROUNDING_TOLERANCE:
        return document
    return msgspec.structs.replace(document, payable_rounding=gap)
