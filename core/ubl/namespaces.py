"""UBL 2.1 / DIAN namespaces (Anexo 1.9, research §6) and the element factory every builder uses.

The root carries its document namespace as the default one (no prefix): DIAN expects an
unprefixed root. Tags are Clark names (``{ns}local``) built once at import, and ``sub`` is the
single way builders add a child, so the hot path is plain ``etree.SubElement`` calls.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from threading import get_ident
from typing import Literal

from lxml import etree

RootName = Literal["Invoice", "CreditNote", "DebitNote"]

CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
STS_NS = "dian:gov:co:facturaelectronica:Structures-2-1"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
XADES141_NS = "http://uri.etsi.org/01903/v1.4.1#"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

ROOT_NS: Mapping[str, str] = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "DebitNote": "urn:oasis:names:specification:ubl:schema:xsd:DebitNote-2",
}

# In C14N order (by prefix): a root declaring them so serialises as C14N writes it, which
# lets the signature digest the plain serialisation (core.signing.c14n).
PREFIXED: Mapping[str, str] = {
    "cac": CAC_NS,
    "cbc": CBC_NS,
    "ds": DS_NS,
    "ext": EXT_NS,
    "sts": STS_NS,
    "xades": XADES_NS,
    "xades141": XADES141_NS,
    "xsi": XSI_NS,
}

# Prefix map for XPath over any of our documents (the root namespace has no prefix there).
XPATH_NS: Mapping[str, str] = {**PREFIXED, "inv": ROOT_NS["Invoice"]}


def text_at(node: etree._Element | None, path: str) -> str:
    """Stripped text of the first element at ``path`` below ``node`` (prefixes of
    ``XPATH_NS``, e.g. ``cac:Party/cbc:ID``); ``""`` when absent: XPath's ``string(path)``.

    A path of plain child steps is walked with lxml's child iterators, and an element without
    children has its text as string value; anything else goes through a compiled XPath."""
    if node is None:
        return ""
    steps = _child_steps(path)
    if steps is not None:
        found = first_at(node, steps)
        if found is None:
            return ""
        if len(found) == 0:
            return (found.text or "").strip()
    return str(_string_value(path)(node)).strip()


def attribute_at(node: etree._Element | None, path: str, name: str) -> str:
    """Stripped attribute ``name`` of the first element at ``path``; ``""`` when absent."""
    if node is None:
        return ""
    return str(_string_value(f"{path}/@{name}")(node)).strip()


def first_at(parent: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    """The first element, in document order, at the child path ``tags`` (Clark names)."""
    if not tags:
        return parent
    for child in parent.iterchildren(tags[0]):
        found = first_at(child, tags[1:])
        if found is not None:
            return found
    return None


_STEP = re.compile(r"([a-z0-9]+):([A-Za-z_][A-Za-z0-9_.-]*)")


@functools.lru_cache(maxsize=1024)
def _child_steps(path: str) -> tuple[str, ...] | None:
    """``cac:Party/cbc:ID`` as Clark names; ``None`` for any other kind of path."""
    steps = []
    for step in path.split("/"):
        match = _STEP.fullmatch(step)
        if match is None or match.group(1) not in XPATH_NS:
            return None
        steps.append(f"{{{XPATH_NS[match.group(1)]}}}{match.group(2)}")
    return tuple(steps)


@functools.lru_cache(maxsize=1024)
def _string_value(path: str) -> etree.XPath:
    return etree.XPath(f"string({path})", namespaces=dict(XPATH_NS), smart_strings=False)


SCHEMA_LOCATION_ATTR = f"{{{XSI_NS}}}schemaLocation"
OASIS_XSD_BASE = "http://docs.oasis-open.org/ubl/os-UBL-2.1/xsd/maindoc/"

# The DIAN agency literal every schemeAgencyName carries.
DIAN_AGENCY_ID = "195"
DIAN_AGENCY_NAME = "CO, DIAN (Dirección de Impuestos y Aduanas Nacionales)"


class _Tags:
    """``CBC.ID`` -> ``"{cbc-ns}ID"``; attribute access is cached on the instance."""

    def __init__(self, namespace: str) -> None:
        self._prefix = f"{{{namespace}}}"

    def __getattr__(self, local: str) -> str:
        tag = self._prefix + local
        setattr(self, local, tag)
        return tag


CAC = _Tags(CAC_NS)
CBC = _Tags(CBC_NS)
EXT = _Tags(EXT_NS)
STS = _Tags(STS_NS)

_SubElement = etree.SubElement


def sub(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    attrib: Mapping[str, str] | None = None,
) -> etree._Element:
    """Append ``tag`` to ``parent`` with optional text and attributes (values must be strings)."""
    el = _SubElement(parent, tag, attrib) if attrib else _SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def new_root(root_name: RootName) -> etree._Element:
    """An empty UBL root: default namespace for the document, prefixes for the rest, and the
    ``xsi:schemaLocation`` DIAN's samples carry. A copy of one built once per thread (several
    times cheaper than declaring nine namespaces again)."""
    return _root_template(root_name, get_ident()).__deepcopy__(None)


@functools.lru_cache(maxsize=256)
def _root_template(root_name: RootName, thread: int) -> etree._Element:
    """Per thread, like every cached subtree: lxml trees keep thread-local name dictionaries."""
    ns = ROOT_NS[root_name]
    root = etree.Element(f"{{{ns}}}{root_name}", nsmap={None: ns, **PREFIXED})
    root.set(SCHEMA_LOCATION_ATTR, f"{ns} {OASIS_XSD_BASE}UBL-{root_name}-2.1.xsd")
    return root


def root_tag(root_name: RootName, local: str) -> str:
    """A Clark name in the document's own namespace (the POS extensions live there)."""
    return f"{{{ROOT_NS[root_name]}}}{local}"
