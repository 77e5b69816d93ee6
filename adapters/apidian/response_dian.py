"""``ResponseDian``: DIAN's SOAP answer as APIDIAN turns it into JSON (research §4.5).

APIDIAN's ``ubl21dian`` client (``Client.php::xmlToObject``) walks the SOAP 1.2 answer with
DOM and builds nested objects, which client code reads by path
(``ResponseDian.Envelope.Body.SendBillSyncResponse.SendBillSyncResult.IsValid``):

- each element's qualified name loses every "one character + ``:``" (``s:Envelope`` ->
  ``Envelope``, ``b:IsValid`` -> ``IsValid``; DIAN's prefixes are one letter);
- attributes go under ``_attributes`` by local name (namespace declarations are not
  attributes); an element with text and attributes is ``{"_attributes", "_value"}``;
- an element with only text is the text; an empty one is ``{}``;
- siblings with the same name become an array (``ErrorMessage.string``), a single one is not;
- every value is a string.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from core.api import parse_xml

_ONE_LETTER_PREFIX = re.compile(r".:")


def _name(element: etree._Element) -> str:
    local = etree.QName(element).localname
    qualified = f"{element.prefix}:{local}" if element.prefix else local
    return _ONE_LETTER_PREFIX.sub("", qualified)


def _convert(element: etree._Element) -> Any:
    attributes = {etree.QName(k).localname: v for k, v in element.attrib.items()}
    children = [c for c in element if isinstance(c.tag, str)]
    text = (element.text or "").strip()
    if not children:
        if attributes and text:
            return {"_attributes": attributes, "_value": element.text}
        if attributes:
            return {"_attributes": attributes}
        return element.text if text else {}
    node: dict[str, Any] = {"_attributes": attributes} if attributes else {}
    for child in children:
        name, value = _name(child), _convert(child)
        if name not in node:
            node[name] = value
        elif isinstance(node[name], list) and name in _repeated(element):
            node[name].append(value)
        else:
            node[name] = [node[name], value]
    return node


def _repeated(parent: etree._Element) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for child in parent:
        if isinstance(child.tag, str):
            name = _name(child)
            (repeated if name in seen else seen).add(name)
    return repeated


def soap_to_json(xml: bytes) -> dict[str, Any]:
    """The ``ResponseDian`` object of one SOAP answer (``{"Envelope": {...}}``)."""
    root = parse_xml(xml)
    return {_name(root): _convert(root)}
