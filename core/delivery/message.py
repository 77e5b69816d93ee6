"""The e-mail a buyer receives for an accepted document (dian-tech §6.7, delivery).

Subject ``NIT;Nombre;Número;Código tipo doc;Nombre comercial`` (the issuer's NIT and name,
the document's number with its prefix, its DIAN type code, the issuer's trade name or else
its name), a short body in Spanish and ONE ZIP holding the AttachedDocument XML and the PDF,
at most 2 MB.
"""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Final

MAX_ZIP_BYTES: Final = 2 * 1024 * 1024


class AttachmentTooLarge(ValueError):
    """The ZIP would pass DIAN's 2 MB limit for the buyer's e-mail."""


def subject(*, nit: str, name: str, number: str, type_code: str, trade_name: str | None) -> str:
    fields = (nit, name, number, type_code, trade_name or name)
    return ";".join(f.replace(";", ",").replace("\n", " ").strip() for f in fields)


def delivery_zip(files: list[tuple[str, bytes]]) -> bytes:
    """One ZIP of ``(name, bytes)``; ``AttachmentTooLarge`` over 2 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = buffer.getvalue()
    if len(data) > MAX_ZIP_BYTES:
        raise AttachmentTooLarge(
            f"el ZIP del correo pesa {len(data)} bytes; el máximo es {MAX_ZIP_BYTES}"
        )
    return data


def compose(
    *,
    sender: str,
    recipient: str,
    subject_line: str,
    issuer_name: str,
    buyer_name: str,
    number: str,
    unique_code: str,
    zip_name: str,
    zip_bytes: bytes,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject_line
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(
        f"Señor(a) {buyer_name}:\n\n"
        f"{issuer_name} le envía el documento electrónico {number}, validado por la DIAN.\n"
        f"CUFE/CUDE: {unique_code}\n\n"
        "En el archivo ZIP adjunto encuentra el documento electrónico (AttachedDocument, "
        "XML) y su representación gráfica (PDF).\n\n"
        "Este mensaje se generó automáticamente; por favor no lo responda.\n"
    )
    message.add_attachment(zip_bytes, maintype="application", subtype="zip", filename=zip_name)
    return message


def password_reset(*, sender: str, recipient: str, company: str, link: str) -> EmailMessage:
    """The e-mail with a portal user's one-time link to set a new password."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = f"{company}: restablecer la contraseña del portal"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(
        f"Alguien pidió restablecer la contraseña de {recipient} en el portal de facturación "
        f"electrónica de {company}.\n\n"
        f"Para elegir una contraseña nueva abra este enlace (vale una hora y una sola vez):\n"
        f"{link}\n\n"
        "Si no fue usted, ignore este mensaje: su contraseña no cambia.\n"
    )
    return message
