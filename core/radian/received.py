"""Invoices received from suppliers: verify, store and list them.

A buyer cannot recompute a CUFE by itself (the formula ends with the supplier's technical key,
which only the supplier and DIAN know), so the CUFE is checked where it can be: its form, and
DIAN's own record of it (GetStatus with the tenant's certificate): DIAN must hold a validated
document with this CUFE, this number and this supplier. The XAdES signature is verified
locally. Nothing is stored unless all of it holds.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from core.errors import NotFound, SignatureInvalid
from core.issuing import IssueService
from core.radian.errors import ReceivedDocumentRefused
from core.radian.records import ReceivedInvoice, ReceivedPage
from core.signing.xades import verify_xades
from core.storage.radian import RadianRepository
from core.tenancy.tenants import TenantService
from core.ubl.namespaces import CAC, attribute_at, text_at
from core.xml_parsing import UnsafeXml, parse_xml

_CUFE = re.compile(r"^[0-9a-f]{96}$")
_SUPPLIER = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
_CUSTOMER = "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme"
_TOTALS = "cac:LegalMonetaryTotal"


def _refuse(rule: str, message: str) -> ReceivedDocumentRefused:
    return ReceivedDocumentRefused(rule, message, "xml")


def _parse(xml: bytes, what: str) -> etree._Element:
    try:
        return parse_xml(xml)
    except UnsafeXml as exc:
        raise _refuse("ZB01", f"{what} no es un XML válido: {exc}") from exc


def invoice_of(xml: bytes) -> tuple[etree._Element, bytes]:
    """The signed invoice inside an AttachedDocument, or the XML itself when it is one."""
    root = _parse(xml, "El archivo")
    if etree.QName(root).localname == "AttachedDocument":
        inner = text_at(root, "cac:Attachment/cac:ExternalReference/cbc:Description")
        if not inner:
            raise _refuse("ZB01", "El AttachedDocument no contiene la factura firmada.")
        xml = inner.encode("utf-8")
        root = _parse(xml, "La factura del AttachedDocument")
    if etree.QName(root).localname != "Invoice":
        raise _refuse(
            "ZB05", "El documento recibido no es una factura electrónica ni un AttachedDocument."
        )
    return root, xml


def _amount(root: etree._Element, path: str) -> Decimal:
    try:
        return Decimal(text_at(root, path) or "0")
    except InvalidOperation as exc:
        raise _refuse("ZB01", f"El valor de {path} no es numérico.") from exc


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _refuse("ZB01", f"La fecha {field} ({value!r}) no es válida.") from exc


def read_invoice(root: etree._Element, tenant_id: int) -> ReceivedInvoice:
    """The stored view of a received invoice, read from its XML."""
    taxes = sum(
        (_amount(node, "cbc:TaxAmount") for node in root.iterfind(CAC.TaxTotal)), Decimal("0")
    )
    due = text_at(root, "cbc:DueDate") or text_at(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    return ReceivedInvoice(
        id=0,
        tenant_id=tenant_id,
        cufe=text_at(root, "cbc:UUID").lower(),
        type_code=text_at(root, "cbc:InvoiceTypeCode") or "01",
        number=text_at(root, "cbc:ID"),
        issue_date=_date(text_at(root, "cbc:IssueDate"), "de emisión"),
        issue_time=text_at(root, "cbc:IssueTime"),
        due_date=_date(due, "de vencimiento") if due else None,
        supplier_nit=text_at(root, f"{_SUPPLIER}/cbc:CompanyID"),
        supplier_dv=attribute_at(root, f"{_SUPPLIER}/cbc:CompanyID", "schemeID") or None,
        supplier_id_type=attribute_at(root, f"{_SUPPLIER}/cbc:CompanyID", "schemeName") or "31",
        supplier_name=text_at(root, f"{_SUPPLIER}/cbc:RegistrationName"),
        customer_nit=text_at(root, f"{_CUSTOMER}/cbc:CompanyID"),
        currency=text_at(root, "cbc:DocumentCurrencyCode") or "COP",
        payment_form=text_at(root, "cac:PaymentMeans/cbc:ID") or None,
        payment_method=text_at(root, "cac:PaymentMeans/cbc:PaymentMeansCode") or None,
        line_extension=_amount(root, f"{_TOTALS}/cbc:LineExtensionAmount"),
        tax_total=taxes,
        payable=_amount(root, f"{_TOTALS}/cbc:PayableAmount"),
        environment=text_at(root, "cbc:ProfileExecutionID"),
    )


class ReceivedInvoices:
    """A tenant's received invoices, loaded from the XML its supplier sent it."""

    def __init__(
        self, *, repository: RadianRepository, tenants: TenantService, documents: IssueService
    ) -> None:
        self.repository = repository
        self.tenants = tenants
        self.documents = documents

    async def load(self, tenant_id: int, xml: bytes, *, dialect: str) -> ReceivedInvoice:
        """Load an AttachedDocument or a signed invoice XML the tenant received.

        The XAdES signature is verified and the CUFE checked with DIAN; the tenant must be
        the buyer. Loading an invoice already stored answers the stored one. Refusals raise
        ``ReceivedDocumentRefused`` (rule id + Spanish message); ``DianUnavailable`` when DIAN
        cannot be asked.
        """
        root, invoice_xml = invoice_of(xml)
        try:
            verify_xades(root)
        except SignatureInvalid as exc:
            raise _refuse("ZE02", f"La firma de la factura no es válida: {exc}") from exc
        tenant = await self.tenants.tenant_view(tenant_id)
        invoice = read_invoice(root, tenant_id)
        if invoice.customer_nit != tenant.nit:
            raise ReceivedDocumentRefused(
                "LGC04",
                f"La factura {invoice.number} no está dirigida a la empresa (adquiriente NIT "
                f"{invoice.customer_nit or 'sin NIT'}, empresa NIT {tenant.nit}).",
                "xml",
            )
        stored = await self.repository.received_by_cufe(tenant_id, invoice.cufe)
        if stored is not None:
            return stored
        await self._check_cufe(tenant.environment, tenant_id, invoice)
        return await self.repository.add_received(invoice, invoice_xml)

    async def _check_cufe(self, environment: str, tenant_id: int, invoice: ReceivedInvoice) -> None:
        if not _CUFE.match(invoice.cufe):
            raise _refuse("FAD06", "El CUFE de la factura no es un SHA-384 (96 hexadecimales).")
        client = await self.documents.dian_client(tenant_id, environment)
        answer = await client.get_status(invoice.cufe)
        held = _held_by_dian(answer.xml_base64_bytes)
        if not answer.is_valid or held != (invoice.number, invoice.cufe):
            raise _refuse(
                "FAD06",
                f"El CUFE {invoice.cufe} no corresponde a una factura validada por la DIAN con "
                f"el número {invoice.number}.",
            )

    async def load_by_cufe(self, tenant_id: int, cufe: str, *, dialect: str) -> ReceivedInvoice:
        """The invoice already loaded with this CUFE; else its XML fetched from DIAN
        (GetXmlByDocumentKey), then ``load``."""
        stored = await self.repository.received_by_cufe(tenant_id, cufe)
        if stored is not None:
            return stored
        tenant = await self.tenants.tenant_view(tenant_id)
        client = await self.documents.dian_client(tenant_id, tenant.environment)
        answer = await client.get_xml_by_document_key(cufe.strip().lower())
        if not answer.xml_bytes_base64:
            raise ReceivedDocumentRefused(
                "LGC09",
                f"La DIAN no entregó la factura con CUFE {cufe}: {answer.message or ''}".strip(),
                "cufe",
            )
        return await self.load(tenant_id, answer.xml_bytes_base64, dialect=dialect)

    async def get(self, tenant_id: int, received_id: int) -> ReceivedInvoice:
        """One received invoice with its events (``NotFound`` for another tenant's)."""
        return await self.repository.received(tenant_id, received_id)

    async def by_cufe(self, tenant_id: int, cufe: str) -> ReceivedInvoice:
        """The received invoice with this CUFE (``NotFound`` when the tenant has none)."""
        found = await self.repository.received_by_cufe(tenant_id, cufe)
        if found is None:
            raise NotFound(f"no hay una factura recibida con CUFE {cufe}")
        return found

    async def list(
        self,
        tenant_id: int,
        *,
        offset: int = 0,
        limit: int = 50,
        number: str | None = None,
        cufe: str | None = None,
        supplier_nit: str | None = None,
        supplier_name: str | None = None,
        issue_date: dt.date | None = None,
    ) -> ReceivedPage:
        """A page of the tenant's received invoices, newest first, with their events;
        filters match exactly except ``supplier_name`` (contains, case-insensitive)."""
        return await self.repository.list_received(
            tenant_id,
            offset=offset,
            limit=limit,
            number=number,
            cufe=cufe,
            supplier_nit=supplier_nit,
            supplier_name=supplier_name,
            issue_date=issue_date,
        )

    async def xml(self, tenant_id: int, received_id: int) -> bytes:
        """The signed invoice XML as received."""
        return await self.repository.received_xml(tenant_id, received_id)


def _held_by_dian(application_response: bytes | None) -> tuple[str, str] | None:
    """(number, CUFE) of the document DIAN's ApplicationResponse is about."""
    if not application_response:
        return None
    try:
        root = parse_xml(application_response)
    except UnsafeXml:
        return None
    reference = "cac:DocumentResponse/cac:DocumentReference"
    return text_at(root, f"{reference}/cbc:ID"), text_at(root, f"{reference}/cbc:UUID").lower()
