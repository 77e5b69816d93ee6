"""APIDIAN's answers to document requests, quirks included (research §4.1–§4.3).

- ``POST /invoice`` (sync): ``success`` first, then the message, the e-mail flags (booleans,
  ``send_email_date_time`` too), file names, ``cufe``, ``QRStr``, days left, ``ResponseDian``,
  ``whatsapp_response`` and the base64 files. ``success: true`` means DIAN answered, whatever
  it said: a rejection is ``IsValid: "false"`` inside ``ResponseDian``.
- Notes and equivalent documents (sync): no ``success`` key; the code is ``cude`` for notes
  and ``cufe`` for the POS document, which also carries ``resolution_days_left``.
- With a test-set id: no ``success``, the message names the document type, ``ResponseDian``
  holds the ``ZipKey``, and ``urlinvoiceattached`` is the placeholder ``Attachment-…xml``.
- When DIAN did not answer: the same shape with ``success: false`` and APIDIAN's message.

File names: ``<PREFIX>S-<number>.xml|pdf`` for the signed XML and the PDF (``FES-``,
``NCS-``, ``NDS-``, ``POSS-``, ``NCQS-``, ``NDQS-``), the unsigned XML under ``<PREFIX>-``,
the AttachedDocument under its DIAN name (``ad….xml``) behind ``atacheddocument_name_prefix``.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, NamedTuple

from lxml import etree

from adapters.apidian import catalogs
from adapters.apidian.soap_json import response_dian as soap_to_json
from core.api import DianExchange, DocumentRecord, DocumentStatus, UnsafeXml, parse_xml


class KindAnswer(NamedTuple):
    """How APIDIAN names one kind in its answers: the file prefix (the signed variant adds
    "S"), its ``type_documents`` id, the key of the unique code and whether the answer carries
    ``resolution_days_left``."""

    file_prefix: str
    type_id: int
    code_key: str
    resolution_days: bool


# DIAN type code -> how APIDIAN answers it (research §4.3; its controllers)
KINDS = {
    "01": KindAnswer("FE", 1, "cufe", True),
    "02": KindAnswer("FE", 2, "cufe", True),
    "03": KindAnswer("FE", 3, "cude", True),
    "04": KindAnswer("FE", 12, "cude", True),
    "91": KindAnswer("NC", 4, "cude", False),
    "92": KindAnswer("ND", 5, "cude", False),
    "20": KindAnswer("POS", 15, "cufe", True),
    "94": KindAnswer("NCQ", 26, "cude", False),
    "93": KindAnswer("NDQ", 25, "cude", False),
    "05": KindAnswer("DS", 11, "cuds", True),
    "95": KindAnswer("NDSN", 13, "cuds", False),
}
FILE_PREFIXES = {kind: answer.file_prefix for kind, answer in KINDS.items()}
DIAN_DOWN = "El servicio DIAN no se encuentra disponible en el momento, reintente mas tarde..."
SIGNATURE_NS = "http://www.w3.org/2000/09/xmldsig#"


def b64(data: bytes | None) -> str:
    return base64.b64encode(data).decode("ascii") if data else ""


def kind_answer(kind: str) -> KindAnswer:
    return KINDS.get(kind, KINDS["01"])


def signed_name(record: DocumentRecord, extension: str) -> str:
    return f"{kind_answer(record.type_code).file_prefix}S-{record.full_number}.{extension}"


def unsigned_name(record: DocumentRecord) -> str:
    return f"{kind_answer(record.type_code).file_prefix}-{record.full_number}.xml"


def unsigned_xml(signed: bytes | None) -> bytes:
    """The document as it was before signing: the signed XML without its ``ds:Signature``."""
    if not signed:
        return b""
    root = parse_xml(signed)
    for signature in root.iter(f"{{{SIGNATURE_NS}}}Signature"):
        parent = signature.getparent()
        if parent is not None:
            parent.remove(signature)
            break
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)


def sent_zip(exchange: DianExchange | None) -> bytes | None:
    """The ZIP the SOAP request carried (``contentFile``, base64)."""
    if exchange is None or not exchange.request:
        return None
    for element in parse_xml(exchange.request).iter():
        if isinstance(element.tag, str) and element.tag.endswith("contentFile"):
            return base64.b64decode(element.text or "")
    return None


def response_dian(exchange: DianExchange | None) -> Any:
    """DIAN's SOAP answer (a Fault included) as JSON; ``None`` when no SOAP came back (a
    timeout, an HTML error page)."""
    if exchange is None or not exchange.response:
        return None
    try:
        converted = soap_to_json(exchange.response)
    except (UnsafeXml, ValueError):
        return None
    return converted if "Envelope" in converted else None


def days_until(moment: dt.date | dt.datetime | None, today: dt.date) -> int | None:
    if moment is None:
        return None
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return (day - today).days


def document_answer(
    record: DocumentRecord,
    *,
    exchange: DianExchange | None,
    signed: bytes | None,
    attached: tuple[str, bytes] | None,
    qr: str,
    certificate_days_left: int | None,
    resolution_days_left: int | None,
    sendmail: bool,
    attached_prefix: str,
    test_set: bool,
) -> dict[str, Any]:
    """The body of a document endpoint (see the module docstring)."""
    kind = record.type_code
    accepted = record.status == DocumentStatus.ACCEPTED
    dian = response_dian(exchange)
    answered = dian is not None
    facts = kind_answer(kind)
    files = {
        "invoicexml": b64(signed),
        "zipinvoicexml": b64(sent_zip(exchange)),
        "unsignedinvoicexml": b64(unsigned_xml(signed)),
        "reqfe": b64(exchange.request if exchange else None),
        "rptafe": b64(exchange.response if exchange else None),
    }
    urls = {
        "urlinvoicexml": signed_name(record, "xml"),
        "urlinvoicepdf": signed_name(record, "pdf"),
        "urlinvoiceattached": f"{attached_prefix}{attached[0] if attached else '.xml'}",
    }
    codes: dict[str, Any] = {
        facts.code_key: record.unique_code,
        "QRStr": qr,
        "certificate_days_left": certificate_days_left,
    }
    if facts.resolution_days:
        codes["resolution_days_left"] = resolution_days_left
    mailed = accepted and sendmail
    if test_set:
        urls["urlinvoiceattached"] = f"Attachment-{record.full_number}.xml"
        type_row = catalogs.row("type_documents", facts.type_id)
        name = type_row.name if type_row else "Documento"
        return {
            "message": f"{name} #{record.full_number} generada con éxito",
            "ResponseDian": dian,
            **files,
            **urls,
            **codes,
        }
    message = f"AttachedDocument #{record.full_number} generada con éxito"
    if not answered:
        message = DIAN_DOWN
    elif record.status == DocumentStatus.FAILED:
        message = f"Problema con el documento : AttachedDocument #{record.full_number}"
    if kind == "01":
        return {
            "success": answered and record.status != DocumentStatus.FAILED,
            "message": message,
            "send_email_success": mailed,
            "send_email_date_time": mailed,
            **urls,
            **codes,
            "ResponseDian": dian,
            "whatsapp_response": None,
            **files,
            "attacheddocument": b64(attached[1] if attached else None),
        }
    body: dict[str, Any] = {}
    if not answered:
        body["success"] = False
    body.update(
        {
            "message": message,
            "send_email_success": mailed,
            "send_email_date_time": mailed,
            "ResponseDian": dian,
            **files,
            "attacheddocument": b64(attached[1] if attached else None),
            **urls,
            **codes,
        }
    )
    return body


def stored_answer(
    record: DocumentRecord,
    *,
    signed: bytes | None,
    zipped: bytes | None,
    xml_file_name: str,
    qr: str,
    certificate_days_left: int | None,
    resolution_days_left: int | None,
    attached_prefix: str,
) -> dict[str, Any]:
    """``POST /invoice-contingency-4``: the document is stored signed and sent later, and
    APIDIAN answers with a ``ResponseDian`` of its own making (no SOAP envelope, no
    ``reqfe``/``rptafe``); ``send_pendings`` sends it."""
    type_row = catalogs.row("type_documents", kind_answer(record.type_code).type_id)
    kind = type_row.name if type_row else ""
    result = {
        "ErrorMessage": {"string": ""},
        "IsValid": "true",
        "StatusCode": "00",
        "StatusDescription": "Procesado Correctamente.",
        "StatusMessage": f"La {kind} {record.full_number}, ha sido enviada.",
        "XmlDocumentKey": record.unique_code,
        "XmlFileName": xml_file_name,
    }
    return {
        "message": f"AttachedDocument #{record.full_number} generada con éxito",
        "send_email_success": False,
        "send_email_date_time": False,
        "ResponseDian": {"Body": {"SendBillSyncResponse": {"SendBillSyncResult": result}}},
        "invoicexml": b64(signed),
        "zipinvoicexml": b64(zipped),
        "unsignedinvoicexml": b64(unsigned_xml(signed)),
        "attacheddocument": "",
        "urlinvoicexml": signed_name(record, "xml"),
        "urlinvoicepdf": signed_name(record, "pdf"),
        "urlinvoiceattached": f"{attached_prefix}{xml_file_name.replace('fv', 'ad', 1)}.xml",
        kind_answer(record.type_code).code_key: record.unique_code,
        "QRStr": qr,
        "certificate_days_left": certificate_days_left,
        "resolution_days_left": resolution_days_left,
    }
