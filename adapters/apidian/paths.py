"""Canonical field paths back to APIDIAN's, for the engine's findings in a 422.

Core's pre-flight names fields of the canonical document (``lines[0].quantity``,
``declared_totals.payable``, ``customer.dv``); the client gets them on the path it sent
(``invoice_lines.0.invoiced_quantity``, ``legal_monetary_totals.payable_amount``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from adapters.apidian.document_rules import LINES, TOTALS, Endpoint, party_key

_LINE_FIELDS = {
    "quantity": "invoiced_quantity",
    "unit_price": "price_amount",
    "unit_code": "unit_measure_id",
    "description": "description",
    "code": "code",
    "taxes": "tax_totals",
    "withholdings": "tax_totals",
    "allowances_charges": "allowance_charges",
    "free_of_charge": "reference_price_id",
    "standard_item_id": "type_item_identification_id",
    "purchase_period": "start_date",
}
_TOTALS = {
    "line_extension": "line_extension_amount",
    "tax_exclusive": "tax_exclusive_amount",
    "tax_inclusive": "tax_inclusive_amount",
    "allowance_total": "allowance_total_amount",
    "charge_total": "charge_total_amount",
    "prepaid": "pre_paid_amount",
    "payable": "payable_amount",
}
_PARTY = {
    "id_number": "identification_number",
    "id_type": "type_document_identification_id",
    "organization_type": "type_organization_id",
    "tax_level_codes": "type_liability_id",
    "tax_scheme": "tax_id",
    "address": "address",
    "contact": "email",
}
_TOP = {
    "issue_date": "date",
    "issue_time": "time",
    "number": "number",
    "prefix": "prefix",
    "payment": "payment_form",
    "billing_reference": "billing_reference",
    "discrepancy": "discrepancyresponsecode",
    "invoice_period": "invoice_period",
    "allowances_charges": "allowance_charges",
    "point_of_sale": "cash_information",
    "operation_type": "type_operation_id",
    "type_code": "type_document_id",
    "notes": "notes",
}
# canonical fields an APIDIAN body gives as one flat field
_FLAT = {
    "exchange_rate": "calculationrate",
    "currency": "idcurrency",
    "delivery_terms": "deliveryterms.loss_risk_responsibility_code",
    "additional_references": "AdditionalDocumentReferenceID",
}
_INDEX = re.compile(r"\[(\d+)\]")


def apidian_path(endpoint: Endpoint) -> Callable[[str], str]:
    """``lines[0].quantity`` -> ``invoice_lines.0.invoiced_quantity`` for ``endpoint``."""

    def translate(canonical: str) -> str:
        parts = _INDEX.sub(r".\1", canonical).split(".") if canonical else []
        if not parts:
            return "body"
        head, rest = parts[0], parts[1:]
        if head in _FLAT:
            return _FLAT[head]
        if head == "lines":
            out = [LINES[endpoint]]
            if rest and rest[0].isdigit():
                out.append(rest.pop(0))
            if rest:
                out.append(_LINE_FIELDS.get(rest[0], rest[0]))
                out.extend(rest[1:2] if rest[1:2] and rest[1].isdigit() else [])
            return ".".join(out)
        if head == "declared_totals":
            return ".".join([TOTALS[endpoint], *(_TOTALS.get(p, p) for p in rest[:1])])
        if head in ("customer", "supplier"):
            name = party_key(endpoint) if head == "customer" else "establishment"
            return ".".join([name, *(_PARTY.get(p, p) for p in rest[:1])])
        return ".".join([_TOP.get(head, head), *rest])

    return translate
