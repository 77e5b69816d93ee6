"""Factus v1 request bodies for bills, credit notes and debit notes, as msgspec Structs.

Every field is optional here so a missing one becomes Factus' own "es obligatorio" message on
its path (``document_checks``) instead of msgspec stopping at the first. Factus' clients send
ids and codes as numbers or strings (its own examples send ``"tribute_id": "21"``), so both
are accepted; amounts are ``Decimal`` or text (never a float). Unknown fields are ignored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

Short = Annotated[str, msgspec.Meta(max_length=100)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Id = Short | int  # ids and codes: 70 or "70"
Amount = Decimal  # 80000, 80000.5 or "80000.00" (msgspec reads both into a Decimal)
Flag = bool | Id  # send_email: true / 1 / "1"


class Customer(msgspec.Struct, kw_only=True):
    identification_document_id: Id | None = None
    identification: Id | None = None
    dv: Id | None = None
    company: Text | None = None
    trade_name: Text | None = None
    names: Text | None = None
    address: Text | None = None
    email: Short | None = None
    phone: Short | None = None
    legal_organization_id: Id | None = None
    tribute_id: Id | None = None
    municipality_id: Id | None = None


class WithholdingTax(msgspec.Struct, kw_only=True):
    code: Id | None = None
    withholding_tax_rate: Amount | None = None


class Item(msgspec.Struct, kw_only=True):
    scheme_id: Id | None = None
    note: Text | None = None
    code_reference: Id | None = None
    name: Text | None = None
    quantity: Amount | None = None
    discount_rate: Amount | None = None
    price: Amount | None = None
    tax_rate: Amount | None = None
    unit_measure_id: Id | None = None
    standard_code_id: Id | None = None
    is_excluded: Id | None = None
    tribute_id: Id | None = None
    withholding_taxes: Annotated[list[WithholdingTax], msgspec.Meta(max_length=10)] | None = None


class BillingPeriod(msgspec.Struct, kw_only=True):
    start_date: Short | None = None
    start_time: Short | None = None
    end_date: Short | None = None
    end_time: Short | None = None


class Establishment(msgspec.Struct, kw_only=True):
    name: Text | None = None
    address: Text | None = None
    phone_number: Short | None = None
    email: Short | None = None
    municipality_id: Id | None = None


class AllowanceChargeIn(msgspec.Struct, kw_only=True):
    concept_type: Id | None = None
    is_surcharge: Flag | None = None
    reason: Text | None = None
    base_amount: Amount | None = None
    amount: Amount | None = None


class OrderReferenceIn(msgspec.Struct, kw_only=True):
    reference_code: Short | None = None
    issue_date: Short | None = None


Items = Annotated[list[Item], msgspec.Meta(max_length=500)]


class DocumentPayload(msgspec.Struct, kw_only=True):
    """What bills and notes share."""

    numbering_range_id: Id | None = None
    reference_code: Id | None = None
    observation: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    payment_method_code: Id | None = None
    send_email: Flag | None = None
    billing_period: BillingPeriod | None = None
    establishment: Establishment | None = None
    customer: Customer | None = None
    items: Items | None = None
    allowance_charges: Annotated[list[AllowanceChargeIn], msgspec.Meta(max_length=20)] | None = None


class BillPayload(DocumentPayload, kw_only=True):
    """Body of ``POST /v1/bills/validate`` (research §3)."""

    document: Id | None = None
    payment_form: Id | None = None
    payment_due_date: Short | None = None
    operation_type: Id | None = None
    order_reference: OrderReferenceIn | None = None


class NotePayload(DocumentPayload, kw_only=True):
    """Body of ``POST /v1/credit-notes/validate`` and ``/v1/debit-notes/validate`` (§4)."""

    correction_concept_code: Id | None = None
    customization_id: Id | None = None
    bill_id: Id | None = None


class EmailPayload(msgspec.Struct, kw_only=True):
    """Body of ``POST …/send-email/{number}``: where to (default: the customer's address)."""

    email: Short | None = None
    pdf_base_64_encoded: Annotated[str, msgspec.Meta(max_length=4_000_000)] | None = None
