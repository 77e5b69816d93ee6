"""Field checks of Factus bill and note bodies, with Factus' Spanish (Laravel) messages.

``check_bill`` / ``check_note`` return the field errors (path -> messages, in the order
Factus lists them) and, when there are none, the ``Checked`` document: the same data with ids
looked up in Factus' tables and amounts parsed, which is what is mapped to the canonical
document, stored with it and rendered back. Checks that need the database (the numbering
range, the bill a note corrects) are made by the handlers and merged with ``ordered``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Literal

import msgspec

from adapters.factus import catalogs
from adapters.factus.payloads import (
    BillPayload,
    Customer,
    DocumentPayload,
    Item,
    NotePayload,
)
from core.api import is_email, parse_iso_date

Kind = Literal["bill", "credit_note", "debit_note", "support_document", "adjustment_note"]
Errors = dict[str, list[str]]

# the order Factus lists its errors in (the seed's 422): the rules' order, not the body's
FIELD_ORDER = (
    "numbering_range_id",
    "document",
    "correction_concept_code",
    "customization_id",
    "bill_id",
    "support_document_id",
    "reference_code",
    "observation",
    "payment_form",
    "payment_due_date",
    "payment_method_code",
    "operation_type",
    "send_email",
    "order_reference",
    "billing_period",
    "establishment",
    "customer",
    "provider",
    "items",
    "allowance_charges",
)
NOTE_TITLES = {"credit_note": "nota crédito", "debit_note": "nota débito"}
CUSTOMIZATIONS = {
    "credit_note": "credit_note_customization_ids",
    "debit_note": "debit_note_customization_ids",
}
CONCEPTS = {
    "credit_note": "credit_note_correction_concepts",
    "debit_note": "debit_note_correction_concepts",
}
WITHOUT_REFERENCE = {"22", "32"}  # notes that correct no electronic invoice
IVA_TRIBUTE_ID = 1
MAX_AMOUNT = Decimal("1e15")  # the store keeps 16 digits before the point
MAX_QUANTITY = Decimal("1e9")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")


class CheckedCustomer(msgspec.Struct, kw_only=True):
    identification_document_id: int
    identification: str
    dv: str | None
    company: str
    trade_name: str
    names: str
    address: str | None
    email: str | None
    phone: str | None
    legal_organization_id: int
    tribute_id: int
    municipality_id: int | None


class CheckedItem(msgspec.Struct, kw_only=True):
    code_reference: str
    name: str
    note: str | None
    scheme_id: str | None
    quantity: int
    discount_rate: Decimal
    price: Decimal
    tax_rate: Decimal
    unit_measure_id: int
    standard_code_id: int
    is_excluded: bool
    tribute_id: int
    withholding_taxes: list[tuple[str, Decimal]]


class CheckedCharge(msgspec.Struct, kw_only=True):
    concept_type: str
    is_surcharge: bool
    reason: str
    base_amount: Decimal
    amount: Decimal


class CheckedPeriod(msgspec.Struct, kw_only=True):
    start_date: dt.date
    end_date: dt.date
    start_time: str | None = None
    end_time: str | None = None


class Checked(msgspec.Struct, kw_only=True):
    """A valid Factus document (what is stored in ``dialect_data`` and rendered back)."""

    kind: Kind
    reference_code: str
    numbering_range_id: int | None
    observation: str | None
    payment_method_code: str
    send_email: bool | None  # None: not sent (the tenant's default; shown as 0)
    customer: CheckedCustomer | None
    items: list[CheckedItem]
    allowance_charges: list[CheckedCharge]
    billing_period: CheckedPeriod | None = None
    establishment: dict[str, object] | None = None
    # bills
    document: str = "01"
    payment_form: str = "1"
    payment_due_date: dt.date | None = None
    operation_type: str = "10"
    order_reference: dict[str, object] | None = None
    # notes
    correction_concept_code: str | None = None
    customization_id: str | None = None
    bill_id: int | None = None


def ordered(errors: Mapping[str, list[str]]) -> Errors:
    """Errors in Factus' order (``FIELD_ORDER`` by the path's first segment, items by index)."""

    def rank(path: str) -> tuple[int, str]:
        head = path.split(".", 1)[0]
        position = FIELD_ORDER.index(head) if head in FIELD_ORDER else len(FIELD_ORDER)
        return position, ".".join(p.zfill(6) if p.isdigit() else p for p in path.split("."))

    return {path: list(errors[path]) for path in sorted(errors, key=rank)}


def text(value: object) -> str | None:
    """A code or text as sent (numbers as their digits); blank is ``None``."""
    if value is None or isinstance(value, bool):
        return None
    out = str(value).strip()
    return out or None


def as_int(value: object) -> int | None:
    out = text(value)
    if out is None or not out.isascii() or not out.lstrip("-").isdigit():
        return None
    return int(out)


def as_decimal(value: object) -> Decimal | None:
    out = text(value)
    if out is None:
        return None
    try:
        number = Decimal(out)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= MAX_AMOUNT:
        return None
    return number


def flag(value: object, default: bool) -> bool | None:
    """A yes/no as Factus' clients send it (true, 1, "1", "false" ...); ``None`` if neither."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return {"1": True, "0": False, "true": True, "false": False}.get(str(value).strip().lower())


class Checker:
    def __init__(self) -> None:
        self.errors: Errors = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def required(self, path: str, value: object) -> str | None:
        out = text(value)
        if out is None:
            self.add(path, f"El campo {path} es obligatorio.")
        return out

    def catalog_id(
        self, path: str, value: object, table: str, *, required: bool = True
    ) -> int | None:
        if text(value) is None:
            if required:
                self.add(path, f"El campo {path} es obligatorio.")
            return None
        number = as_int(value)
        if number is None or catalogs.row(table, number) is None:
            self.add(path, f"El campo {path} es inválido.")
            return None
        return number

    def amount(
        self,
        path: str,
        value: object,
        *,
        minimum: Decimal = Decimal(0),
        maximum: Decimal | None = None,
    ) -> Decimal | None:
        if text(value) is None:
            self.add(path, f"El campo {path} es obligatorio.")
            return None
        number = as_decimal(value)
        if number is None:
            self.add(path, f"El campo {path} debe ser un número.")
            return None
        if number < minimum or (maximum is not None and number > maximum):
            self.add(path, f"El campo {path} es inválido.")
            return None
        if number != number.quantize(Decimal("0.01")):
            self.add(path, f"El campo {path} debe tener máximo 2 decimales.")
            return None
        return number

    def date(self, path: str, value: object) -> dt.date | None:
        raw = text(value)
        parsed = parse_iso_date(raw) if raw else None
        if raw is None:
            self.add(path, f"El campo {path} es obligatorio.")
        elif parsed is None:
            self.add(path, f"El campo {path} debe ser una fecha válida (YYYY-MM-DD).")
        return parsed


def _customer(c: Checker, customer: Customer | None, *, required: bool) -> CheckedCustomer | None:
    if customer is None:
        if required:
            c.add("customer", "El campo customer es obligatorio.")
        return None
    doc_id = c.catalog_id(
        "customer.identification_document_id",
        customer.identification_document_id,
        "identification_document_ids",
    )
    identification = c.required("customer.identification", customer.identification)
    if identification is not None and (
        len(identification) > 20 or not identification.replace("-", "").isalnum()
    ):
        c.add("customer.identification", "El campo customer.identification es inválido.")
    legal = c.catalog_id(
        "customer.legal_organization_id", customer.legal_organization_id, "legal_organizations"
    )
    tribute = c.catalog_id("customer.tribute_id", customer.tribute_id, "customer_tributes")
    municipality = c.catalog_id(
        "customer.municipality_id", customer.municipality_id, "municipalities", required=False
    )
    company, names = text(customer.company) or "", text(customer.names) or ""
    if legal == 1 and not company:
        c.add(
            "customer.company", "El campo customer.company es obligatorio para personas jurídicas."
        )
    if legal == 2 and not names and not company:
        c.add("customer.names", "El campo customer.names es obligatorio para personas naturales.")
    email = text(customer.email)
    if email is not None and not is_email(email):
        c.add("customer.email", "El campo customer.email debe ser una dirección de correo válida.")
    dv = text(customer.dv)
    if dv is not None and (not dv.isascii() or not dv.isdigit() or len(dv) != 1):
        c.add("customer.dv", "El campo customer.dv es inválido.")
    if doc_id is None or identification is None or legal is None or tribute is None:
        return None
    return CheckedCustomer(
        identification_document_id=doc_id,
        identification=identification,
        dv=dv,
        company=company,
        trade_name=text(customer.trade_name) or "",
        names=names,
        address=text(customer.address),
        email=email,
        phone=text(customer.phone),
        legal_organization_id=legal,
        tribute_id=tribute,
        municipality_id=municipality,
    )


def check_item(c: Checker, index: int, item: Item) -> CheckedItem | None:
    p = f"items.{index}"
    code = c.required(f"{p}.code_reference", item.code_reference)
    name = c.required(f"{p}.name", item.name)
    quantity = None
    if text(item.quantity) is None:
        c.add(f"{p}.quantity", f"El campo {p}.quantity es obligatorio.")
    else:
        number = as_decimal(item.quantity)
        if number is None or number != number.to_integral_value() or number < 1:
            c.add(f"{p}.quantity", f"El campo {p}.quantity debe ser un número entero.")
        elif number >= MAX_QUANTITY:
            c.add(f"{p}.quantity", f"El campo {p}.quantity es demasiado grande.")
        else:
            quantity = int(number)
    discount = c.amount(f"{p}.discount_rate", item.discount_rate, maximum=Decimal(100))
    price = c.amount(f"{p}.price", item.price)
    tax_rate = c.amount(f"{p}.tax_rate", item.tax_rate, maximum=Decimal(100))
    unit = c.catalog_id(f"{p}.unit_measure_id", item.unit_measure_id, "unit_measures")
    standard = c.catalog_id(f"{p}.standard_code_id", item.standard_code_id, "standard_codes")
    tribute = c.catalog_id(f"{p}.tribute_id", item.tribute_id, "product_tributes")
    excluded = flag(item.is_excluded, False) if text(item.is_excluded) is not None else None
    if excluded is None:
        c.add(f"{p}.is_excluded", f"El campo {p}.is_excluded es inválido.")
    elif excluded and tribute is not None and tribute != IVA_TRIBUTE_ID:
        c.add("items", "El impuesto excluido solo puede ser aplicado al IVA")
    held: list[tuple[str, Decimal]] = []
    for w_index, withholding in enumerate(item.withholding_taxes or ()):
        wp = f"{p}.withholding_taxes.{w_index}"
        w_code = c.required(f"{wp}.code", withholding.code)
        if w_code is not None and catalogs.by_code("withholding_taxes", w_code.zfill(2)) is None:
            c.add(f"{wp}.code", f"El campo {wp}.code es inválido.")
            w_code = None
        rate = c.amount(
            f"{wp}.withholding_tax_rate", withholding.withholding_tax_rate, maximum=Decimal(100)
        )
        if w_code is not None and rate is not None:
            held.append((w_code.zfill(2), rate))
    if quantity is not None and price is not None and price * quantity >= MAX_AMOUNT:
        c.add(f"{p}.price", f"El valor del item {p} (precio × cantidad) es demasiado grande.")
        price = None
    values = (code, name, quantity, discount, price, tax_rate, unit, standard, tribute, excluded)
    if any(v is None for v in values):
        return None
    assert code and name and quantity and discount is not None and price is not None
    assert tax_rate is not None and unit and standard and tribute and excluded is not None
    return CheckedItem(
        code_reference=code,
        name=name,
        note=text(item.note),
        scheme_id=text(item.scheme_id),
        quantity=quantity,
        discount_rate=discount,
        price=price,
        tax_rate=tax_rate,
        unit_measure_id=unit,
        standard_code_id=standard,
        is_excluded=excluded,
        tribute_id=tribute,
        withholding_taxes=held,
    )


def check_common(c: Checker, payload: DocumentPayload, kind: Kind) -> dict[str, object]:
    """Checks every kind shares; returns the parsed values (``None`` where invalid)."""
    range_id = None
    if text(payload.numbering_range_id) is not None:
        range_id = as_int(payload.numbering_range_id)
        if range_id is None or range_id < 1:
            c.add("numbering_range_id", "El campo id rango de numeración es inválido.")
    reference = c.required("reference_code", payload.reference_code)
    if reference is not None and len(reference) > 100:
        c.add("reference_code", "El campo reference_code no debe ser mayor que 100 caracteres.")
    observation = text(payload.observation)
    if observation is not None and len(observation) > 250:
        c.add("observation", "El campo observation no debe ser mayor que 250 caracteres.")
    method = text(payload.payment_method_code)
    if method is None:
        method = "10"  # Factus' default: efectivo
    elif catalogs.by_code("payment_methods", method) is None:
        c.add("payment_method_code", "El campo payment method code es inválido.")
    send_email = flag(payload.send_email, False) if payload.send_email is not None else None
    if payload.send_email is not None and send_email is None:
        c.add("send_email", "El campo send_email debe ser verdadero o falso.")
    period = None
    if payload.billing_period is not None:
        bp = payload.billing_period
        start = c.date("billing_period.start_date", bp.start_date)
        end = c.date("billing_period.end_date", bp.end_date)
        for name in ("start_time", "end_time"):
            value = text(getattr(bp, name))
            if value is not None and not _TIME.match(value):
                c.add(f"billing_period.{name}", f"El campo billing_period.{name} es inválido.")
        if start and end and end <= start:
            c.add(
                "billing_period.end_date",
                "El campo fecha de fin debe ser una fecha posterior a fecha de inicio.",
            )
        if start and end:
            period = CheckedPeriod(
                start_date=start,
                end_date=end,
                start_time=text(bp.start_time),
                end_time=text(bp.end_time),
            )
    establishment = None
    if payload.establishment is not None:
        e = payload.establishment
        c.catalog_id(
            "establishment.municipality_id", e.municipality_id, "municipalities", required=False
        )
        establishment = {
            "name": text(e.name),
            "address": text(e.address),
            "phone_number": text(e.phone_number),
            "email": text(e.email),
            "municipality_id": as_int(e.municipality_id),
        }
    items: list[CheckedItem] = []
    if not payload.items:
        c.add("items", "El campo items es obligatorio.")
    for index, item in enumerate(payload.items or ()):
        checked = check_item(c, index, item)
        if checked is not None:
            items.append(checked)
    if sum((i.price * i.quantity for i in items), Decimal(0)) >= MAX_AMOUNT:
        c.add("items", "El valor del documento es demasiado grande.")
    charges: list[CheckedCharge] = []
    for index, charge in enumerate(payload.allowance_charges or ()):
        p = f"allowance_charges.{index}"
        concept = text(charge.concept_type)
        if concept is None or catalogs.row("allowance_charge_concepts", concept) is None:
            c.add(f"{p}.concept_type", f"El campo {p}.concept_type es inválido.")
        surcharge = flag(charge.is_surcharge, True)
        if surcharge is None:
            c.add(f"{p}.is_surcharge", f"El campo {p}.is_surcharge es inválido.")
        reason = c.required(f"{p}.reason", charge.reason)
        base = c.amount(f"{p}.base_amount", charge.base_amount)
        amount = c.amount(f"{p}.amount", charge.amount)
        if amount is not None and amount >= MAX_AMOUNT / 10:
            c.add(f"{p}.amount", f"El campo {p}.amount es demasiado grande.")
            amount = None
        if concept and surcharge is not None and reason and base is not None and amount is not None:
            charges.append(
                CheckedCharge(
                    concept_type=concept.zfill(2),
                    is_surcharge=surcharge,
                    reason=reason,
                    base_amount=base,
                    amount=amount,
                )
            )
    return {
        "kind": kind,
        "reference_code": reference,
        "numbering_range_id": range_id,
        "observation": observation,
        "payment_method_code": method,
        "send_email": send_email,
        "billing_period": period,
        "establishment": establishment,
        "items": items,
        "allowance_charges": charges,
    }


def check_bill(payload: BillPayload) -> tuple[Errors, Checked | None]:
    c = Checker()
    values = check_common(c, payload, "bill")
    document = text(payload.document) or "01"
    if catalogs.row("bill_document_types", document) is None:
        c.add("document", "El campo document es inválido.")
    form = text(payload.payment_form) or "1"
    if catalogs.row("payment_forms", form) is None:
        c.add("payment_form", "El campo payment form es inválido.")
    due = None
    if form == "2" or text(payload.payment_due_date) is not None:
        due = c.date("payment_due_date", payload.payment_due_date)
    operation = text(payload.operation_type) or "10"
    if operation != "10":  # mandatos and transporte need data this gateway does not map
        c.add("operation_type", "El campo operation type es inválido.")
    order = None
    if payload.order_reference is not None and text(payload.order_reference.reference_code):
        order = {
            "reference_code": text(payload.order_reference.reference_code),
            "issue_date": text(payload.order_reference.issue_date),
        }
    customer = _customer(c, payload.customer, required=True)
    if c.errors:
        return ordered(c.errors), None
    return {}, Checked(
        customer=customer,
        document=document.zfill(2),
        payment_form=form,
        payment_due_date=due,
        operation_type=operation,
        order_reference=order,
        **values,  # type: ignore[arg-type]
    )


def check_note(payload: NotePayload, kind: Kind) -> tuple[Errors, Checked | None]:
    """A credit or debit note; whether ``bill_id`` names a bill is the handler's check."""
    c = Checker()
    values = check_common(c, payload, kind)
    title = NOTE_TITLES[kind]
    concept = text(payload.correction_concept_code)
    if concept is None:
        c.add("correction_concept_code", "El campo código de corrección es obligatorio.")
    elif catalogs.row(CONCEPTS[kind], concept) is None:
        c.add("correction_concept_code", "El campo código de corrección es inválido.")
    customization = text(payload.customization_id)
    if customization is None:
        c.add("customization_id", f"El campo Tipo de {title} es obligatorio.")
    elif catalogs.row(CUSTOMIZATIONS[kind], customization) is None:
        c.add("customization_id", f"El campo Tipo de {title} es inválido.")
        customization = None
    bill_id = None
    if text(payload.bill_id) is not None:
        bill_id = as_int(payload.bill_id)
        if bill_id is None or bill_id < 1:
            c.add("bill_id", "La factura seleccionada no existe.")
    elif customization is not None and customization not in WITHOUT_REFERENCE:
        c.add("bill_id", "El campo bill id es obligatorio.")
    if customization in WITHOUT_REFERENCE and payload.billing_period is None:
        c.add("billing_period", "El campo billing period es obligatorio.")
    customer = _customer(c, payload.customer, required=bill_id is None)
    if c.errors:
        return ordered(c.errors), None
    return {}, Checked(
        customer=customer,
        correction_concept_code=concept,
        customization_id=customization,
        bill_id=bill_id,
        **values,  # type: ignore[arg-type]
    )
