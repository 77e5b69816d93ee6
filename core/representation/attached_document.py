"""The AttachedDocument: the container the buyer receives (research/dian-tech.md §6.7).

It holds the signed document and DIAN's ApplicationResponse, each verbatim in a CDATA section,
names who sends it to whom and records DIAN's verdict (``ResultOfVerification``, code 02:
validated). Everything about the parent is read from its signed XML (number, CUFE/CUDE with
its scheme, issue date, both parties' ``PartyTaxScheme``), so the container always agrees with
what DIAN validated and can be rebuilt at any time from the stored document alone.

It is signed with the tenant's certificate in the same XAdES-EPES shape as the documents. The
container's own IssueDate/IssueTime is the moment it is built, which is also its SigningTime,
so the signing date equals the issue date (the FAD09e rule of the documents).
"""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from typing import Final

from lxml import etree

from core.clock import to_bogota
from core.contracts import TenantRole
from core.pipeline import XML_DECLARATION
from core.signing.certificates import SigningIdentity
from core.signing.xades import sign_xades
from core.ubl import formats
from core.ubl.namespaces import CAC, CBC, PREFIXED, SCHEMA_LOCATION_ATTR, sub
from core.ubl.packaging import document_file_names
from core.xml_parsing import UnsafeXml, parse_xml

ATTACHED_DOCUMENT_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:AttachedDocument-2"
_SCHEMA_LOCATION: Final = (
    f"{ATTACHED_DOCUMENT_NS} "
    "http://docs.oasis-open.org/ubl/os-UBL-2.1/xsd/maindoc/UBL-AttachedDocument-2.1.xsd"
)
FILE_PREFIX: Final = "ad"  # §5: ad{NIT:010}{ppp}{yy}{consecutive:08}.xml
CUSTOMIZATION_ID: Final = "Documentos adjuntos"
PROFILE_ID: Final = "DIAN 2.1"
CONTAINER_TYPE: Final = "Contenedor de Factura Electrónica"
RESPONSE_TYPE: Final = "ApplicationResponse"
DIAN_VALIDATOR: Final = "Unidad Especial Dirección de Impuestos y Aduanas Nacionales"
VALIDATED: Final = "02"  # DIAN's ResponseCode for "Documento validado por la DIAN"
XML_MIME: Final = "text/xml"
UTF8: Final = "UTF-8"

_SUPPLIER_SCHEME: Final = f"{CAC.AccountingSupplierParty}/{CAC.Party}/{CAC.PartyTaxScheme}"
_CUSTOMER_SCHEME: Final = f"{CAC.AccountingCustomerParty}/{CAC.Party}/{CAC.PartyTaxScheme}"


def attached_file_name(nit: str, year: int, number: int) -> str:
    """``ad{NIT:010}000{yy}{number:08}.xml``: the parent's name (§5) with the ``ad`` prefix."""
    return document_file_names(FILE_PREFIX, nit, year, number)[0]


def build_attached_document(
    signed_xml: str,
    application_response: str,
    *,
    tenant_role: TenantRole,
    profile_execution_id: str,
    identity: SigningIdentity,
    built_at: dt.datetime,
    accepted_at: dt.datetime,
    ids_seed: str | None = None,
) -> bytes:
    """The signed AttachedDocument for an accepted document, as UTF-8 bytes.

    ``signed_xml`` is the document exactly as it was sent; ``application_response`` DIAN's
    ApplicationResponse (decoded). ``tenant_role`` places the tenant as the sender: the
    supplier of a sales document, the buyer of a support document. The validation date and
    time come from the ApplicationResponse's IssueDate/IssueTime, else ``accepted_at``.
    ``ids_seed`` makes the signature ids deterministic. Raises ``ValueError`` when the signed
    XML lacks its number or CUFE/CUDE.
    """
    parent = parse_xml(signed_xml.encode("utf-8"))
    number = (parent.findtext(CBC.ID) or "").strip()
    code = parent.find(CBC.UUID)
    if not number or code is None or not (code.text or "").strip():
        raise ValueError("el XML firmado no tiene número (cbc:ID) o CUFE/CUDE (cbc:UUID)")
    supplier, customer = parent.find(_SUPPLIER_SCHEME), parent.find(_CUSTOMER_SCHEME)
    sender, receiver = (customer, supplier) if tenant_role == "buyer" else (supplier, customer)
    moment = to_bogota(built_at)

    root = etree.Element(
        f"{{{ATTACHED_DOCUMENT_NS}}}AttachedDocument",
        nsmap={None: ATTACHED_DOCUMENT_NS, **PREFIXED},
    )
    root.set(SCHEMA_LOCATION_ATTR, _SCHEMA_LOCATION)
    sub(root, CBC.UBLVersionID, "UBL 2.1")
    sub(root, CBC.CustomizationID, CUSTOMIZATION_ID)
    sub(root, CBC.ProfileID, PROFILE_ID)
    sub(root, CBC.ProfileExecutionID, profile_execution_id)
    sub(root, CBC.ID, number)
    _copy_unique_code(root, code)
    sub(root, CBC.IssueDate, formats.date(moment.date()))
    sub(root, CBC.IssueTime, formats.time(moment.time()))
    sub(root, CBC.DocumentType, CONTAINER_TYPE)
    sub(root, CBC.ParentDocumentID, number)
    _party(root, CAC.SenderParty, sender)
    _party(root, CAC.ReceiverParty, receiver)
    _xml_attachment(root, signed_xml)

    line = sub(root, CAC.ParentDocumentLineReference)
    sub(line, CBC.LineID, "1")
    reference = sub(line, CAC.DocumentReference)
    sub(reference, CBC.ID, number)
    _copy_unique_code(reference, code)
    issue_date = (parent.findtext(CBC.IssueDate) or "").strip()
    if issue_date:
        sub(reference, CBC.IssueDate, issue_date)
    sub(reference, CBC.DocumentType, RESPONSE_TYPE)
    _xml_attachment(reference, application_response)
    verification = sub(reference, CAC.ResultOfVerification)
    sub(verification, CBC.ValidatorID, DIAN_VALIDATOR)
    sub(verification, CBC.ValidationResultCode, VALIDATED)
    validation_date, validation_time = validation_moment(application_response, accepted_at)
    sub(verification, CBC.ValidationDate, validation_date)
    sub(verification, CBC.ValidationTime, validation_time)

    etree.cleanup_namespaces(root, top_nsmap=dict(PREFIXED), keep_ns_prefixes=list(PREFIXED))
    sign_xades(root, identity, moment, ids_seed=ids_seed)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def validation_moment(application_response: str, fallback: dt.datetime) -> tuple[str, str]:
    """(date, time) DIAN validated the document: its ApplicationResponse's IssueDate and
    IssueTime; ``fallback`` (Bogotá) when the answer does not carry them."""
    try:
        answer = parse_xml(application_response.encode("utf-8"))
    except UnsafeXml:
        answer = None
    if answer is not None:
        date = (answer.findtext(CBC.IssueDate) or "").strip()
        time = (answer.findtext(CBC.IssueTime) or "").strip()
        if date and time:
            return date, time
    moment = to_bogota(fallback)
    return formats.date(moment.date()), formats.time(moment.time())


def _copy_unique_code(parent: etree._Element, code: etree._Element) -> None:
    """``cbc:UUID`` with the parent's CUFE/CUDE and its attributes (``schemeName`` ...)."""
    sub(parent, CBC.UUID, (code.text or "").strip(), dict(code.attrib))


def _party(root: etree._Element, tag: str, tax_scheme: etree._Element | None) -> None:
    """``SenderParty``/``ReceiverParty``: the party's ``PartyTaxScheme`` as the document has it."""
    party = sub(root, tag)
    if tax_scheme is not None:
        party.append(deepcopy(tax_scheme))


def _xml_attachment(parent: etree._Element, xml: str) -> None:
    """``cac:Attachment/cac:ExternalReference`` with ``xml`` verbatim in a CDATA section."""
    external = sub(sub(parent, CAC.Attachment), CAC.ExternalReference)
    sub(external, CBC.MimeCode, XML_MIME)
    sub(external, CBC.EncodingCode, UTF8)
    description = sub(external, CBC.Description)
    # serialized XML never holds "]]>" outside a CDATA section of its own; such an input is
    # kept as escaped text, which any XML reader gives back identically
    description.text = etree.CDATA(xml) if "]]>" not in xml else xml
