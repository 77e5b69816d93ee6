"""What a tenant logo must be: a PNG or JPEG image of at most 1 MB that fpdf2 can draw.

Checked when the logo is set, so a bad file is refused with a clear message then, instead of
breaking every PDF of the tenant later.
"""

from __future__ import annotations

import io

from core.errors import InvalidLogo

MAX_LOGO_BYTES = 1024 * 1024
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def check_logo(image: bytes) -> str:
    """The logo's media type (``image/png`` or ``image/jpeg``); ``InvalidLogo`` otherwise."""
    if len(image) > MAX_LOGO_BYTES:
        raise InvalidLogo(
            f"El logo pesa {len(image)} bytes: el máximo es {MAX_LOGO_BYTES} bytes (1 MB)."
        )
    media_type = next((t for magic, t in _SIGNATURES.items() if image.startswith(magic)), None)
    if media_type is None:
        raise InvalidLogo("El logo no es una imagen PNG ni JPEG.")
    # loaded when a logo is set, as the PDFs load it (core.representation.pdf)
    from fpdf import FPDF

    try:
        sheet = FPDF()
        sheet.add_page()
        sheet.image(io.BytesIO(image), x=0, y=0, w=10)
    except Exception:  # fpdf2 and Pillow raise many types for a damaged image
        raise InvalidLogo("El logo está dañado: no se puede leer como imagen.") from None
    return media_type
