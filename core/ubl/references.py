"""References to other documents and periods: ``cac:InvoicePeriod``, ``cac:DiscrepancyResponse``,
``cac:OrderReference``, ``cac:BillingReference`` (notes, research §6.4/§6.5) and
``cac:AdditionalDocumentReference`` (the paper invoice a contingency invoice 03 transmits)."""

from __future__ import annotations

from lxml import etree

from core.model import (
    AdditionalReference,
    BillingReference,
    Discrepancy,
    OrderReference,
    Period,
    PurchasePeriod,
)
from core.ubl import formats
from core.ubl.namespaces import CAC, CBC, sub


def add_invoice_period(parent: etree._Element, period: Period) -> None:
    """Period a note without reference (22/32) covers, or an invoice's billing period."""
    node = sub(parent, CAC.InvoicePeriod)
    sub(node, CBC.StartDate, formats.date(period.start_date))
    if period.start_time is not None:
        sub(node, CBC.StartTime, formats.time(period.start_time))
    sub(node, CBC.EndDate, formats.date(period.end_date))
    if period.end_time is not None:
        sub(node, CBC.EndTime, formats.time(period.end_time))


# Forma de generación y transmisión of a support-document line (Anexo DS, per-line period)
TRANSMISSIONS = {"1": "Por operación", "2": "Acumulado semanal"}


def add_purchase_period(line: etree._Element, period: PurchasePeriod) -> None:
    """Support document (05/95) line: purchase date and how the purchase is transmitted."""
    node = sub(line, CAC.InvoicePeriod)
    sub(node, CBC.StartDate, formats.date(period.purchase_date))
    sub(node, CBC.DescriptionCode, period.transmission_code)
    sub(node, CBC.Description, TRANSMISSIONS.get(period.transmission_code, ""))


def add_discrepancy(
    parent: etree._Element, discrepancy: Discrepancy, reference: BillingReference | None
) -> None:
    """Why the note exists (ConceptoNotaCredito 1–6 / ConceptoNotaDebito 1–4)."""
    node = sub(parent, CAC.DiscrepancyResponse)
    if reference is not None:
        sub(node, CBC.ReferenceID, reference.number)
    sub(node, CBC.ResponseCode, discrepancy.code)
    sub(node, CBC.Description, discrepancy.description)


def add_order_reference(parent: etree._Element, order: OrderReference) -> None:
    node = sub(parent, CAC.OrderReference)
    sub(node, CBC.ID, order.id)
    if order.issue_date is not None:
        sub(node, CBC.IssueDate, formats.date(order.issue_date))


def add_billing_reference(
    parent: etree._Element, reference: BillingReference, *, type_code: str | None
) -> None:
    """The corrected document: number, CUFE/CUDE with its scheme, issue date (CBG02).

    ``type_code`` goes in ``cbc:DocumentTypeCode`` when given (the POS credit adjustment
    note names the adjusted type, 20).
    """
    node = sub(sub(parent, CAC.BillingReference), CAC.InvoiceDocumentReference)
    sub(node, CBC.ID, reference.number)
    sub(node, CBC.UUID, reference.uuid, {"schemeName": reference.scheme_name})
    sub(node, CBC.IssueDate, formats.date(reference.issue_date))
    if type_code:
        sub(node, CBC.DocumentTypeCode, type_code)


def add_additional_references(
    parent: etree._Element, references: tuple[AdditionalReference, ...]
) -> None:
    """``cac:AdditionalDocumentReference``: ID, IssueDate, DocumentTypeCode (XSD order)."""
    for reference in references:
        node = sub(parent, CAC.AdditionalDocumentReference)
        sub(node, CBC.ID, reference.id)
        if reference.issue_date is not None:
            sub(node, CBC.IssueDate, formats.date(reference.issue_date))
        if reference.type_code:
            sub(node, CBC.DocumentTypeCode, reference.type_code)
