"""Reading event ApplicationResponses, and the events list GetStatusEvent answers with.

DIAN answers GetStatusEvent with an ApplicationResponse in ``XmlBase64Bytes``: one
``cac:DocumentResponse`` per event registered on the invoice (its code and claim concept,
its number and CUDE as the reference, sender and receiver as IssuerParty/RecipientParty).
The simulated DIAN writes it and the gateway reads it with the functions here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec
from lxml import etree

from core.radian.event_xml import APPLICATION_RESPONSE_NS, EVENT_PROFILE
from core.radian.records import DianEvent
from core.radian.rules import EVENT_NAMES
from core.ubl import formats
from core.ubl.extensions import DIAN_NIT
from core.ubl.namespaces import CAC, CBC, PREFIXED, attribute_at, sub, text_at


class EventFacts(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of an event ApplicationResponse the rules and the CUDE need."""

    number: str
    cude: str
    issue_date: str
    issue_time: str
    profile_execution_id: str
    sender_nit: str
    receiver_nit: str
    code: str
    claim_concept: str
    invoice_number: str
    invoice_cufe: str
    invoice_type_code: str
    software_id: str


def read_event(root: etree._Element) -> EventFacts:
    """Read an event ApplicationResponse; absent fields are empty strings."""
    scheme = "cac:PartyTaxScheme/cbc:CompanyID"
    response = "cac:DocumentResponse/cac:Response/cbc:ResponseCode"
    reference = "cac:DocumentResponse/cac:DocumentReference"
    software = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/sts:DianExtensions"
    return EventFacts(
        number=text_at(root, "cbc:ID"),
        cude=text_at(root, "cbc:UUID").lower(),
        issue_date=text_at(root, "cbc:IssueDate"),
        issue_time=text_at(root, "cbc:IssueTime"),
        profile_execution_id=text_at(root, "cbc:ProfileExecutionID"),
        sender_nit=text_at(root, f"cac:SenderParty/{scheme}"),
        receiver_nit=text_at(root, f"cac:ReceiverParty/{scheme}"),
        code=text_at(root, response),
        claim_concept=attribute_at(root, response, "listID"),
        invoice_number=text_at(root, f"{reference}/cbc:ID"),
        invoice_cufe=text_at(root, f"{reference}/cbc:UUID").lower(),
        invoice_type_code=text_at(root, f"{reference}/cbc:DocumentTypeCode"),
        software_id=text_at(root, f"{software}/sts:SoftwareProvider/sts:SoftwareID"),
    )


def _party(parent: etree._Element, tag: str, nit: str) -> None:
    scheme = sub(sub(parent, tag), CAC.PartyTaxScheme)
    sub(scheme, CBC.CompanyID, nit)
    sub(sub(scheme, CAC.TaxScheme), CBC.ID, "01")


def events_document(
    cufe: str, invoice_number: str, events: Sequence[EventFacts], *, answered_at: dt.datetime
) -> bytes:
    """The ApplicationResponse GetStatusEvent carries: the invoice's events, oldest first."""
    ns = APPLICATION_RESPONSE_NS
    root = etree.Element(f"{{{ns}}}ApplicationResponse", nsmap={None: ns, **PREFIXED})
    sub(root, CBC.UBLVersionID, "UBL 2.1")
    sub(root, CBC.CustomizationID, "1")
    sub(root, CBC.ProfileID, EVENT_PROFILE)
    sub(root, CBC.ID, cufe)
    sub(root, CBC.IssueDate, formats.date(answered_at.date()))
    sub(root, CBC.IssueTime, formats.time(answered_at))
    _party(root, CAC.SenderParty, DIAN_NIT)
    _party(root, CAC.ReceiverParty, DIAN_NIT)
    for event in events:
        document_response = sub(root, CAC.DocumentResponse)
        response = sub(document_response, CAC.Response)
        attrs = {"listID": event.claim_concept} if event.claim_concept else None
        sub(response, CBC.ResponseCode, event.code, attrs)
        sub(response, CBC.Description, EVENT_NAMES.get(event.code, event.code))
        sub(response, CBC.EffectiveDate, event.issue_date)
        sub(response, CBC.EffectiveTime, event.issue_time)
        reference = sub(document_response, CAC.DocumentReference)
        sub(reference, CBC.ID, event.number)
        sub(reference, CBC.UUID, event.cude, {"schemeName": "CUDE-SHA384"})
        _party(document_response, CAC.IssuerParty, event.sender_nit)
        _party(document_response, CAC.RecipientParty, event.receiver_nit)
    if not events:  # the schema wants one DocumentResponse: the invoice itself, no events
        document_response = sub(root, CAC.DocumentResponse)
        sub(sub(document_response, CAC.Response), CBC.ResponseCode, "02")
        reference = sub(document_response, CAC.DocumentReference)
        sub(reference, CBC.ID, invoice_number)
        sub(reference, CBC.UUID, cufe, {"schemeName": "CUFE-SHA384"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def dian_events(root: etree._Element) -> tuple[DianEvent, ...]:
    """The events listed in a GetStatusEvent ApplicationResponse."""
    found = []
    scheme = "cac:PartyTaxScheme/cbc:CompanyID"
    for node in root.iterfind(CAC.DocumentResponse):
        code = text_at(node, "cac:Response/cbc:ResponseCode")
        if code not in EVENT_NAMES:
            continue
        found.append(
            DianEvent(
                code=code,
                name=EVENT_NAMES[code],
                number=text_at(node, "cac:DocumentReference/cbc:ID"),
                cude=text_at(node, "cac:DocumentReference/cbc:UUID"),
                issue_date=text_at(node, "cac:Response/cbc:EffectiveDate"),
                issue_time=text_at(node, "cac:Response/cbc:EffectiveTime"),
                sender_nit=text_at(node, f"cac:IssuerParty/{scheme}"),
                receiver_nit=text_at(node, f"cac:RecipientParty/{scheme}"),
                claim_concept=attribute_at(node, "cac:Response/cbc:ResponseCode", "listID") or None,
            )
        )
    return tuple(found)
