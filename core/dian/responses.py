"""DIAN's SOAP answers as msgspec Structs, rendered and parsed by the same module.

The simulator renders with the ``render_*`` functions and the client parses with the
``parse_*`` functions, so both ends share one definition of DIAN's wire shape
(research/dian-tech.md §4.4): a WCF envelope (``s:``, ``a:Action s:mustUnderstand="1"``, a
``u:Timestamp``), a ``<Op>Response`` in the default namespace ``http://wcf.dian.colombia``,
an ``<Op>Result`` declaring the data-contract namespace as ``b:`` and ``i:`` for ``i:nil``,
fields in the contract's order, arrays as ``c:`` items.

Parsing looks fields up by name (not position) and treats ``i:nil`` as "absent".
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec
from lxml import etree

from core.dian.errors import SoapFaultError, UnexpectedSoapResponse
from core.dian.soap import (
    ARRAYS_NS,
    DATACONTRACT,
    FAULT_ACTION,
    SOAP_NS,
    WCF_NS,
    WSA_NS,
    WSSE_NS,
    WSU_NS,
    response_action_for,
    serialize,
    wcf_timestamp,
)
from core.ubl.namespaces import XSI_NS
from core.xml_parsing import UnsafeXml, parse_xml

DIAN_RESPONSE_NS = f"{DATACONTRACT}DianResponse"
UPLOAD_RESPONSE_NS = f"{DATACONTRACT}UploadDocumentResponse"
TRACK_ID_NS = f"{DATACONTRACT}XmlParamsResponseTrackId"
RANGE_LIST_NS = f"{DATACONTRACT}NumberRangeResponseList"
RANGE_NS = f"{DATACONTRACT}NumberRangeResponse"
EVENT_RESPONSE_NS = f"{DATACONTRACT}EventResponse"

_NIL = f"{{{XSI_NS}}}nil"
_SERVER_TIMESTAMP_TTL = timedelta(minutes=5)  # what WCF puts on its own answers


# --------------------------------------------------------------------------------- models


class DianResponse(msgspec.Struct, frozen=True, kw_only=True):
    """DIAN's verdict (SendBillSync, GetStatus, GetStatusZip items, SendEventUpdateStatus).

    ``xml_base64_bytes`` holds the *decoded* bytes of ``XmlBase64Bytes`` (DIAN's signed
    ApplicationResponse); msgspec writes it back as base64 in JSON.
    """

    is_valid: bool
    status_code: str = ""
    status_description: str = ""
    status_message: str | None = None
    error_messages: list[str] = []
    xml_base64_bytes: bytes | None = None
    xml_document_key: str | None = None
    xml_file_name: str | None = None

    @property
    def rule_messages(self) -> list[RuleMessage]:
        """The ``Regla: X, Rechazo|Notificación: …`` strings, parsed (others are skipped)."""
        return [m for m in map(parse_rule_message, self.error_messages) if m is not None]

    @property
    def is_duplicate(self) -> bool:
        """Regla 90: DIAN already holds this document (ODOO treats it as accepted)."""
        return self.status_code == "99" and any(
            m.rule == "90" and m.rejection for m in self.rule_messages
        )


class XmlParamsResponseTrackId(msgspec.Struct, frozen=True, kw_only=True):
    """One file of an asynchronous upload and what DIAN said about receiving it."""

    xml_file_name: str | None = None
    success: bool = False
    processed_message: str | None = None
    sender_code: str | None = None
    document_key: str | None = None


class UploadDocumentResponse(msgspec.Struct, frozen=True, kw_only=True):
    """SendBillAsync / SendTestSetAsync: a ZipKey to poll with GetStatusZip."""

    zip_key: str | None = None
    error_message_list: list[XmlParamsResponseTrackId] = []


class NumberRangeResponse(msgspec.Struct, frozen=True, kw_only=True):
    """One authorized numbering range with its technical key (dates as DIAN writes them)."""

    resolution_number: str | None = None
    resolution_date: str | None = None
    prefix: str | None = None
    from_number: int | None = None
    to_number: int | None = None
    valid_date_from: str | None = None
    valid_date_to: str | None = None
    technical_key: str | None = None


class NumberRangeResponseList(msgspec.Struct, frozen=True, kw_only=True):
    """GetNumberingRange: ``operation_code`` 100 OK, 301/302/303/401/500 errors (§4.5)."""

    operation_code: str = ""
    operation_description: str = ""
    ranges: list[NumberRangeResponse] = []


class EventResponse(msgspec.Struct, frozen=True, kw_only=True):
    """GetXmlByDocumentKey: ``code`` 100 OK, 404, 401, 206; the document's XML, decoded."""

    code: str = ""
    message: str = ""
    xml_bytes_base64: bytes | None = None


class RuleMessage(msgspec.Struct, frozen=True, kw_only=True):
    """``Regla: FAJ44b, Notificación: <msg>`` split into its parts."""

    rule: str
    rejection: bool
    message: str


_RULE_MESSAGE = re.compile(r"^\s*Regla:\s*(?P<rule>[^,]+),\s*(?P<kind>Rechazo|Notificaci[oó]n):\s*")


def format_rule_message(rule: str, message: str, *, rejection: bool) -> str:
    """The error string DIAN puts in ``ErrorMessage`` for a rule finding."""
    return f"Regla: {rule}, {'Rechazo' if rejection else 'Notificación'}: {message}"


def parse_rule_message(text: str) -> RuleMessage | None:
    match = _RULE_MESSAGE.match(text)
    if match is None:
        return None
    return RuleMessage(
        rule=match["rule"].strip(),
        rejection=match["kind"] == "Rechazo",
        message=text[match.end() :].strip(),
    )


# ------------------------------------------------------------------------------- rendering


def _envelope(
    action: str, created: datetime | None, *, with_timestamp: bool = True
) -> tuple[etree._Element, etree._Element]:
    """WCF's envelope: ``s``/``a``/``u`` on the root, Action, server Timestamp; returns
    (envelope, body)."""
    nsmap = {"s": SOAP_NS, "a": WSA_NS}
    if with_timestamp:
        nsmap["u"] = WSU_NS
    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap=nsmap)
    header = etree.SubElement(envelope, f"{{{SOAP_NS}}}Header")
    action_element = etree.SubElement(header, f"{{{WSA_NS}}}Action")
    action_element.set(f"{{{SOAP_NS}}}mustUnderstand", "1")
    action_element.text = action
    if with_timestamp:
        moment = created or datetime.now().astimezone()
        security = etree.SubElement(header, f"{{{WSSE_NS}}}Security", nsmap={"o": WSSE_NS})
        security.set(f"{{{SOAP_NS}}}mustUnderstand", "1")
        timestamp = etree.SubElement(security, f"{{{WSU_NS}}}Timestamp")
        timestamp.set(f"{{{WSU_NS}}}Id", "_0")
        etree.SubElement(timestamp, f"{{{WSU_NS}}}Created").text = wcf_timestamp(moment)
        etree.SubElement(timestamp, f"{{{WSU_NS}}}Expires").text = wcf_timestamp(
            moment + _SERVER_TIMESTAMP_TTL
        )
    body = etree.SubElement(envelope, f"{{{SOAP_NS}}}Body")
    return envelope, body


def _result(body: etree._Element, operation: str, contract_ns: str) -> etree._Element:
    response = etree.SubElement(body, f"{{{WCF_NS}}}{operation}Response", nsmap={None: WCF_NS})
    return etree.SubElement(
        response, f"{{{WCF_NS}}}{operation}Result", nsmap={"b": contract_ns, "i": XSI_NS}
    )


def _put(parent: etree._Element, ns: str, name: str, value: str | None) -> etree._Element:
    """A field; ``None`` becomes ``i:nil="true"``, ``""`` an empty element."""
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if value is None:
        element.set(_NIL, "true")
    elif value:
        element.text = value
    return element


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _put_dian_response(parent: etree._Element, ns: str, response: DianResponse) -> None:
    errors = etree.SubElement(parent, f"{{{ns}}}ErrorMessage", nsmap={"c": ARRAYS_NS})
    for message in response.error_messages:
        etree.SubElement(errors, f"{{{ARRAYS_NS}}}string").text = message
    _put(parent, ns, "IsValid", _bool(response.is_valid))
    _put(parent, ns, "StatusCode", response.status_code)
    _put(parent, ns, "StatusDescription", response.status_description)
    _put(parent, ns, "StatusMessage", response.status_message)
    _put(parent, ns, "XmlBase64Bytes", _b64(response.xml_base64_bytes))
    _put(parent, ns, "XmlBytes", None)
    _put(parent, ns, "XmlDocumentKey", response.xml_document_key)
    _put(parent, ns, "XmlFileName", response.xml_file_name)


def render_dian_response(
    operation: str, response: DianResponse, *, created: datetime | None = None
) -> bytes:
    """The answer to SendBillSync, GetStatus or SendEventUpdateStatus."""
    envelope, body = _envelope(response_action_for(operation), created)
    _put_dian_response(_result(body, operation, DIAN_RESPONSE_NS), DIAN_RESPONSE_NS, response)
    return serialize(envelope)


def render_dian_response_list(
    responses: Sequence[DianResponse],
    *,
    operation: str = "GetStatusZip",
    created: datetime | None = None,
) -> bytes:
    """GetStatusZip: one ``b:DianResponse`` per document of the batch."""
    envelope, body = _envelope(response_action_for(operation), created)
    result = _result(body, operation, DIAN_RESPONSE_NS)
    for response in responses:
        item = etree.SubElement(result, f"{{{DIAN_RESPONSE_NS}}}DianResponse")
        _put_dian_response(item, DIAN_RESPONSE_NS, response)
    return serialize(envelope)


def render_upload_document_response(
    operation: str, response: UploadDocumentResponse, *, created: datetime | None = None
) -> bytes:
    """The answer to SendBillAsync or SendTestSetAsync."""
    ns = UPLOAD_RESPONSE_NS
    envelope, body = _envelope(response_action_for(operation), created)
    result = _result(body, operation, ns)
    listing = etree.SubElement(result, f"{{{ns}}}ErrorMessageList", nsmap={"c": TRACK_ID_NS})
    for item in response.error_message_list:
        entry = etree.SubElement(listing, f"{{{TRACK_ID_NS}}}XmlParamsResponseTrackId")
        _put(entry, TRACK_ID_NS, "DocumentKey", item.document_key)
        _put(entry, TRACK_ID_NS, "ProcessedMessage", item.processed_message)
        _put(entry, TRACK_ID_NS, "SenderCode", item.sender_code)
        _put(entry, TRACK_ID_NS, "Success", _bool(item.success))
        _put(entry, TRACK_ID_NS, "XmlFileName", item.xml_file_name)
    _put(result, ns, "ZipKey", response.zip_key)
    return serialize(envelope)


def render_number_range_response_list(
    response: NumberRangeResponseList, *, created: datetime | None = None
) -> bytes:
    """The answer to GetNumberingRange."""
    operation, ns = "GetNumberingRange", RANGE_LIST_NS
    envelope, body = _envelope(response_action_for(operation), created)
    result = _result(body, operation, ns)
    _put(result, ns, "OperationCode", response.operation_code)
    _put(result, ns, "OperationDescription", response.operation_description)
    listing = etree.SubElement(result, f"{{{ns}}}ResponseList", nsmap={"c": RANGE_NS})
    for item in response.ranges:
        entry = etree.SubElement(listing, f"{{{RANGE_NS}}}NumberRangeResponse")
        _put(entry, RANGE_NS, "ResolutionNumber", item.resolution_number)
        _put(entry, RANGE_NS, "ResolutionDate", item.resolution_date)
        _put(entry, RANGE_NS, "Prefix", item.prefix)
        _put(entry, RANGE_NS, "FromNumber", _int_text(item.from_number))
        _put(entry, RANGE_NS, "ToNumber", _int_text(item.to_number))
        _put(entry, RANGE_NS, "ValidDateFrom", item.valid_date_from)
        _put(entry, RANGE_NS, "ValidDateTo", item.valid_date_to)
        _put(entry, RANGE_NS, "TechnicalKey", item.technical_key)
    return serialize(envelope)


def render_event_response(response: EventResponse, *, created: datetime | None = None) -> bytes:
    """The answer to GetXmlByDocumentKey."""
    operation, ns = "GetXmlByDocumentKey", EVENT_RESPONSE_NS
    envelope, body = _envelope(response_action_for(operation), created)
    result = _result(body, operation, ns)
    _put(result, ns, "Code", response.code)
    _put(result, ns, "Message", response.message)
    _put(result, ns, "XmlBytesBase64", _b64(response.xml_bytes_base64))
    return serialize(envelope)


#: Subcodes WCF qualifies with the WS-Security namespace; the rest are WS-Addressing's.
_WSSE_SUBCODES = frozenset({"InvalidSecurity", "FailedAuthentication", "InvalidSecurityToken"})


def render_fault(
    code: str, reason: str, *, subcode: str | None = None, lang: str = "es-CO"
) -> bytes:
    """A SOAP 1.2 Fault the way WCF writes it (sent with HTTP 500).

    ``code`` is ``s:Sender`` or ``s:Receiver``; ``subcode`` e.g. ``a:InvalidSecurity`` or
    ``a:ActionNotSupported`` (its ``a`` prefix is bound where it is used, as WCF does).
    """
    envelope, body = _envelope(FAULT_ACTION, None, with_timestamp=False)
    fault = etree.SubElement(body, f"{{{SOAP_NS}}}Fault")
    code_element = etree.SubElement(fault, f"{{{SOAP_NS}}}Code")
    etree.SubElement(code_element, f"{{{SOAP_NS}}}Value").text = code
    if subcode:
        prefix, _, local = subcode.rpartition(":")
        subcode_ns = WSSE_NS if local in _WSSE_SUBCODES else WSA_NS
        sub = etree.SubElement(code_element, f"{{{SOAP_NS}}}Subcode")
        value = etree.SubElement(sub, f"{{{SOAP_NS}}}Value", nsmap={prefix or "a": subcode_ns})
        value.text = f"{prefix or 'a'}:{local}"
    reason_element = etree.SubElement(fault, f"{{{SOAP_NS}}}Reason")
    text = etree.SubElement(reason_element, f"{{{SOAP_NS}}}Text")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    text.text = reason
    return serialize(envelope)


# --------------------------------------------------------------------------------- parsing


def _excerpt(xml: bytes) -> str:
    return xml[:300].decode("utf-8", "replace")


def _body(xml: bytes) -> etree._Element:
    try:
        envelope = parse_xml(xml)
    except UnsafeXml as exc:
        raise UnexpectedSoapResponse(str(exc), _excerpt(xml)) from exc
    body = envelope.find(f"{{{SOAP_NS}}}Body")
    if envelope.tag != f"{{{SOAP_NS}}}Envelope" or body is None:
        raise UnexpectedSoapResponse("La respuesta no es un sobre SOAP 1.2", _excerpt(xml))
    return body


def fault_from(xml: bytes) -> SoapFaultError | None:
    """The fault a SOAP answer carries, or ``None`` (also for bytes that are not SOAP)."""
    try:
        body = _body(xml)
    except UnexpectedSoapResponse:
        return None
    return _fault_in(body)


def _fault_in(body: etree._Element) -> SoapFaultError | None:
    fault = body.find(f"{{{SOAP_NS}}}Fault")
    if fault is None:
        return None
    code = fault.findtext(f"{{{SOAP_NS}}}Code/{{{SOAP_NS}}}Value") or ""
    subcode = fault.findtext(f"{{{SOAP_NS}}}Code/{{{SOAP_NS}}}Subcode/{{{SOAP_NS}}}Value")
    reason = fault.findtext(f"{{{SOAP_NS}}}Reason/{{{SOAP_NS}}}Text") or ""
    return SoapFaultError(code.strip(), reason.strip(), subcode.strip() if subcode else None)


def _result_element(xml: bytes, operation: str | None) -> etree._Element:
    """The ``<Op>Result`` element; a Fault raises ``SoapFaultError``."""
    body = _body(xml)
    fault = _fault_in(body)
    if fault is not None:
        raise fault
    children = [c for c in body if isinstance(c.tag, str)]
    response = children[0] if len(children) == 1 else None
    if response is None or etree.QName(response).namespace != WCF_NS:
        raise UnexpectedSoapResponse("El cuerpo SOAP no trae una respuesta de DIAN", _excerpt(xml))
    name = etree.QName(response).localname
    if not name.endswith("Response") or (operation and name != f"{operation}Response"):
        raise UnexpectedSoapResponse(
            f"Se esperaba {operation or '<operación>'}Response y llegó {name}", _excerpt(xml)
        )
    result = response.find(f"{{{WCF_NS}}}{name[: -len('Response')]}Result")
    if result is None:
        raise UnexpectedSoapResponse(f"{name} sin elemento Result", _excerpt(xml))
    return result


def _text(parent: etree._Element, ns: str, name: str) -> str | None:
    """A field's text: ``None`` when absent or ``i:nil``, ``""`` when empty."""
    element = parent.find(f"{{{ns}}}{name}")
    if element is None or element.get(_NIL) == "true":
        return None
    return element.text or ""


def _required(parent: etree._Element, ns: str, name: str) -> str:
    return _text(parent, ns, name) or ""


def _flag(parent: etree._Element, ns: str, name: str) -> bool:
    return (_text(parent, ns, name) or "").strip().lower() == "true"


def _decoded(parent: etree._Element, ns: str, name: str) -> bytes | None:
    text = _text(parent, ns, name)
    if text is None:
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UnexpectedSoapResponse(f"{name} no es base64 válido") from exc


def _integer(parent: etree._Element, ns: str, name: str) -> int | None:
    text = _text(parent, ns, name)
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError as exc:
        raise UnexpectedSoapResponse(f"{name} no es un número: {text!r}") from exc


def _int_text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _read_dian_response(element: etree._Element, ns: str) -> DianResponse:
    errors = element.find(f"{{{ns}}}ErrorMessage")
    messages = (
        [item.text or "" for item in errors.iterfind(f"{{{ARRAYS_NS}}}string")]
        if errors is not None
        else []
    )
    return DianResponse(
        is_valid=_flag(element, ns, "IsValid"),
        status_code=_required(element, ns, "StatusCode").strip(),
        status_description=_required(element, ns, "StatusDescription"),
        status_message=_text(element, ns, "StatusMessage"),
        error_messages=messages,
        xml_base64_bytes=_decoded(element, ns, "XmlBase64Bytes"),
        xml_document_key=_text(element, ns, "XmlDocumentKey"),
        xml_file_name=_text(element, ns, "XmlFileName"),
    )


def parse_dian_response(xml: bytes, operation: str | None = None) -> DianResponse:
    """DianResponse from the answer to SendBillSync, GetStatus, SendEventUpdateStatus."""
    return _read_dian_response(_result_element(xml, operation), DIAN_RESPONSE_NS)


def parse_dian_response_list(
    xml: bytes, operation: str | None = "GetStatusZip"
) -> list[DianResponse]:
    """GetStatusZip: every ``b:DianResponse`` item, in order."""
    result = _result_element(xml, operation)
    items = result.iterfind(f"{{{DIAN_RESPONSE_NS}}}DianResponse")
    return [_read_dian_response(item, DIAN_RESPONSE_NS) for item in items]


def parse_upload_document_response(
    xml: bytes, operation: str | None = None
) -> UploadDocumentResponse:
    """UploadDocumentResponse from the answer to SendBillAsync or SendTestSetAsync."""
    result, ns = _result_element(xml, operation), UPLOAD_RESPONSE_NS
    listing = result.find(f"{{{ns}}}ErrorMessageList")
    items = (
        [
            XmlParamsResponseTrackId(
                xml_file_name=_text(entry, TRACK_ID_NS, "XmlFileName"),
                success=_flag(entry, TRACK_ID_NS, "Success"),
                processed_message=_text(entry, TRACK_ID_NS, "ProcessedMessage"),
                sender_code=_text(entry, TRACK_ID_NS, "SenderCode"),
                document_key=_text(entry, TRACK_ID_NS, "DocumentKey"),
            )
            for entry in listing.iterfind(f"{{{TRACK_ID_NS}}}XmlParamsResponseTrackId")
        ]
        if listing is not None
        else []
    )
    return UploadDocumentResponse(zip_key=_text(result, ns, "ZipKey"), error_message_list=items)


def parse_number_range_response_list(
    xml: bytes, operation: str | None = "GetNumberingRange"
) -> NumberRangeResponseList:
    result, ns = _result_element(xml, operation), RANGE_LIST_NS
    listing = result.find(f"{{{ns}}}ResponseList")
    entries = listing.iterfind(f"{{{RANGE_NS}}}NumberRangeResponse") if listing is not None else ()
    return NumberRangeResponseList(
        operation_code=_required(result, ns, "OperationCode").strip(),
        operation_description=_required(result, ns, "OperationDescription"),
        ranges=[
            NumberRangeResponse(
                resolution_number=_text(entry, RANGE_NS, "ResolutionNumber"),
                resolution_date=_text(entry, RANGE_NS, "ResolutionDate"),
                prefix=_text(entry, RANGE_NS, "Prefix"),
                from_number=_integer(entry, RANGE_NS, "FromNumber"),
                to_number=_integer(entry, RANGE_NS, "ToNumber"),
                valid_date_from=_text(entry, RANGE_NS, "ValidDateFrom"),
                valid_date_to=_text(entry, RANGE_NS, "ValidDateTo"),
                technical_key=_text(entry, RANGE_NS, "TechnicalKey"),
            )
            for entry in entries
        ],
    )


def parse_event_response(
    xml: bytes, operation: str | None = "GetXmlByDocumentKey"
) -> EventResponse:
    result, ns = _result_element(xml, operation), EVENT_RESPONSE_NS
    return EventResponse(
        code=_required(result, ns, "Code").strip(),
        message=_required(result, ns, "Message"),
        xml_bytes_base64=_decoded(result, ns, "XmlBytesBase64"),
    )
