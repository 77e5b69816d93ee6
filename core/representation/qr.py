"""The QR printed on the graphic representation: its text (research ``dian-tech.md`` §2.3)
and its modules, drawn by the PDF layout as vector squares (no image to decode or embed)."""

from __future__ import annotations

from decimal import Decimal

import segno

from core.contracts import DocumentType
from core.model import Document, Totals
from core.ubl import formats

IVA = "01"
MASK = 0


def qr_text(
    document: Document, document_type: DocumentType, totals: Totals, unique_code: str, qr_url: str
) -> str:
    """One ``Key: value`` per line, in §2.3's order. Invoices and notes use the ``NumFac``
    fields; the support document (a CUDS kind) its own ``NumDS`` set. The code's label is the
    kind's unique code (``CUFE`` for invoices, ``CUDE`` for notes and POS documents): DIAN does
    not validate the printed QR and the source is not firm on the label of notes (§2.3)."""
    if document.issue_date is None or document.issue_time is None:
        raise ValueError("the document must be dated before its QR is written")
    supplier = document.supplier.id_number if document.supplier else ""
    customer = document.customer.id_number
    money = totals.monetary
    iva = totals.tax_amount(IVA)
    other = sum((t.tax_amount for t in totals.tax_totals if t.scheme != IVA), Decimal("0"))
    number = document.full_number or ""
    date, time = formats.date(document.issue_date), formats.time(document.issue_time)
    if document_type.unique_code == "CUDS":
        fields = [
            ("NumDS", number),
            ("FecFD", date),
            ("HorDS", time),
            ("NumSNO", supplier),
            ("DocABS", customer),
            ("ValDS", formats.amount(money.line_extension)),
            ("ValIva", formats.amount(iva)),
            ("ValTolDS", formats.amount(money.payable)),
        ]
    else:
        fields = [
            ("NumFac", number),
            ("FecFac", date),
            ("HorFac", time),
            ("NitFac", supplier),
            ("DocAdq", customer),
            ("ValFac", formats.amount(money.line_extension)),
            ("ValIva", formats.amount(iva)),
            ("ValOtroIm", formats.amount(other)),
            ("ValTolFac", formats.amount(money.payable)),
        ]
    fields += [(document_type.unique_code, unique_code), ("QRCode", qr_url)]
    return "\n".join(f"{key}: {value}" for key, value in fields)


def qr_modules(text: str) -> tuple[bytearray, ...]:
    """The QR's dark modules row by row, without the quiet zone.

    Error correction M survives a smudged print. The mask is fixed: any of the eight is a valid
    code every reader decodes, and scoring them all (segno's default) is most of the cost of
    encoding, which matters for a PDF rendered on demand.
    """
    code = segno.make_qr(text, error="m", boost_error=False, mask=MASK)
    return code.matrix  # one bytearray per row, 1 for a dark module
