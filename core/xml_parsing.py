"""The one hardened way Pasarela parses XML it did not build itself.

XML reaches us from the network (DIAN's SOAP answers, SOAP requests to the simulator, the
documents inside their ZIPs, signed documents to verify). None of those has a use for a DTD,
so the parser neither loads nor validates one, never resolves an entity and never touches the
network; libxml2's default limits stay on (``huge_tree`` off: nesting depth, text node size).
A document that still *declares* a DOCTYPE is refused outright: external entities, entity
expansion ("billion laughs") and external DTDs all start there, and neither UBL nor SOAP 1.2
allows one. Input is also bounded in size before libxml2 sees it.

``hardened_parser`` hands out the same configuration to the one place that must attach a
resolver (``core.ubl.schemas``, compiling the XSDs we ship).
"""

from __future__ import annotations

import threading

from lxml import etree

#: Largest XML accepted by default: the simulator's SOAP body limit (60 MiB) plus headroom.
MAX_XML_BYTES = 64 * 1024 * 1024


class UnsafeXml(ValueError):
    """XML refused before use: not well-formed, too large, or declaring a DOCTYPE.

    The message is Spanish: callers pass it on to the sender (a SOAP fault, a DIAN rejection,
    a signature error).
    """


def hardened_parser() -> etree.XMLParser:
    """A new parser with Pasarela's single hardened configuration."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


# lxml parsers must not be shared between threads (the default parser is per thread too).
_per_thread = threading.local()


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_per_thread, "parser", None)
    if parser is None:
        parser = _per_thread.parser = hardened_parser()
    return parser


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse untrusted XML bytes into a tree; :class:`UnsafeXml` when refused."""
    if len(data) > max_bytes:
        raise UnsafeXml(f"El XML supera el tamaño máximo de {max_bytes} bytes.")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"El XML no está bien formado: {exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise UnsafeXml("El XML no puede declarar DOCTYPE (ni DTD ni entidades).")
    return root
