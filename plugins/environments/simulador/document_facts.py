"""What the simulated DIAN reads from a received UBL document before applying its rules.

DIAN's validator works on a table of XPath values per document (GOSOCKET's
``ResponseXpathDataValue``); ``read_facts`` is that table. Absent values are empty strings,
so a malformed document fails the rules instead of crashing the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from core.ubl.namespaces import (
    EXT_NS,
    STS_NS,
    XADES_NS,
    attribute_at,
    text_at,
)

# The structures namespace ODOO and UBL21DIAN write on notes, which DIAN accepts (§6).
STS_NOTES = "http://www.dian.gov.co/contratos/facturaelectronica/v1/Structures"

#: Rule-id prefix per document type (research/dian-tech.md §7, GOSOCKET DianServicesUtils).
RULE_PREFIXES = {
    "01": "FA",
    "02": "FA",
    "03": "FA",
    "04": "FA",
    "91": "CA",
    "92": "DA",
    "96": "AA",
    "05": "DSA",
    "95": "NSA",
    "20": "DEA",
    "94": "NAA",
}

#: The Spanish name DIAN uses in "La <name> <number>, ha sido autorizada.".
DOCUMENT_NAMES = {
    "01": "Factura electrónica",
    "02": "Factura electrónica",
    "03": "Factura electrónica",
    "04": "Factura electrónica",
    "91": "Nota Crédito electrónica",
    "92": "Nota Débito electrónica",
    "05": "Documento soporte electrónico",
    "95": "Nota de ajuste electrónica",
    "20": "Documento equivalente electrónico",
    "94": "Nota de ajuste electrónica",
    "93": "Nota de ajuste electrónica",
}

#: Types whose CUFE uses the range's technical key; every other type uses the software PIN.
TECHNICAL_KEY_TYPES = frozenset({"01", "02", "04"})
#: Types numbered under a DIAN numbering authorization the simulator checks (sts:InvoiceControl).
AUTHORIZED_NUMBERING_TYPES = frozenset({"01", "02", "04", "05"})
#: Types the buyer issues: the support document and its adjustment note (§6.6). Their issuer
#: (who sends them, whose software and ranges apply) is AccountingCustomerParty.
BUYER_ISSUED_TYPES = frozenset({"05", "95"})
#: Types coded with the CUDS (§1.3).
CUDS_TYPES = BUYER_ISSUED_TYPES

UBL_ROOTS = frozenset({"Invoice", "CreditNote", "DebitNote"})


@dataclass(frozen=True, kw_only=True)
class InvoiceControl:
    """``sts:InvoiceControl``: the authorization the invoice claims to be numbered under."""

    authorization: str
    start_date: str
    end_date: str
    prefix: str
    from_number: str
    to_number: str


@dataclass(frozen=True, kw_only=True)
class DocumentFacts:
    root_name: str
    type_code: str
    customization_id: str
    profile_execution_id: str
    number: str
    uuid: str
    issue_date: str
    issue_time: str
    supplier_nit: str
    supplier_dv: str
    supplier_scheme: str
    customer_id: str
    customer_dv: str
    customer_scheme: str
    software_id: str
    software_security_code: str
    provider_nit: str
    provider_dv: str
    invoice_control: InvoiceControl | None
    reference_number: str
    reference_uuid: str
    reference_date: str
    signing_time: str

    @property
    def rule_prefix(self) -> str:
        return RULE_PREFIXES.get(self.type_code, "FA")

    @property
    def note_prefix(self) -> str:
        """Note-reference rules use a bare letter: CBG04a, DBG04a (GOSOCKET)."""
        return "D" if self.root_name == "DebitNote" else "C"

    @property
    def document_name(self) -> str:
        return DOCUMENT_NAMES.get(self.type_code, "Factura electrónica")

    @property
    def uses_technical_key(self) -> bool:
        return self.type_code in TECHNICAL_KEY_TYPES

    @property
    def checks_numbering_range(self) -> bool:
        return self.type_code in AUTHORIZED_NUMBERING_TYPES

    @property
    def issued_by_buyer(self) -> bool:
        return self.type_code in BUYER_ISSUED_TYPES

    @property
    def issuer_nit(self) -> str:
        """Who issued the document: the supplier, or the buyer of a support document."""
        return self.customer_id if self.issued_by_buyer else self.supplier_nit

    @property
    def issuer_dv(self) -> str:
        return self.customer_dv if self.issued_by_buyer else self.supplier_dv

    @property
    def unique_code_name(self) -> str:
        if self.uses_technical_key:
            return "CUFE"
        return "CUDS" if self.type_code in CUDS_TYPES else "CUDE"

    @property
    def serie_and_number(self) -> tuple[str, int | None]:
        """Split ``cbc:ID`` into its letters prefix and its number (``SETP990000001``)."""
        digits = len(self.number) - len(self.number.rstrip("0123456789"))
        if digits == 0:
            return self.number, None
        return self.number[:-digits], int(self.number[-digits:])


# Values are read with compiled XPath (core.ubl.namespaces): about three times ``find``'s speed.
text = text_at
attribute = attribute_at


_EXTENSION_CONTENT = "/".join(
    f"{{{EXT_NS}}}{local}" for local in ("UBLExtensions", "UBLExtension", "ExtensionContent")
)


def dian_extensions(root: etree._Element) -> etree._Element | None:
    """``sts:DianExtensions`` in the first UBLExtension; either sts namespace is accepted."""
    for ns in (STS_NS, STS_NOTES):
        path = f"{_EXTENSION_CONTENT}/{{{ns}}}DianExtensions"
        found = root.find(path)
        if found is not None:
            return found
    return None


def _sts(extensions: etree._Element | None, path: str) -> etree._Element | None:
    if extensions is None:
        return None
    ns = etree.QName(extensions).namespace
    return extensions.find("/".join(f"{{{ns}}}{step}" for step in path.split("/")))


def _sts_text(extensions: etree._Element | None, path: str) -> str:
    found = _sts(extensions, path)
    return (found.text or "").strip() if found is not None else ""


def document_type_code(root: etree._Element) -> str:
    name = etree.QName(root).localname
    if name == "Invoice":
        return text(root, "cbc:InvoiceTypeCode")
    if name == "CreditNote":
        return text(root, "cbc:CreditNoteTypeCode") or "91"
    if name == "DebitNote":
        return "92"
    if name == "ApplicationResponse":
        return "96"
    return ""


def read_facts(root: etree._Element) -> DocumentFacts:
    extensions = dian_extensions(root)
    control = _sts(extensions, "InvoiceControl")
    invoice_control = None
    if control is not None:
        invoice_control = InvoiceControl(
            authorization=_sts_text(control, "InvoiceAuthorization"),
            start_date=text(_sts(control, "AuthorizationPeriod"), "cbc:StartDate"),
            end_date=text(_sts(control, "AuthorizationPeriod"), "cbc:EndDate"),
            prefix=_sts_text(control, "AuthorizedInvoices/Prefix"),
            from_number=_sts_text(control, "AuthorizedInvoices/From"),
            to_number=_sts_text(control, "AuthorizedInvoices/To"),
        )
    provider = _sts(extensions, "SoftwareProvider/ProviderID")
    supplier = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
    customer = "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
    reference = "cac:BillingReference/cac:InvoiceDocumentReference"
    # the signature sits in a UBLExtension: no need to walk the document's lines for it
    signing_time = root.find(f"{{{EXT_NS}}}UBLExtensions//{{{XADES_NS}}}SigningTime")
    return DocumentFacts(
        root_name=etree.QName(root).localname,
        type_code=document_type_code(root),
        customization_id=text(root, "cbc:CustomizationID"),
        profile_execution_id=text(root, "cbc:ProfileExecutionID"),
        number=text(root, "cbc:ID"),
        uuid=text(root, "cbc:UUID"),
        issue_date=text(root, "cbc:IssueDate"),
        issue_time=text(root, "cbc:IssueTime"),
        supplier_nit=text(root, supplier),
        supplier_dv=attribute(root, supplier, "schemeID"),
        supplier_scheme=attribute(root, supplier, "schemeName"),
        customer_id=text(root, customer),
        customer_dv=attribute(root, customer, "schemeID"),
        customer_scheme=attribute(root, customer, "schemeName"),
        software_id=_sts_text(extensions, "SoftwareProvider/SoftwareID"),
        software_security_code=_sts_text(extensions, "SoftwareSecurityCode"),
        provider_nit=(provider.text or "").strip() if provider is not None else "",
        provider_dv=(provider.get("schemeID") or "").strip() if provider is not None else "",
        invoice_control=invoice_control,
        reference_number=text(root, f"{reference}/cbc:ID"),
        reference_uuid=text(root, f"{reference}/cbc:UUID"),
        reference_date=text(root, f"{reference}/cbc:IssueDate"),
        signing_time=(signing_time.text or "").strip() if signing_time is not None else "",
    )
