"""Write the unique code once it is computed from the finished (amended) tree.

The builder leaves ``cbc:UUID`` and ``sts:DianExtensions/sts:QRCode`` empty; the pipeline builds,
runs ``pasarela_amend_ubl``, computes the CUFE/CUDE from the tree and calls ``apply_unique_code``.
"""

from __future__ import annotations

from lxml import etree

from core.ubl.namespaces import CBC, EXT, STS, first_at

_QR_PATH = (
    EXT.UBLExtensions,
    EXT.UBLExtension,
    EXT.ExtensionContent,
    STS.DianExtensions,
    STS.QRCode,
)


def apply_unique_code(root: etree._Element, code: str, qr_url: str) -> None:
    """Fill ``cbc:UUID`` with the CUFE/CUDE and ``sts:QRCode`` with its catalogue URL."""
    uuid = first_at(root, (CBC.UUID,))
    if uuid is None:
        raise ValueError("the UBL tree has no cbc:UUID")
    uuid.text = code
    qr = first_at(root, _QR_PATH)
    if qr is None:
        raise ValueError("the UBL tree has no sts:DianExtensions/sts:QRCode")
    qr.text = qr_url
