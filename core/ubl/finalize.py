"""Write the unique code once it is computed from the finished (amended) tree.

The builder leaves ``cbc:UUID`` and ``sts:DianExtensions/sts:QRCode`` empty; the pipeline builds,
runs ``pasarela_amend_ubl``, computes the CUFE/CUDE from the tree and calls ``apply_unique_code``.
"""

from __future__ import annotations

from lxml import etree

from core.ubl.namespaces import CBC, EXT, STS

_QR_PATH = (EXT.UBLExtensions, EXT.UBLExtension, EXT.ExtensionContent, STS.DianExtensions)


def apply_unique_code(root: etree._Element, code: str, qr_url: str) -> None:
    """Fill ``cbc:UUID`` with the CUFE/CUDE and ``sts:QRCode`` with its catalogue URL."""
    uuid = _first_child(root, CBC.UUID)
    if uuid is None:
        raise ValueError("the UBL tree has no cbc:UUID")
    uuid.text = code
    qr = _first_at(root, (*_QR_PATH, STS.QRCode))
    if qr is None:
        raise ValueError("the UBL tree has no sts:DianExtensions/sts:QRCode")
    qr.text = qr_url


def _first_child(parent: etree._Element, tag: str) -> etree._Element | None:
    return next(parent.iterchildren(tag), None)


def _first_at(parent: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    """The first element at the child path ``tags`` in document order (``find``'s answer)."""
    if not tags:
        return parent
    for child in parent.iterchildren(tags[0]):
        found = _first_at(child, tags[1:])
        if found is not None:
            return found
    return None
