"""``render_pdf``: the graphic representation of one issued document, as PDF bytes.

Pure CPU work, no I/O: the caller gathers a ``Representation`` (``core.representation.pdfs``
from a stored document, ``pasarela document render`` from what it just prepared). The output
is a function of its input only — the creation date is the issue moment and no random ids are
written — so a PDF can be regenerated on demand instead of stored.
"""

from __future__ import annotations

from core.representation.content import Representation


def render_pdf(representation: Representation) -> bytes:
    """The PDF of ``representation`` (A4, as many pages as its lines need)."""
    # fpdf2 with fontTools and Pillow is about 45 MB per process: loaded by the first PDF,
    # so a gateway worker that only issues documents never carries it
    from core.representation.layout import draw

    return draw(representation)


def pdf_file_name(number: str) -> str:
    """``SETP990000001.pdf``: research §5 names no PDF, so the document's number names it."""
    return f"{number}.pdf"
