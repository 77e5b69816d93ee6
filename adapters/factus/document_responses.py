"""Factus' bodies for bills, credit notes and debit notes (research §5, the seed).

Built from what was stored with each document: the checked Factus document (``Checked``,
in ``dialect_data``), the stored row (number, CUFE/CUDE, status, DIAN's messages) and the
tenant. Money is a string with two decimals except ``items[].total``, a JSON number; dates
are ``dd-mm-YYYY hh:mm:ss AM`` in Bogotá time; a customer's ``dv`` is ``null`` unless it is a
NIT; ``status`` is 1 once DIAN validated the document, else 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import msgspec
import segno

from adapters.factus import catalogs
from adapters.factus.amounts import DocumentAmounts, ItemAmounts
from adapters.factus.checks import Checked, CheckedCustomer
from adapters.factus.mapping import amounts_of, display_name
from adapters.factus.support_checks import CheckedSupport
from core.api import (
    BOGOTA,
    DocumentStatus,
    NumberingRange,
    Party,
    StoredDocument,
    TenantView,
    UnsafeXml,
    check_digit,
    parse_xml,
    to_bogota,
)

OK, SUCCESS = "OK", "Solicitud exitosa"
DOCUMENT_NAMES = {
    "bill": "factura",
    "credit_note": "nota crédito",
    "debit_note": "nota débito",
    "support_document": "documento soporte",
    "adjustment_note": "nota de ajuste",
}
PENDING_MESSAGES = {  # 409 of a validate while one of the kind waits for DIAN
    kind: f"Se encontró {'un' if kind == 'support_document' else 'una'} {name} pendiente por "
    "enviar a la DIAN"
    for kind, name in DOCUMENT_NAMES.items()
}
NOT_VALIDATED_MESSAGES = {  # 409 of a download or e-mail of a document DIAN has not validated
    "bill": "La factura no ha sido validada",
    "credit_note": "La nota crédito no ha sido validada",
    "debit_note": "La nota débito no ha sido validada",
    "support_document": "El documento soporte no ha sido validado",
    "adjustment_note": "La nota de ajuste no ha sido validada",
}

_ENCODER = msgspec.json.Encoder(decimal_format="number")


def encode(body: object) -> bytes:
    """JSON; ``Decimal`` values (only ``items[].total``) as numbers."""
    return _ENCODER.encode(body)


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def number(value: Decimal) -> Decimal:
    """``80000.00`` -> ``80000``; ``40000.50`` stays as it is."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def factus_time(moment: dt.datetime | None) -> str | None:
    """``20-09-2024 09:13:43 AM`` (Bogotá)."""
    if moment is None:
        return None
    return to_bogota(moment).strftime("%d-%m-%Y %I:%M:%S %p")


def factus_date(day: dt.date | None) -> str | None:
    return day.strftime("%d-%m-%Y") if day else None


def qr_image(url: str) -> str:
    """``data:image/png;base64, <png>`` (Factus writes a space after the comma)."""
    png = segno.make_qr(url, error="m").png_data_uri(scale=4)
    return "data:image/png;base64, " + png.split(",", 1)[1]


def _check_digit(identification: str) -> str | None:
    digits = identification.replace("-", "")
    return check_digit(digits) if digits.isdigit() else None


def entry(table: str, key: int | str | None) -> dict[str, Any] | None:
    if key is None:
        return None
    found = catalogs.row(table, key)
    if found is None:
        return None
    return {"id": found.id, "code": found.code, "name": found.name}


def code_name(table: str, key: str | int | None) -> dict[str, Any] | None:
    found = catalogs.row(table, key) if key is not None else None
    if found is None and key is not None:
        found = catalogs.by_code(table, str(key))
    return {"code": found.code, "name": found.name} if found else None


def checked_of(stored: StoredDocument) -> Checked | None:
    """The Factus document stored with a row (``None`` for another dialect's)."""
    data = ((stored.dialect_data or {}).get("dialect") or {}).get("checked")
    return msgspec.convert(data, Checked, strict=False) if data is not None else None


def bill_info(stored: StoredDocument) -> dict[str, Any]:
    """What a note keeps of the bill it corrects."""
    return ((stored.dialect_data or {}).get("dialect") or {}).get("bill") or {}


def notes_of(stored: StoredDocument, kind: str) -> list[dict[str, Any]]:
    """``credit_notes`` / ``debit_notes`` of a bill: ``[{id, number}]`` of the notes issued on
    it (kept with the bill as they are issued, dropped when deleted)."""
    found = ((stored.dialect_data or {}).get("dialect") or {}).get("notes") or []
    return [{"id": n["id"], "number": n["number"]} for n in found if n.get("kind") == kind]


def company(tenant: TenantView) -> dict[str, Any]:
    party = tenant.party
    address = party.address
    contact = party.contact
    return {
        "url_logo": None,
        "nit": tenant.nit,
        "dv": tenant.dv,
        "company": party.name,
        "name": party.trade_name or party.name,
        "graphic_representation_name": party.name,
        "registration_code": party.commercial_registration,
        "economic_activity": party.industry_code,
        "phone": contact.telephone if contact else None,
        "email": contact.email if contact else None,
        "direction": address.line if address else None,
        "municipality": address.city_name if address else None,
    }


def customer(checked: CheckedCustomer | None, party: Party | None) -> dict[str, Any]:
    """The customer block: from the Factus fields sent, else from the canonical party (a note
    that took its bill's customer from another dialect's bill)."""
    if checked is not None:
        municipality = entry("municipalities", checked.municipality_id)
        doc = catalogs.row("identification_document_ids", checked.identification_document_id)
        nit = doc is not None and doc.code == "31"
        return {
            "identification": checked.identification,
            "dv": (checked.dv or _check_digit(checked.identification)) if nit else None,
            "graphic_representation_name": display_name(checked),
            "trade_name": checked.trade_name,
            "company": checked.company,
            "names": checked.names,
            "address": checked.address,
            "email": checked.email,
            "phone": checked.phone,
            "legal_organization": entry("legal_organizations", checked.legal_organization_id),
            "tribute": entry("customer_tributes", checked.tribute_id),
            "municipality": municipality,
        }
    assert party is not None
    legal = 1 if party.organization_type == "1" else 2
    tribute = catalogs.by_code("customer_tributes", party.tax_scheme)
    return {
        "identification": party.id_number,
        "dv": party.dv,
        "graphic_representation_name": party.name,
        "trade_name": party.trade_name or "",
        "company": party.name if legal == 1 else "",
        "names": party.name if legal == 2 else "",
        "address": party.address.line if party.address else None,
        "email": party.contact.email if party.contact else None,
        "phone": party.contact.telephone if party.contact else None,
        "legal_organization": entry("legal_organizations", legal),
        "tribute": entry("customer_tributes", tribute.id if tribute else 21),
        "municipality": None,
    }


def _establishment(checked: Checked) -> dict[str, Any] | None:
    if not checked.establishment:
        return None
    out = dict(checked.establishment)
    found = catalogs.row("municipalities_with_department", out.get("municipality_id") or 0)
    if found is not None:
        department = found.extra.get("department")
        out["municipality_id"] = {
            "id": found.id,
            "code": found.code,
            "name": found.name,
            "department": {"code": found.code[:2], "name": department},
        }
    return out


def items(checked: Checked, amounts: DocumentAmounts) -> list[dict[str, Any]]:
    out = []
    for item, figures in zip(checked.items, amounts.items, strict=True):
        row: dict[str, Any] = {}
        if checked.kind == "bill":
            row["scheme_id"] = item.scheme_id
        row |= {
            "note": item.note,
            "code_reference": item.code_reference,
            "name": item.name,
            "quantity": item.quantity,
            "discount_rate": money(item.discount_rate),
            "discount": money(figures.discount),
            "gross_value": money(figures.gross_value),
            "tax_rate": money(item.tax_rate),
            "taxable_amount": money(figures.taxable_amount),
            "tax_amount": money(figures.tax_amount),
            "price": money(item.price),
            "is_excluded": int(item.is_excluded),
            "unit_measure": entry("unit_measures", item.unit_measure_id),
            "standard_code": entry("standard_codes", item.standard_code_id),
            "tribute": entry("product_tributes", item.tribute_id),
            "total": number(figures.total),
            "withholding_taxes": item_withholdings(figures),
        }
        if checked.kind == "bill":
            row["mandate"] = None
        out.append(row)
    return out


def item_withholdings(figures: ItemAmounts) -> list[dict[str, Any]]:
    """An item's ``withholding_taxes``: each with its value and its rate."""
    return [
        {
            "tribute_code": held.code,
            "name": withholding_name(held.code),
            "value": money(held.value),
            "rates": [
                {"code": held.code, "name": withholding_name(held.code), "rate": money(held.rate)}
            ],
        }
        for held in figures.withholdings
    ]


def withholding_name(code: str) -> str:
    found = catalogs.by_code("withholding_taxes", code)
    return found.name if found else code


def withholding_taxes(amounts: DocumentAmounts) -> list[dict[str, Any]]:
    return [
        {"tribute_code": code, "name": withholding_name(code), "value": money(value)}
        for code, value in amounts.withholdings
    ]


def validated(stored: StoredDocument) -> bool:
    return stored.status == DocumentStatus.ACCEPTED


_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def validated_at(stored: StoredDocument) -> dt.datetime | None:
    """When DIAN validated the document: its ApplicationResponse's issue date and time (the
    row's last change when there is none to read)."""
    if not validated(stored):
        return None
    try:
        root = parse_xml((stored.application_response or "").encode("utf-8"))
        day = root.findtext(f"{{{_CBC}}}IssueDate") or ""
        time = (root.findtext(f"{{{_CBC}}}IssueTime") or "")[:8]
        return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BOGOTA)
    except (UnsafeXml, ValueError, TypeError, SyntaxError):
        return stored.updated_at


def errors_of(stored: StoredDocument) -> list[str]:
    """DIAN's messages (rejections and notifications); the gateway's own error when DIAN
    never answered."""
    found = list(stored.dian_errors)
    if not found and stored.status != DocumentStatus.ACCEPTED and stored.last_error:
        found = [stored.last_error]
    return found


def document_data(
    stored: StoredDocument,
    checked: Checked,
    tenant: TenantView,
    *,
    qr_url: str,
    numbering_range: NumberingRange | None = None,
    party: Party | None = None,
    credit_notes: Sequence[Mapping[str, Any]] = (),
    debit_notes: Sequence[Mapping[str, Any]] = (),
    show: bool = False,
) -> dict[str, Any]:
    """``data`` of a bill or note: what ``validate`` and ``show`` answer."""
    amounts = amounts_of(checked)
    code = stored.unique_code or ""
    ok = validated(stored)
    head: dict[str, Any] = {"id": stored.id}
    if checked.kind == "bill":
        head |= {
            "document": code_name("bill_document_types", checked.document),
            "operation_type": code_name("bill_operation_types", checked.operation_type),
            "order_reference": checked.order_reference,
        }
    head |= {
        "number": stored.full_number,
        "reference_code": checked.reference_code,
        "status": 1 if ok else 0,
        "send_email": int(bool(checked.send_email)),
        "qr": qr_url,
        ("cufe" if checked.kind == "bill" else "cude"): code,
        "validated": factus_time(validated_at(stored)),
    }
    if checked.kind != "bill":
        head |= {"discount_rate": "0.00", "discount": money(amounts.discount_amount)}
    head |= {
        "gross_value": money(amounts.gross_value),
        "taxable_amount": money(amounts.taxable_amount),
        "tax_amount": money(amounts.tax_amount),
        "discount_amount": money(amounts.discount_amount),
        "surcharge_amount": money(amounts.surcharge_amount),
        "total": money(amounts.total),
        "observation": checked.observation,
        "errors": errors_of(stored),
        "created_at": factus_time(stored.created_at),
    }
    if checked.kind == "bill":
        head |= {
            "payment_due_date": checked.payment_due_date.isoformat()
            if checked.payment_due_date
            else None,
            "qr_image": qr_image(qr_url),
            "has_claim": 0,
            "is_negotiable_instrument": 0,
            "payment_form": code_name("payment_forms", checked.payment_form),
            "payment_method": code_name("payment_methods", checked.payment_method_code),
        }
    else:
        bill = bill_info(stored)
        method = code_name("payment_methods", checked.payment_method_code) or {}
        head |= {
            "qr_image": qr_image(qr_url),
            "bill_id": checked.bill_id,
            "cufe": bill.get("cufe"),
            "number_bill": bill.get("number"),
            "payment_method": {"name": method.get("name"), "code": method.get("code")},
            "customization_id": code_name(
                f"{checked.kind}_customization_ids", checked.customization_id
            ),
            "correction_concept": code_name(
                f"{checked.kind}_correction_concepts", checked.correction_concept_code
            ),
        }
        if show:
            head |= {"billing_period": _period(checked) or [], "allowance_charges": []}
    data: dict[str, Any] = {"company": company(tenant)}
    establishment = _establishment(checked)
    if establishment is not None:
        data["establishment"] = establishment
    data["customer"] = customer(checked.customer, party)
    if checked.kind == "bill":
        data["numbering_range"] = range_block(numbering_range)
        data["billing_period"] = _period(checked) or []
    data[checked.kind] = head
    if checked.kind == "bill":
        data["related_documents"] = []
    data["items"] = items(checked, amounts)
    if checked.kind == "bill":
        data["allowance_charges"] = [
            {
                "concept_type": code_name("allowance_charge_concepts", c.concept_type),
                "is_surcharge": c.is_surcharge,
                "reason": c.reason,
                "base_amount": money(c.base_amount),
                "percentage": money(c.amount * 100 / c.base_amount) if c.base_amount else "0.00",
                "amount": money(c.amount),
            }
            for c in checked.allowance_charges
        ]
    data["withholding_taxes"] = withholding_taxes(amounts)
    if checked.kind == "bill":
        data |= {
            "mandate": None,
            "credit_notes": list(credit_notes),
            "debit_notes": list(debit_notes),
        }
    return data


def _period(checked: Checked) -> dict[str, Any] | None:
    bp = checked.billing_period
    if bp is None:
        return None
    return {
        "start_date": bp.start_date.isoformat(),
        "start_time": bp.start_time,
        "end_date": bp.end_date.isoformat(),
        "end_time": bp.end_time,
    }


def range_block(found: NumberingRange | None) -> dict[str, Any] | None:
    if found is None:
        return None
    months = (found.valid_to.year - found.valid_from.year) * 12 + (
        found.valid_to.month - found.valid_from.month
    )
    return {
        "prefix": found.prefix,
        "from": found.from_number,
        "to": found.to_number,
        "resolution_number": found.resolution_number,
        "start_date": factus_date(found.valid_from),
        "end_date": factus_date(found.valid_to),
        "months": months,
    }


def created_message(checked: Checked | CheckedSupport, stored: StoredDocument) -> str:
    ref = checked.reference_code
    if validated(stored):
        return f"Documento con el código de referencia {ref} registrado y validado con éxito"
    if stored.status == DocumentStatus.PENDING:
        return (
            f"Documento con el código de referencia {ref} registrado; "
            "pendiente por validar en la DIAN"
        )
    return (
        f"Documento con el código de referencia {ref} registrado; la DIAN no lo validó (ver errors)"
    )


def list_row(stored: StoredDocument, checked: Checked | None, api_client_name: str) -> dict:
    """One row of ``GET /v1/bills`` (or of a notes list)."""
    cust = checked.customer if checked else None
    row: dict[str, Any] = {"id": stored.id}
    kind = checked.kind if checked else "bill"
    if kind == "bill":
        row["document"] = code_name("bill_document_types", checked.document if checked else "01")
    row |= {
        "number": stored.full_number,
        "api_client_name": api_client_name,
        "reference_code": checked.reference_code if checked else stored.reference,
        "identification": stored.customer_id,
        "graphic_representation_name": stored.customer_name,
        "company": cust.company if cust else "",
        "trade_name": cust.trade_name if cust else "",
        "names": cust.names if cust else "",
        "email": cust.email if cust else None,
        "total": money(amounts_of(checked).total) if checked else money(stored.payable or 0),
        "status": 1 if validated(stored) else 0,
        "errors": errors_of(stored),
        "send_email": int(bool(checked.send_email)) if checked else 0,
    }
    if kind == "bill":
        row |= {
            "has_claim": 0,
            "is_negotiable_instrument": 0,
            "payment_form": code_name("payment_forms", checked.payment_form if checked else "1"),
        }
    row["created_at"] = factus_time(stored.created_at)
    if kind == "bill":
        row |= {
            "credit_notes": notes_of(stored, "credit_note"),
            "debit_notes": notes_of(stored, "debit_note"),
        }
    return row
