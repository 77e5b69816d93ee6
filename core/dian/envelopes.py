"""SOAP 1.2 request envelopes for DIAN, both directions.

Client side: ``build_envelope`` makes the unsigned envelope of research/dian-tech.md §4.3
(``soap``/``wcf`` declared on the Envelope, ``wsa`` on the Header, ``wsa:To`` carrying a
``wsu:Id`` for the WS-Security reference), ``build_signed_request`` adds the WS-Security header
through ``core.dian.wssecurity.sign_envelope`` and serializes without whitespace.

Server side (the simulator): ``parse_request`` turns the bytes DIAN would receive into a
``SoapRequest`` and rejects what DIAN's WCF endpoint would not dispatch.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from core.dian.errors import MalformedSoapRequest
from core.dian.soap import (
    BINARY_PARAMETERS,
    OPERATIONS,
    SOAP_NS,
    WCF_NS,
    WSA_NS,
    WSU_NS,
    action_for,
    operation_from_action,
    serialize,
)
from core.dian.wssecurity import new_to_id, sign_envelope
from core.signing.certificates import SigningIdentity
from core.xml_parsing import UnsafeXml, parse_xml

ParamValue = str | bytes


def endpoint_address(url: str) -> str:
    """The ``wsa:To`` value for a SOAP URL: the service address without ``?wsdl``."""
    return url.split("?", 1)[0]


def build_envelope(
    operation: str,
    params: Mapping[str, ParamValue],
    *,
    to: str,
    to_id: str | None = None,
) -> etree._Element:
    """The unsigned request envelope for ``operation``.

    ``params`` must hold exactly the operation's parameters; ``bytes`` values are base64
    encoded (``contentFile``), strings are sent as they are.
    """
    names = OPERATIONS.get(operation)
    if names is None:
        raise ValueError(f"unknown DIAN operation {operation!r}")
    if set(params) != set(names):
        raise ValueError(f"{operation} takes {names}, got {tuple(params)}")

    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS, "wcf": WCF_NS})
    header = etree.SubElement(envelope, f"{{{SOAP_NS}}}Header", nsmap={"wsa": WSA_NS})
    etree.SubElement(header, f"{{{WSA_NS}}}Action").text = action_for(operation)
    to_element = etree.SubElement(header, f"{{{WSA_NS}}}To", nsmap={"wsu": WSU_NS})
    to_element.set(f"{{{WSU_NS}}}Id", to_id or new_to_id())
    to_element.text = to

    body = etree.SubElement(envelope, f"{{{SOAP_NS}}}Body")
    call = etree.SubElement(body, f"{{{WCF_NS}}}{operation}")
    for name in names:
        value = params[name]
        text = base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        etree.SubElement(call, f"{{{WCF_NS}}}{name}").text = text
    return envelope


def build_signed_request(
    operation: str,
    params: Mapping[str, ParamValue],
    *,
    to: str,
    identity: SigningIdentity,
    created: datetime | None = None,
    to_id: str | None = None,
) -> bytes:
    """Envelope + WS-Security (signed ``wsa:To``), serialized with no whitespace: the bytes
    to POST."""
    envelope = build_envelope(operation, params, to=to, to_id=to_id)
    sign_envelope(envelope, identity, created=created)
    return serialize(envelope)


@dataclass(frozen=True)
class SoapRequest:
    """A dispatched request as the simulator sees it.

    ``params`` holds the parameter texts as sent (``contentFile`` still base64; use
    ``binary``). ``envelope`` is the parsed tree, for WS-Security verification.
    """

    operation: str
    params: dict[str, str]
    to: str | None
    action: str
    envelope: etree._Element = field(repr=False, compare=False)

    def binary(self, name: str) -> bytes:
        """A base64 parameter decoded; malformed base64 is the sender's fault."""
        try:
            return base64.b64decode(self.params.get(name, ""), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedSoapRequest(f"El parámetro {name} no es base64 válido") from exc


def parse_request(xml: bytes) -> SoapRequest:
    """Parse and check a request envelope the way DIAN's endpoint dispatches it.

    The Action header picks the operation and must match the body element; missing or
    unknown parameters are rejected. WS-Security is *not* checked here (the simulator verifies
    ``envelope`` with ``core.dian.wssecurity``).
    """
    try:
        envelope = parse_xml(xml)
    except UnsafeXml as exc:
        raise MalformedSoapRequest(str(exc)) from exc
    if envelope.tag != f"{{{SOAP_NS}}}Envelope":
        raise MalformedSoapRequest(
            "Se esperaba un sobre SOAP 1.2 (http://www.w3.org/2003/05/soap-envelope)"
        )
    header = envelope.find(f"{{{SOAP_NS}}}Header")
    body = envelope.find(f"{{{SOAP_NS}}}Body")
    if body is None:
        raise MalformedSoapRequest("El sobre SOAP no tiene Body")

    action_element = header.find(f"{{{WSA_NS}}}Action") if header is not None else None
    action = (action_element.text or "").strip() if action_element is not None else ""
    if not action:
        raise MalformedSoapRequest(
            "Falta el encabezado WS-Addressing Action", subcode="a:MessageAddressingHeaderRequired"
        )
    operation = operation_from_action(action)
    if operation is None:
        raise MalformedSoapRequest(
            f"La acción '{action}' no es soportada por el servicio",
            subcode="a:ActionNotSupported",
        )

    calls = [child for child in body if isinstance(child.tag, str)]
    if len(calls) != 1 or calls[0].tag != f"{{{WCF_NS}}}{operation}":
        raise MalformedSoapRequest(f"El cuerpo no corresponde a la operación {operation}")

    expected = OPERATIONS[operation]
    params: dict[str, str] = {}
    for child in calls[0]:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace != WCF_NS or qname.localname not in expected:
            raise MalformedSoapRequest(f"Parámetro inesperado {qname.localname} en {operation}")
        if qname.localname in params:
            raise MalformedSoapRequest(f"Parámetro repetido {qname.localname} en {operation}")
        text = child.text or ""
        params[qname.localname] = (
            "".join(text.split()) if qname.localname in BINARY_PARAMETERS else text
        )
    missing = [name for name in expected if name not in params]
    if missing:
        raise MalformedSoapRequest(f"Faltan parámetros en {operation}: {', '.join(missing)}")

    to_element = header.find(f"{{{WSA_NS}}}To") if header is not None else None
    to = (to_element.text or "").strip() if to_element is not None else None
    return SoapRequest(operation=operation, params=params, to=to, action=action, envelope=envelope)
