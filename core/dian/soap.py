"""What every DIAN SOAP message shares: namespaces, the operation table, serialization.

DIAN's ``WcfDianCustomerServices`` is a WCF service speaking SOAP 1.2 with WS-Addressing
(research/dian-tech.md §4.2). Requests (``core.dian.envelopes``) and responses
(``core.dian.responses``) both build on the names defined here, so the client and the simulator
agree on them by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from lxml import etree

SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
WCF_NS = "http://wcf.dian.colombia"
WSA_NS = "http://www.w3.org/2005/08/addressing"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
ARRAYS_NS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
DATACONTRACT = "http://schemas.datacontract.org/2004/07/"

ACTION_BASE = f"{WCF_NS}/IWcfDianCustomerServices/"
FAULT_ACTION = f"{WSA_NS}/soap/fault"

#: Operation -> its body parameters, in the order of DIAN's service contract (§4.2).
OPERATIONS: Mapping[str, tuple[str, ...]] = {
    "SendBillSync": ("fileName", "contentFile"),
    "SendBillAsync": ("fileName", "contentFile"),
    "SendTestSetAsync": ("fileName", "contentFile", "testSetId"),
    "SendEventUpdateStatus": ("contentFile",),
    "GetStatus": ("trackId",),
    "GetStatusZip": ("trackId",),
    "GetStatusEvent": ("trackId",),
    "GetNumberingRange": ("accountCode", "accountCodeT", "softwareCode"),
    "GetXmlByDocumentKey": ("trackId",),
}

#: Parameters that travel as base64 text (``byte[]`` in the contract).
BINARY_PARAMETERS = frozenset({"contentFile"})


def action_for(operation: str) -> str:
    """WS-Addressing Action of a request (``…/IWcfDianCustomerServices/<Op>``)."""
    return f"{ACTION_BASE}{operation}"


def response_action_for(operation: str) -> str:
    """WS-Addressing Action DIAN puts on the answer to ``operation``."""
    return f"{ACTION_BASE}{operation}Response"


def operation_from_action(action: str) -> str | None:
    """The operation an Action URI names, or ``None`` when it is not one of ours."""
    if not action.startswith(ACTION_BASE):
        return None
    name = action[len(ACTION_BASE) :]
    return name if name in OPERATIONS else None


def serialize(root: etree._Element) -> bytes:
    """UTF-8 bytes without an XML declaration, exactly as built (no pretty printing)."""
    return etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def wcf_timestamp(moment: datetime) -> str:
    """UTC time the way WCF writes ``wsu:Created``: milliseconds and a ``Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
