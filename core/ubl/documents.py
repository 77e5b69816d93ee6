"""The three UBL roots DIAN uses for sales documents, each written in its XSD's element order.

Document types (plugins) call ``build_invoice``, ``build_credit_note`` or ``build_debit_note``
with the few things that differ between them (type code, InvoiceControl, extra extensions);
everything else comes from the ``BuildContext``. The output is unsigned, with an empty
``cbc:UUID`` and ``sts:QRCode`` that ``core.ubl.finalize.apply_unique_code`` fills.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import msgspec
from lxml import etree

from core.model import Document
from core.ubl import formats
from core.ubl.allowances import add_allowance_charges
from core.ubl.context import BuildContext
from core.ubl.delivery import add_delivery
from core.ubl.exchange import add_delivery_terms, add_payment_exchange_rate
from core.ubl.extensions import add_extensions
from core.ubl.lines import add_totals_and_lines
from core.ubl.namespaces import CAC, CBC, RootName, new_root, sub
from core.ubl.parties import add_party
from core.ubl.payments import add_payment_means, add_prepaid_payments
from core.ubl.references import (
    add_additional_references,
    add_billing_reference,
    add_discrepancy,
    add_invoice_period,
    add_order_reference,
)

T = TypeVar("T")

ExtraExtensions = Callable[[etree._Element, BuildContext], None]

_CURRENCY_LIST = {
    "listAgencyID": "6",
    "listAgencyName": "United Nations Economic Commission for Europe",
    "listID": "ISO 4217 Alpha",
}


@dataclass(frozen=True, kw_only=True)
class RootOptions:
    """What a document type decides about its root.

    ``type_code``: ``cbc:InvoiceTypeCode``/``cbc:CreditNoteTypeCode`` (DebitNote has none);
    ``type_code_name``: its ``@name`` (the POS sample carries one);
    ``invoice_control``: write ``sts:InvoiceControl`` (numbered under a resolution);
    ``reference_type_code``: ``cbc:DocumentTypeCode`` inside the BillingReference (only the
    POS credit note's sample carries one; the canonical ``type_code`` is not printed);
    ``reference_scheme_name``: forces the referenced UUID's scheme (POS notes cite a CUDE);
    ``extra_extensions``: appends type-specific ``ext:UBLExtension`` after DianExtensions.
    """

    type_code: str | None = None
    type_code_name: str | None = None
    invoice_control: bool = False
    reference_type_code: str | None = None
    reference_scheme_name: str | None = None
    extra_extensions: ExtraExtensions | None = None


def _start(root_name: RootName, ctx: BuildContext, options: RootOptions) -> etree._Element:
    """Root, extensions and the identification header up to IssueTime (common to all roots)."""
    document = ctx.document
    root = new_root(root_name)
    extensions = add_extensions(root, ctx, invoice_control=options.invoice_control)
    if options.extra_extensions is not None:
        options.extra_extensions(extensions, ctx)
    sub(root, CBC.UBLVersionID, "UBL 2.1")
    sub(root, CBC.CustomizationID, document.operation_type)  # FAD02
    sub(root, CBC.ProfileID, ctx.document_type.profile_id)  # FAD03
    sub(root, CBC.ProfileExecutionID, ctx.environment.profile_execution_id)
    sub(root, CBC.ID, _number(document))  # FAD05a
    sub(
        root,
        CBC.UUID,
        "",
        {
            "schemeID": ctx.environment.profile_execution_id,
            "schemeName": f"{ctx.document_type.unique_code}-SHA384",
        },
    )
    sub(root, CBC.IssueDate, formats.date(_required(document.issue_date, "issue_date")))
    sub(root, CBC.IssueTime, formats.time(_required(document.issue_time, "issue_time")))
    return root


def _type_code(root: etree._Element, tag: str, options: RootOptions) -> None:
    if options.type_code is not None:
        attrs = {"name": options.type_code_name} if options.type_code_name else None
        sub(root, tag, options.type_code, attrs)


def _notes_currency_count(root: etree._Element, document: Document) -> None:
    for note in document.notes:
        sub(root, CBC.Note, note)
    sub(root, CBC.DocumentCurrencyCode, document.currency, _CURRENCY_LIST)  # FAD15a
    sub(root, CBC.LineCountNumeric, str(len(document.lines)))


def _parties(root: etree._Element, ctx: BuildContext) -> None:
    document = ctx.document
    supplier = _required(document.supplier, "supplier")
    add_party(
        root,
        CAC.AccountingSupplierParty,
        supplier,
        supplier=True,
        registration_prefix=document.prefix or None,
    )
    add_party(root, CAC.AccountingCustomerParty, document.customer, supplier=False)


def _note_references(root: etree._Element, document: Document, options: RootOptions) -> None:
    """InvoicePeriod, DiscrepancyResponse, OrderReference, BillingReference (note XSD order)."""
    if document.invoice_period is not None:
        add_invoice_period(root, document.invoice_period)
    if document.discrepancy is not None:
        add_discrepancy(root, document.discrepancy, document.billing_reference)
    if document.order_reference is not None:
        add_order_reference(root, document.order_reference)
    reference = document.billing_reference
    if reference is not None:
        if options.reference_scheme_name:
            reference = msgspec.structs.replace(
                reference, scheme_name=options.reference_scheme_name
            )
        add_billing_reference(root, reference, type_code=options.reference_type_code)


def build_invoice(ctx: BuildContext, options: RootOptions) -> etree._Element:
    """``Invoice``: factura (01), export (02), contingency (03, 04) and the POS equivalent
    document (20); the export and foreign-currency parts appear when the document has them."""
    document, totals, currency = ctx.document, ctx.totals, ctx.document.currency
    root = _start("Invoice", ctx, options)
    if document.due_date is not None:
        sub(root, CBC.DueDate, formats.date(document.due_date))
    _type_code(root, CBC.InvoiceTypeCode, options)
    _notes_currency_count(root, document)
    if document.invoice_period is not None:
        add_invoice_period(root, document.invoice_period)
    if document.order_reference is not None:
        add_order_reference(root, document.order_reference)
    if document.billing_reference is not None:
        add_billing_reference(root, document.billing_reference, type_code=None)
    add_additional_references(root, document.additional_references)
    _parties(root, ctx)
    add_delivery(root, document.delivery)
    add_delivery_terms(root, document.delivery_terms)
    add_payment_means(root, document.payment, document.due_date)
    add_prepaid_payments(root, document.prepaid_payments, currency)
    add_allowance_charges(root, totals.allowances_charges, currency)
    issued = _required(document.issue_date, "issue_date")
    add_payment_exchange_rate(root, document.exchange_rate, currency, issued)
    add_totals_and_lines(
        root,
        "Invoice",
        totals,
        document.lines,
        currency,
        monetary="LegalMonetaryTotal",
        withholdings=True,
    )
    return root


def build_credit_note(ctx: BuildContext, options: RootOptions) -> etree._Element:
    """``CreditNote``: nota crédito (91) and the POS credit adjustment note (94).

    The CreditNote XSD has no PrepaidPayment nor WithholdingTaxTotal."""
    document, totals, currency = ctx.document, ctx.totals, ctx.document.currency
    root = _start("CreditNote", ctx, options)
    _type_code(root, CBC.CreditNoteTypeCode, options)
    _notes_currency_count(root, document)
    _note_references(root, document, options)
    _parties(root, ctx)
    add_delivery(root, document.delivery)
    add_payment_means(root, document.payment, document.due_date)
    add_allowance_charges(root, totals.allowances_charges, currency)
    add_totals_and_lines(
        root,
        "CreditNote",
        totals,
        document.lines,
        currency,
        monetary="LegalMonetaryTotal",
        withholdings=False,
    )
    return root


def build_debit_note(ctx: BuildContext, options: RootOptions) -> etree._Element:
    """``DebitNote``: nota débito (92) and the POS debit adjustment note (93).

    No type-code element exists; totals go in ``cac:RequestedMonetaryTotal`` (DAU01)."""
    document, totals, currency = ctx.document, ctx.totals, ctx.document.currency
    root = _start("DebitNote", ctx, options)
    _notes_currency_count(root, document)
    _note_references(root, document, options)
    _parties(root, ctx)
    add_prepaid_payments(root, document.prepaid_payments, currency)
    add_allowance_charges(root, totals.allowances_charges, currency)
    add_delivery(root, document.delivery)
    add_payment_means(root, document.payment, document.due_date)
    add_totals_and_lines(
        root,
        "DebitNote",
        totals,
        document.lines,
        currency,
        monetary="RequestedMonetaryTotal",
        withholdings=False,
    )
    return root


def _number(document: Document) -> str:
    return _required(document.full_number, "number")


def _required(value: T | None, field: str) -> T:
    if value is None:
        raise ValueError(f"document.{field} must be set before the UBL build")
    return value
