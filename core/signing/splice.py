"""The signed document's bytes from the unsigned serialisation and the signature's own bytes.

Signing needs the document serialised without its signature (the enveloped digest) and the
caller needs it serialised with it. lxml writes a tree node by node, so the signed document's
serialisation is the unsigned one with the signature's bytes inserted where the (empty)
container closes. Both pieces are taken from lxml itself:

- where: the unsigned tree is serialised once with a comment of a per-process random token
  as the container's only child; the token found exactly once in those bytes marks the place,
  and the bytes without the comment are the unsigned serialisation (a comment writes as
  ``<!--token-->`` and nothing else, the container keeps its start and end tags because its
  text is not ``None``);
- what: ``etree.tostring(signature)`` writes the signature's subtree exactly as inside the
  document except for its start tag, where it also declares every namespace in scope; that
  start tag is rewritten when it is known (the element declares no namespace of its own and
  carries only its ``Id``).

When a condition does not hold the caller serialises the signed tree instead
(``etree.tostring``), so the result is always what lxml writes for it.
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from lxml import etree

_TOKEN = f"signature-goes-here-{secrets.token_hex(16)}"
_MARK = f"<!--{_TOKEN}-->".encode("ascii")


class Unsigned(NamedTuple):
    """``etree.tostring(root, encoding="UTF-8")`` of the unsigned document and the offset
    where the container's content ends (``None`` when it could not be located)."""

    plain: bytes
    at: int | None


def serialise_unsigned(root: etree._Element, container: etree._Element) -> Unsigned:
    """Serialise ``root`` once and locate the end of ``container``'s (empty) content."""
    if len(container) or container.text is None:
        return Unsigned(etree.tostring(root, encoding="UTF-8"), None)
    mark = etree.Comment(_TOKEN)
    container.append(mark)
    try:
        marked = etree.tostring(root, encoding="UTF-8")
    finally:
        container.remove(mark)
    at = _only_occurrence(marked, _MARK)
    if at == -1:
        return Unsigned(etree.tostring(root, encoding="UTF-8"), None)
    return Unsigned(marked[:at] + marked[at + len(_MARK) :], at)


def _only_occurrence(data: bytes, mark: bytes) -> int:
    """The offset of ``mark`` in ``data`` when it occurs there exactly once, else -1.

    ``mark`` holds a single ``!`` (second byte): when ``data`` holds no other, two memchr scans
    settle it; otherwise the whole mark is searched for twice.
    """
    bang = data.find(b"!")
    if bang > 0 and data.startswith(mark, bang - 1) and data.find(b"!", bang + 1) == -1:
        return bang - 1
    at = data.find(mark)
    return at if at != -1 and data.find(mark, at + 1) == -1 else -1


def in_document_bytes(element: etree._Element, id_value: str) -> bytes | None:
    """What serialising the whole document writes for ``element``: an appended element without
    tail whose only attribute is ``Id``; ``None`` when that is not certain.

    Appending drops the element's declarations of namespaces already in scope, so its own
    declarations are exactly those that add to its parent's namespaces; with none, the start
    tag in the document is ``<name Id="…">``. A ``>`` inside a namespace would hide where the
    start tag written alone ends, so it is refused too.
    """
    parent = element.getparent()
    if parent is None or element.tail is not None or element.keys() != ["Id"]:
        return None
    if element.get("Id") != id_value or not _written_as_is(id_value):
        return None
    in_scope = element.nsmap
    if in_scope != parent.nsmap or any(">" in uri for uri in in_scope.values()):
        return None
    local = etree.QName(element).localname
    name = (f"{element.prefix}:{local}" if element.prefix else local).encode()
    alone = etree.tostring(element, encoding="UTF-8")
    end = alone.find(b">") + 1
    id_attribute = b' Id="' + id_value.encode("ascii") + b'">'
    if not alone.startswith(b"<" + name + b" ") or not alone[:end].endswith(id_attribute):
        return None
    return b"<" + name + id_attribute + memoryview(alone)[end:]


def _written_as_is(value: str) -> bool:
    """lxml writes this attribute value without escaping anything."""
    return value.isascii() and all(c.isalnum() or c in "-_.:#" for c in value)


def signed_bytes(unsigned: Unsigned, signature: etree._Element, id_value: str) -> bytes | None:
    """The signed document's serialisation: ``signature``, the container's only child, spliced
    into the unsigned bytes; ``None`` when either piece is not certain."""
    container = signature.getparent()
    if unsigned.at is None or container is None or len(container) != 1:
        return None
    written = in_document_bytes(signature, id_value)
    if written is None:
        return None
    plain = memoryview(unsigned.plain)
    return b"".join((plain[: unsigned.at], written, plain[unsigned.at :]))
