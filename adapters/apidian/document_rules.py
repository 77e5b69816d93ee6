"""APIDIAN's FormRequest rules for the documents Pasarela issues (research Appendix A).

One table per request class: ``InvoiceRequest`` (and its AIU, mandate, export and
contingency variants), ``CreditNoteRequest``, ``DebitNoteRequest``, ``EqDocRequest``,
``SupportDocumentRequest`` and ``sdCreditNoteRequest``. The rules that depend on
the company's resolution (``number`` between its ``from``/``to``, ``date`` inside its
validity, ``ResolutionSetting``) and ``dian_dv`` are checked in ``requests`` once the
resolution is known. Health, transport (RNDC), ``k_supplement`` and public-service fields
are not checked (Pasarela does not issue those kinds); they are accepted and ignored.
"""

from __future__ import annotations

from typing import Literal

Endpoint = Literal[
    "invoice",
    "invoice-aiu",
    "invoice-mandate",
    "invoice-export",
    "invoice-contingency",
    "invoice-contingency-4",
    "credit-note",
    "debit-note",
    "eqdoc",
    "support-document",
    "sd-credit-note",
]

_EXTRAS = {
    "establishment_name": "nullable|string",
    "establishment_address": "nullable|string",
    "establishment_phone": "nullable|numeric|digits_between:7,10",
    "establishment_municipality": "nullable|exists:municipalities",
    "establishment_email": "nullable|string|email",
    "atacheddocument_name_prefix": "nullable|string",
    "seze": "nullable|string",
    "foot_note": "nullable|string",
    "head_note": "nullable|string",
    "disable_confirmation_text": "nullable|boolean",
    "sendmail": "nullable|boolean",
    "sendmailtome": "nullable|boolean",
    "send_customer_credentials": "nullable|boolean",
    "email_cc_list": "nullable|array",
    "email_cc_list.*.email": "nullable|required_with:email_cc_list|string|email",
    "time": "nullable|date_format:H:i:s",
    "notes": "nullable|string",
}

_CUSTOMER = {
    "customer": "required|array",
    "customer.identification_number": "required|alpha_num",
    "customer.dv": "nullable|numeric|digits:1",
    "customer.type_document_identification_id": "nullable|exists:type_document_identifications",
    "customer.type_organization_id": "nullable|exists:type_organizations",
    "customer.language_id": "nullable|exists:languages",
    "customer.country_id": "nullable|exists:countries",
    "customer.municipality_id": "nullable|exists:municipalities",
    "customer.type_regime_id": "nullable|exists:type_regimes",
    "customer.tax_id": "nullable|exists:taxes",
    "customer.type_liability_id": "nullable|exists:type_liabilities",
    "customer.name": "required|string",
    "customer.phone": "nullable|max:20",
    "customer.address": "nullable|string",
    "customer.email": "nullable|email",
    "customer.merchant_registration": "nullable|string",
}

_REFERENCES = {
    "order_reference": "nullable|array",
    "order_reference.id_order": "nullable|string",
    "order_reference.issue_date_order": "nullable|date_format:Y-m-d",
}

# InvoiceRequest and EqDocRequest (the notes' requests have no delivery rules)
_DELIVERY = {
    "delivery": "nullable|array",
    "delivery.language_id": "nullable|exists:languages",
    "delivery.country_id": "nullable|exists:countries",
    "delivery.municipality_id": "nullable|exists:municipalities",
    "delivery.address": "nullable|required_with:delivery|string",
    "delivery.actual_delivery_date": "nullable|required_with:delivery|date_format:Y-m-d",
    "deliveryparty": "nullable|required_with:delivery|array",
    "deliveryparty.identification_number": (
        "nullable|required_with:deliveryparty|numeric|digits_between:1,15"
    ),
    "deliveryparty.type_document_identification_id": (
        "nullable|exists:type_document_identifications"
    ),
    "deliveryparty.type_organization_id": "nullable|exists:type_organizations",
    "deliveryparty.language_id": "nullable|exists:languages",
    "deliveryparty.country_id": "nullable|exists:countries",
    "deliveryparty.municipality_id": "nullable|exists:municipalities",
    "deliveryparty.type_regime_id": "nullable|exists:type_regimes",
    "deliveryparty.tax_id": "nullable|exists:taxes",
    "deliveryparty.type_liability_id": "nullable|exists:type_liabilities",
    "deliveryparty.name": "nullable|required_with:deliveryparty|string",
    "deliveryparty.phone": "nullable|required_with:deliveryparty|string|max:20",
    "deliveryparty.address": "nullable|required_with:deliveryparty|string",
    "deliveryparty.email": "nullable|required_with:deliveryparty|string|email",
    "deliveryparty.merchant_registration": "nullable|string",
}

_DOCUMENT_ALLOWANCES = {
    "allowance_charges": "nullable|array",
    "allowance_charges.*.charge_indicator": "nullable|required_with:allowance_charges|boolean",
    "allowance_charges.*.discount_id": "nullable|exists:discounts",
    "allowance_charges.*.type_discount_id": "nullable|exists:type_discounts",
    "allowance_charges.*.allowance_charge_reason": (
        "nullable|required_with:allowance_charges|string"
    ),
    "allowance_charges.*.amount": "nullable|required_with:allowance_charges|numeric",
    "allowance_charges.*.base_amount": "nullable|required_with:allowance_charges|numeric",
}


def _taxes(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}": "nullable|array",
        f"{prefix}.*.tax_id": "nullable|required_with:allowance_charges|exists:taxes",
        f"{prefix}.*.tax_name": f"nullable|required_if:{prefix}.*.tax_id,15|string",
        f"{prefix}.*.percent": f"nullable|required_unless:{prefix}.*.tax_id,10,2|numeric",
        f"{prefix}.*.tax_amount": "nullable|numeric",
        f"{prefix}.*.taxable_amount": "nullable|numeric",
        f"{prefix}.*.unit_measure_id": (
            f"nullable|required_if:{prefix}.*.tax_id,10|exists:unit_measures"
        ),
        f"{prefix}.*.per_unit_amount": f"nullable|required_if:{prefix}.*.tax_id,10|numeric",
        f"{prefix}.*.base_unit_measure": f"nullable|required_if:{prefix}.*.tax_id,10|numeric",
    }


def _withholdings() -> dict[str, str]:
    return {
        "with_holding_tax_total": "nullable|array",
        "with_holding_tax_total.*.tax_id": "nullable|exists:taxes|numeric",
        "with_holding_tax_total.*.percent": "nullable|numeric",
        "with_holding_tax_total.*.tax_amount": "nullable|numeric",
        "with_holding_tax_total.*.taxable_amount": "nullable|numeric",
    }


def _prepaid() -> dict[str, str]:
    return {
        "prepaid_payment": "nullable|array",
        "prepaid_payment.idpayment": "nullable|string",
        "prepaid_payment.prepaid_payment_type_id": "nullable|exists:prepaid_payment_types",
        "prepaid_payment.paidamount": "nullable|numeric",
        "prepaid_payment.receiveddate": "nullable|date_format:Y-m-d",
        "prepaid_payment.paiddate": "nullable|date_format:Y-m-d",
        "prepaid_payments": "nullable|array",
        "prepaid_payments.*.idpayment": "nullable|string",
        "prepaid_payments.*.paidamount": "nullable|numeric",
        "prepaid_payments.*.receiveddate": "nullable|date_format:Y-m-d",
        "prepaid_payments.*.paiddate": "nullable|date_format:Y-m-d",
        "previous_balance": "nullable|numeric",
    }


def payment_rules(prefix: str) -> dict[str, str]:
    """``payment_form`` as one object (``prefix`` = ``payment_form``) or each array item."""
    return {
        f"{prefix}.payment_form_id": "nullable|exists:payment_forms",
        f"{prefix}.payment_method_id": "nullable|exists:payment_methods",
        f"{prefix}.payment_due_date": (
            f"nullable|required_if:{prefix}.payment_form_id,=,2|after_or_equal:date"
            "|date_format:Y-m-d"
        ),
        f"{prefix}.duration_measure": (
            f"nullable|required_if:{prefix}.payment_form_id,=,2|numeric|digits_between:1,3"
        ),
    }


def _totals(name: str) -> dict[str, str]:
    return {
        name: "required|array",
        f"{name}.line_extension_amount": "required|numeric",
        f"{name}.tax_exclusive_amount": "required|numeric",
        f"{name}.tax_inclusive_amount": "required|numeric",
        f"{name}.allowance_total_amount": "nullable|numeric",
        f"{name}.charge_total_amount": "nullable|numeric",
        f"{name}.pre_paid_amount": "nullable|required_with:prepaid_payment|numeric",
        f"{name}.payable_amount": "required|numeric",
    }


def _lines(name: str) -> dict[str, str]:
    rules = {
        name: "required|array",
        f"{name}.*.unit_measure_id": "required|exists:unit_measures",
        f"{name}.*.invoiced_quantity": "required|numeric",
        f"{name}.*.line_extension_amount": "required|numeric",
        f"{name}.*.free_of_charge_indicator": "required|boolean",
        f"{name}.*.reference_price_id": (
            f"nullable|required_if:{name}.*.free_of_charge_indicator,true|exists:reference_prices"
        ),
        f"{name}.*.allowance_charges": "nullable|array",
        f"{name}.*.allowance_charges.*.charge_indicator": (
            f"nullable|required_with:{name}.*.allowance_charges|boolean"
        ),
        f"{name}.*.allowance_charges.*.allowance_charge_reason": (
            f"nullable|required_with:{name}.*.allowance_charges|string"
        ),
        f"{name}.*.allowance_charges.*.amount": (
            f"nullable|required_with:{name}.*.allowance_charges|numeric"
        ),
        f"{name}.*.allowance_charges.*.base_amount": (
            f"nullable|required_if:{name}.*.allowance_charges.*.charge_indicator,false|numeric"
        ),
        f"{name}.*.allowance_charges.*.multiplier_factor_numeric": "nullable|numeric",
        f"{name}.*.description": "required|string",
        f"{name}.*.notes": "nullable|string",
        f"{name}.*.code": "required",
        f"{name}.*.type_item_identification_id": "required|exists:type_item_identifications",
        f"{name}.*.price_amount": "required|numeric",
        f"{name}.*.base_quantity": "required|numeric",
    }
    rules.update(_taxes(f"{name}.*.tax_totals"))
    rules[f"{name}.*.tax_totals.*.tax_id"] = (
        f"nullable|required_with:{name}.*.tax_totals|exists:taxes"
    )
    rules[f"{name}.*.tax_totals.*.tax_amount"] = (
        f"nullable|required_with:{name}.*.tax_totals|numeric"
    )
    rules[f"{name}.*.tax_totals.*.taxable_amount"] = (
        f"nullable|required_with:{name}.*.tax_totals|numeric"
    )
    return rules


def _common(lines: str, totals: str) -> dict[str, str]:
    # the header first, as in APIDIAN's FormRequests: errors come back in rule order
    rules: dict[str, str] = {
        "type_document_id": "required|exists:type_documents",
        "resolution_number": "nullable",
        "prefix": "nullable|string",
        "number": "required|integer",
        "date": "nullable|date_format:Y-m-d",
        "time": "nullable|date_format:H:i:s",
    }
    for part in (
        _EXTRAS,
        _CUSTOMER,
        _REFERENCES,
        _DOCUMENT_ALLOWANCES,
        _taxes("tax_totals"),
        _withholdings(),
        _prepaid(),
        _totals(totals),
        _lines(lines),
    ):
        rules.update(part)
    rules["type_operation_id"] = "nullable|numeric|exists:type_operations"
    rules["payment_form"] = "nullable|array"
    return rules


def _invoice() -> dict[str, str]:
    rules = _common("invoice_lines", "legal_monetary_totals")
    rules.update(_DELIVERY)
    rules["type_document_id"] = "required|in:1|exists:type_documents"
    rules["resolution_number"] = "nullable"
    rules["prefix"] = "nullable|string"
    rules["invoice_lines.*.purchase_order_number"] = "nullable|string|max:50"
    return rules


def _note(lines: str, totals: str, types: str, codes: str, operations: str) -> dict[str, str]:
    rules = _common(lines, totals)
    rules.pop(f"{totals}.pre_paid_amount")
    rules.update(
        {
            "is_eqdoc": "nullable|boolean",
            "type_document_id": f"required|in:{types}|exists:type_documents",
            "resolution_number": "nullable",
            "prefix": "nullable|string",
            "discrepancyresponsecode": f"nullable|integer|between:{codes}",
            "discrepancyresponsedescription": "nullable|string",
            "type_operation_id": f"nullable|numeric|in:{operations}",
            "billing_reference": "nullable|array",
            "billing_reference.number": "required_with:billing_reference|string",
            "billing_reference.uuid": "required_with:billing_reference|string|size:96",
            "billing_reference.issue_date": "required_with:billing_reference|date_format:Y-m-d",
            "invoice_period": "nullable|array",
            "invoice_period.start_date": "nullable|required_with:invoice_period|date_format:Y-m-d",
            "invoice_period.end_date": "nullable|required_with:invoice_period|date_format:Y-m-d",
        }
    )
    return rules


def _credit_note() -> dict[str, str]:
    rules = _note("credit_note_lines", "legal_monetary_totals", "4,26", "1,6", "7,8,12,30,31,32")
    rules["billing_reference.type_document_id"] = (
        "required_if:type_document_id,=,26|numeric|in:15,16,17,18,19,20,21,22,23,24"
    )
    rules["invoice_period"] = "nullable|required_if:type_operation_id,=,8|array"
    return rules


def _debit_note() -> dict[str, str]:
    rules = _note("debit_note_lines", "requested_monetary_totals", "5,25", "1,4", "4,5,6,30,31,32")
    rules["billing_reference.type_document_id"] = (
        "required_if:type_document_id,=,25|numeric|in:15,16,17,18,19,20,21,22,23,24"
    )
    rules["invoice_period"] = "nullable|required_if:type_operation_id,=,5|array"
    rules["customer.email"] = "required_unless:customer.identification_number,222222222222|email"
    return rules


def _eqdoc() -> dict[str, str]:
    rules = _common("invoice_lines", "legal_monetary_totals")
    rules.update(_DELIVERY)
    rules.update(
        {
            "type_document_id": "required|in:15|exists:type_documents",
            "resolution_number": "nullable",
            "prefix": "nullable|string",
            "postal_zone_code": "nullable|required_if:type_document_id,=,15|numeric",
            "software_manufacturer": "required|array",
            "software_manufacturer.name": "required|string",
            "software_manufacturer.business_name": "required|string",
            "software_manufacturer.software_name": "required|string",
            "buyer_benefits": "nullable|required_if:type_document_id,=,15|array",
            "buyer_benefits.code": "nullable|required_with:buyer_benefits",
            "buyer_benefits.name": "nullable|required_with:buyer_benefits|string",
            "buyer_benefits.points": "nullable|required_with:buyer_benefits",
            "cash_information": "nullable|required_if:type_document_id,=,15|array",
            "cash_information.plate_number": "nullable|required_with:cash_information|string",
            "cash_information.location": "nullable|required_with:cash_information|string",
            "cash_information.cashier": "nullable|required_with:cash_information|string",
            "cash_information.cash_type": "nullable|required_with:cash_information|string",
            "cash_information.sales_code": "nullable|required_with:cash_information|string",
            "cash_information.subtotal": "nullable|required_with:cash_information|numeric",
        }
    )
    return rules


_CURRENCY = {
    "idcurrency": "nullable|integer|exists:type_currencies",
    "calculationrate": "nullable|required_with:idcurrency|numeric",
    "calculationratedate": "nullable|required_with:idcurrency|date_format:Y-m-d",
}

# the invoice variants that validate payment_form as one object and every discount's code
_SINGLE_PAYMENT = {
    "allowance_charges.*.discount_id": (
        "nullable|required_if:allowance_charges.*.charge_indicator,false|exists:discounts"
    ),
    "tax_totals.*.percent": "nullable|required_unless:tax_totals.*.tax_id,10|numeric",
}


def _single_payment(lines: str) -> dict[str, str]:
    rules = dict(_SINGLE_PAYMENT)
    rules[f"{lines}.*.tax_totals.*.percent"] = (
        f"nullable|required_unless:{lines}.*.tax_totals.*.tax_id,10|numeric"
    )
    return rules


def _export() -> dict[str, str]:
    """``InvoiceExportRequest``: type 2, a foreign buyer with full contact, incoterms."""
    rules = _invoice()
    rules.pop("invoice_lines.*.purchase_order_number")
    rules.pop("legal_monetary_totals.pre_paid_amount")
    rules.update(_single_payment("invoice_lines"))
    rules.update(_CURRENCY)
    rules.update(
        {
            "type_document_id": "required|in:2|exists:type_documents",
            "customer.municipality_name": "nullable|string",
            "customer.state_name": "nullable|string",
            "customer.phone": "required|string|max:20",
            "customer.address": "required|string",
            "customer.email": "required|string|email",
            "customer.merchant_registration": "required|string",
            "deliveryterms": "required|array",
            "deliveryterms.special_terms": "required|string",
            "deliveryterms.loss_risk_responsibility_code": (
                "required|string|in:CFR,CIP,CPT,DAP,DAT,DDP,FOB,EXW,CIF,FAS,FCA"
            ),
            "deliveryterms.loss_risk": "required|string",
            "invoice_lines.*.brandname": "nullable|string",
            "invoice_lines.*.modelname": "nullable|string",
        }
    )
    return rules


def _contingency(type_id: str) -> dict[str, str]:
    """``InvoiceContingencyRequest`` (type 3) and ``InvoiceContingencyType4Request`` (12)."""
    rules = _invoice()
    rules.pop("invoice_lines.*.purchase_order_number")
    rules.pop("legal_monetary_totals.pre_paid_amount")
    rules.update(_single_payment("invoice_lines"))
    rules.update(_CURRENCY)
    unless_final = "required_unless:customer.identification_number,222222222222"
    rules.update(
        {
            "type_document_id": f"required|in:{type_id}|exists:type_documents",
            "time": "required|date_format:H:i:s",
            "customer.phone": f"{unless_final}|string|max:20",
            "customer.address": f"{unless_final}|string",
            "customer.email": f"{unless_final}|string|email",
            "customer.merchant_registration": "required|string",
        }
    )
    if type_id == "3":
        rules.update(
            {
                "AdditionalDocumentReferenceID": "required|string",
                "AdditionalDocumentReferenceDate": "required|date_format:Y-m-d",
                "AdditionalDocumentReferenceTypeDocument": (
                    "required|string|exists:type_documents,code"
                ),
            }
        )
    return rules


_SELLER = {
    "seller": "required|array",
    "seller.identification_number": "required|alpha_num",
    "seller.dv": "nullable|numeric|digits:1",
    "seller.type_document_identification_id": "nullable|exists:type_document_identifications",
    "seller.type_organization_id": "nullable|exists:type_organizations",
    "seller.language_id": "nullable|exists:languages",
    "seller.country_id": "nullable|exists:countries",
    "seller.municipality_id": "nullable|exists:municipalities",
    "seller.type_regime_id": "nullable|exists:type_regimes",
    "seller.tax_id": "nullable|exists:taxes",
    "seller.type_liability_id": "nullable|exists:type_liabilities",
    "seller.name": "required|string",
    "seller.phone": "required|string|max:20",
    "seller.address": "required|string",
    "seller.email": "nullable|string|email",
    "seller.merchant_registration": "required|string",
    "seller.postal_zone_code": "required|numeric",
}


def _support(lines: str) -> dict[str, str]:
    """``SupportDocumentRequest`` (type 11): the party is the ``seller``, each line says how
    it was generated (``type_generation_transmition_id``) and from when (``start_date``)."""
    rules = {
        k: v
        for k, v in _common(lines, "legal_monetary_totals").items()
        if not k.startswith("customer")
    }
    rules.update(_SELLER)
    rules.update(_single_payment(lines))
    rules.update(_CURRENCY)
    rules.pop("legal_monetary_totals.pre_paid_amount")
    rules.update(
        {
            "type_document_id": "required|in:11|exists:type_documents",
            "type_operation_id": "nullable|in:23,24",
            f"{lines}.*.code": "required|string",
        }
    )
    if lines == "invoice_lines":
        rules.update(_DELIVERY)
        rules[f"{lines}.*.type_generation_transmition_id"] = (
            "required|exists:type_generation_transmitions"
        )
        rules[f"{lines}.*.start_date"] = "required|date_format:Y-m-d"
    return rules


def _sd_credit_note() -> dict[str, str]:
    """``sdCreditNoteRequest`` (type 13): the adjustment note of a support document."""
    rules = {
        k: v
        for k, v in _support("credit_note_lines").items()
        if not k.startswith(("with_holding_tax_total", "prepaid_payment", "previous_balance"))
    }
    rules.update(
        {
            "type_document_id": "required|in:13|exists:type_documents",
            "discrepancyresponsecode": "nullable|integer|between:1,5",
            "discrepancyresponsedescription": "nullable|string",
            "billing_reference": "required|array",
            "billing_reference.number": "required|string",
            "billing_reference.uuid": "required|string|size:96",
            "billing_reference.issue_date": "required|date_format:Y-m-d",
        }
    )
    return rules


RULES: dict[Endpoint, dict[str, str]] = {
    "invoice": _invoice(),
    "invoice-aiu": {**_invoice(), "noteAIU": "required|string"},
    "invoice-mandate": {
        **_invoice(),
        "invoice_lines.*.agentparty": "nullable|numeric|digits_between:1,15",
        "invoice_lines.*.agentparty_dv": "nullable|numeric|digits:1",
    },
    "invoice-export": _export(),
    "invoice-contingency": _contingency("3"),
    "invoice-contingency-4": _contingency("12"),
    "credit-note": _credit_note(),
    "debit-note": _debit_note(),
    "eqdoc": _eqdoc(),
    "support-document": _support("invoice_lines"),
    "sd-credit-note": _sd_credit_note(),
}
LINES: dict[Endpoint, str] = {
    endpoint: "invoice_lines" for endpoint in RULES if endpoint != "credit-note"
} | {
    "credit-note": "credit_note_lines",
    "debit-note": "debit_note_lines",
    "sd-credit-note": "credit_note_lines",
}
TOTALS: dict[Endpoint, str] = {endpoint: "legal_monetary_totals" for endpoint in RULES} | {
    "debit-note": "requested_monetary_totals"
}


def party_key(endpoint: Endpoint) -> str:
    """Where the other party of the document is: ``seller`` on a support document (the
    company buys), ``customer`` everywhere else."""
    return "seller" if endpoint in ("support-document", "sd-credit-note") else "customer"
