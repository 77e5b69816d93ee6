"""Inclusive C14N 1.0 (without comments), and a fast path for whole documents we built.

libxml2's canonicalisation of a 20 KB invoice costs about four times its plain serialisation,
and the document digest is the largest XML cost of a signature. For a tree whose plain
serialisation already *is* canonical — namespace declarations only on the root and in canonical
order, attributes in canonical order, no empty elements, no comments, CDATA sections or
processing instructions, no character reference or ``&gt;`` (the two serialisers escape those
differently) — ``document_c14n`` returns the plain serialisation; any other tree goes through
libxml2's C14N. Every condition is checked on the tree or on the bytes, so the result is always
the C14N (the tests compare both on every document kind).
"""

from __future__ import annotations

import re

from lxml import etree

_WITH_SEVERAL_ATTRIBUTES = etree.XPath("//@*[2]/..")
# "/>" only ends an empty element (text and attributes write ">" as "&gt;"); a compiled
# pattern finds the pair a few times faster than ``bytes.__contains__``.
_EMPTY_ELEMENT = re.compile(rb"/>")

# Attribute-name sequences already seen in canonical order: documents repeat the same few.
_CANONICAL_NAMES: set[tuple[str, ...]] = set()
_CANONICAL_NAMES_LIMIT = 4096


def c14n(node: etree._Element | etree._ElementTree) -> bytes:
    """Inclusive C14N 1.0 without comments; for an element, in-scope namespaces are included."""
    return etree.tostring(node, method="c14n", exclusive=False, with_comments=False)


def _attribute_key(name: str) -> tuple[str, str]:
    """C14N attribute order: namespace URI (none first), then local name."""
    if name.startswith("{"):
        uri, _, local = name[1:].partition("}")
        return uri, local
    return "", name


def _canonical_order(element: etree._Element) -> bool:
    names = tuple(element.keys())
    if names in _CANONICAL_NAMES:
        return True
    if list(names) != sorted(names, key=_attribute_key):
        return False
    if len(_CANONICAL_NAMES) < _CANONICAL_NAMES_LIMIT:
        _CANONICAL_NAMES.add(names)
    return True


def _plain_is_canonical(root: etree._Element, plain: bytes) -> bool:
    prefixes = [prefix or "" for prefix in root.nsmap]  # the root's own: it has no parent
    return (
        prefixes == sorted(prefixes)  # declared in this order, default first (C14N's)
        # no declaration below the root (searching backwards skips faster: "x" is rare)
        and plain.rfind(b"xmlns", plain.index(b">")) == -1
        and _EMPTY_ELEMENT.search(plain) is None
        # single bytes are found with memchr; the pairs are looked for only when one is there
        and (b"&" not in plain or (b"&#" not in plain and b"&gt;" not in plain))
        and (b"!" not in plain or b"<![CDATA[" not in plain)
        and next(root.iter(etree.Comment, etree.ProcessingInstruction), None) is None
        and _canonical_order(root)
        and all(_canonical_order(element) for element in _WITH_SEVERAL_ATTRIBUTES(root))
    )


def document_c14n(root: etree._Element, plain: bytes | None = None) -> bytes:
    """The C14N of the document ``root`` heads: its plain serialisation when that is already
    canonical (see the module docstring), libxml2's C14N otherwise. ``plain`` is
    ``etree.tostring(root, encoding="UTF-8")`` when the caller already has it."""
    if root.getprevious() is None and root.getnext() is None:
        if plain is None:
            plain = etree.tostring(root, encoding="UTF-8")
        if _plain_is_canonical(root, plain):
            return plain
    return c14n(root.getroottree())
