"""DIAN's SOAP answers as APIDIAN shows them in ``ResponseDian`` (its ``xmlToObject``).

Rules (research §4.5): an element's qualified name loses one character and its colon
(``s:Envelope`` -> ``Envelope``); attributes go under ``_attributes`` by local name (namespace
declarations left out); an element with only text is that text, text with attributes is
``{"_attributes": ..., "_value": text}``, an empty one ``{}``; repeated siblings become a
list. Every value is a string.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from core.api import parse_xml

_ONE_CHAR_PREFIX = re.compile(r".:")


def _name(element: Any) -> str:
    qname = etree.QName(element)
    full = f"{element.prefix}:{qname.localname}" if element.prefix else qname.localname
    return _ONE_CHAR_PREFIX.sub("", full)


def _convert(element: Any) -> Any:
    attributes = {etree.QName(k).localname: v for k, v in element.attrib.items()}
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        text = element.text or ""
        if not text:
            return {"_attributes": attributes} if attributes else {}
        return {"_attributes": attributes, "_value": text} if attributes else text
    body: dict[str, Any] = {"_attributes": attributes} if attributes else {}
    for child in children:
        name, value = _name(child), _convert(child)
        if name not in body:
            body[name] = value
        elif isinstance(body[name], list):
            body[name].append(value)
        else:
            body[name] = [body[name], value]
    return body


def response_dian(soap: bytes) -> dict[str, Any]:
    """The ``ResponseDian`` object of a SOAP envelope (``{"Envelope": {...}}``)."""
    root = parse_xml(soap)
    return {_name(root): _convert(root)}
