"""The UBL ApplicationResponse of a RADIAN event (research/dian-tech.md §6.8), in XSD order.

The builder writes every field, the event CUDE (§1.4, ``core.ubl.unique_codes.event_cude``,
the same function the simulated DIAN recomputes it with) and the QR URL; signing is the
caller's (``core.signing.xades.sign_xades``).
"""

from __future__ import annotations

import datetime as dt

import msgspec
from lxml import etree

from core.clock import to_bogota
from core.model import Software
from core.radian.records import EventPerson
from core.radian.rules import CLAIM_CONCEPTS, EVENT_NAMES, TACIT_NOTE
from core.ubl import formats
from core.ubl.extensions import event_extensions
from core.ubl.namespaces import (
    CAC,
    CBC,
    DIAN_AGENCY_ID,
    DIAN_AGENCY_NAME,
    OASIS_XSD_BASE,
    PREFIXED,
    SCHEMA_LOCATION_ATTR,
    sub,
)
from core.ubl.unique_codes import event_cude, software_security_code

APPLICATION_RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
EVENT_PROFILE = "DIAN 2.1: ApplicationResponse de la Factura Electrónica de Venta"


class EventParty(msgspec.Struct, frozen=True, kw_only=True):
    """Sender or receiver of an event: its PartyTaxScheme as the invoice has it."""

    nit: str
    dv: str
    name: str
    id_type: str = "31"  # schemeName of CompanyID (31 = NIT)


class InvoiceReference(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    cufe: str
    type_code: str = "01"


class EventDocument(msgspec.Struct, frozen=True, kw_only=True):
    """Everything one event's XML is built from."""

    number: str
    code: str
    issued_at: dt.datetime
    sender: EventParty
    receiver: EventParty
    invoice: InvoiceReference
    environment: str  # ProfileExecutionID: 1 producción, 2 pruebas
    software: Software
    pin: str
    qr_base: str
    claim_concept: str | None = None
    person: EventPerson | None = None
    note: str | None = None


def _party(parent: etree._Element, tag: str, party: EventParty) -> None:
    scheme = sub(sub(parent, tag), CAC.PartyTaxScheme)
    sub(scheme, CBC.RegistrationName, party.name)
    attrs = {"schemeAgencyID": DIAN_AGENCY_ID, "schemeAgencyName": DIAN_AGENCY_NAME}
    if party.id_type == "31":
        attrs["schemeID"] = party.dv  # AAH63: the DV of a NIT
    attrs["schemeName"] = party.id_type
    sub(scheme, CBC.CompanyID, party.nit, attrs)
    tax_scheme = sub(scheme, CAC.TaxScheme)
    sub(tax_scheme, CBC.ID, "01")
    sub(tax_scheme, CBC.Name, "IVA")


def _person(parent: etree._Element, person: EventPerson) -> None:
    node = sub(sub(parent, CAC.IssuerParty), CAC.Person)
    attrs = {"schemeName": person.id_type}
    if person.dv:
        attrs["schemeID"] = person.dv
    sub(node, CBC.ID, person.id_number, attrs)
    sub(node, CBC.FirstName, person.first_name)
    sub(node, CBC.FamilyName, person.last_name)
    if person.job_title:
        sub(node, CBC.JobTitle, person.job_title)
    if person.department:
        sub(node, CBC.OrganizationDepartment, person.department)


def build_event(event: EventDocument) -> tuple[etree._Element, str]:
    """The unsigned ApplicationResponse and its CUDE."""
    issued = to_bogota(event.issued_at).replace(microsecond=0)
    issue_date, issue_time = formats.date(issued.date()), formats.time(issued)
    cude, _ = event_cude(
        number=event.number,
        issue_date=issue_date,
        issue_time=issue_time,
        sender_id=event.sender.nit,
        receiver_id=event.receiver.nit,
        response_code=event.code,
        reference_id=event.invoice.number,
        reference_type_code=event.invoice.type_code,
        pin=event.pin,
    )
    ns = APPLICATION_RESPONSE_NS
    root = etree.Element(f"{{{ns}}}ApplicationResponse", nsmap={None: ns, **PREFIXED})
    root.set(SCHEMA_LOCATION_ATTR, f"{ns} {OASIS_XSD_BASE}UBL-ApplicationResponse-2.1.xsd")
    security_code = software_security_code(event.software.id, event.pin, event.number)
    event_extensions(root, event.software, security_code)
    qr = root.find(f"{{{PREFIXED['ext']}}}UBLExtensions//{{{PREFIXED['sts']}}}QRCode")
    if qr is not None:
        qr.text = f"{event.qr_base}{cude}"
    sub(root, CBC.UBLVersionID, "UBL 2.1")
    sub(root, CBC.CustomizationID, "1")
    sub(root, CBC.ProfileID, EVENT_PROFILE)
    sub(root, CBC.ProfileExecutionID, event.environment)
    sub(root, CBC.ID, event.number)
    sub(root, CBC.UUID, cude, {"schemeID": event.environment, "schemeName": "CUDE-SHA384"})
    sub(root, CBC.IssueDate, issue_date)
    sub(root, CBC.IssueTime, issue_time)
    if event.code == "034":
        sub(root, CBC.Note, TACIT_NOTE)
    if event.note:
        sub(root, CBC.Note, event.note)
    _party(root, CAC.SenderParty, event.sender)
    _party(root, CAC.ReceiverParty, event.receiver)
    document_response = sub(root, CAC.DocumentResponse)
    response = sub(document_response, CAC.Response)
    code_attrs = None
    if event.claim_concept:
        code_attrs = {
            "listID": event.claim_concept,
            "name": CLAIM_CONCEPTS.get(event.claim_concept, ""),
        }
    sub(response, CBC.ResponseCode, event.code, code_attrs)
    sub(response, CBC.Description, EVENT_NAMES[event.code])
    reference = sub(document_response, CAC.DocumentReference)
    sub(reference, CBC.ID, event.invoice.number)
    sub(reference, CBC.UUID, event.invoice.cufe, {"schemeName": "CUFE-SHA384"})
    sub(reference, CBC.DocumentTypeCode, event.invoice.type_code)
    if event.person is not None:
        _person(document_response, event.person)
    return root, cude
