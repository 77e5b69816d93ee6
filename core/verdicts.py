"""What DIAN's answer means for a stored document: the verdict, and the answer kept with it."""

from __future__ import annotations

import msgspec

from core.dian.responses import DianResponse
from core.model.status import DocumentStatus
from core.storage.documents import StoredDocument

PENDING, ACCEPTED, REJECTED, FAILED = (
    DocumentStatus.PENDING,
    DocumentStatus.ACCEPTED,
    DocumentStatus.REJECTED,
    DocumentStatus.FAILED,
)


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    """What a DIAN answer means for our document."""

    status: str
    message: str | None


def judge(response: DianResponse, unique_code: str | None) -> Verdict:
    """Map a DianResponse to a document status.

    00 accepted (notifications kept); 99 rejected, except Regla 90 for our own CUFE, which
    means DIAN already accepted this very document (an earlier send whose answer we lost);
    66/98/empty: DIAN does not have it yet or is still processing → stays pending;
    89: the package itself was refused (ZIP, NIT not authorized) → failed.
    GetStatusZip of a habilitación test set answers ``2`` "… se encuentra Aceptado." (with
    IsValid false) once the whole set passed: every document in it counts as accepted.
    """
    code = response.status_code
    message = response.status_message or response.status_description or None
    if code == "00" and response.is_valid:
        return Verdict(status=ACCEPTED, message=message)
    if code == "2" and "Aceptado" in (response.status_description or ""):
        return Verdict(status=ACCEPTED, message=message)  # the whole test set was accepted
    if response.is_duplicate:
        key = (response.xml_document_key or "").lower()
        if not key or (unique_code and key == unique_code.lower()):
            return Verdict(status=ACCEPTED, message="Documento procesado anteriormente.")
        return Verdict(status=REJECTED, message=message)
    if code == "99":
        return Verdict(status=REJECTED, message=message)
    if code == "89":
        return Verdict(status=FAILED, message=message)
    return Verdict(status=PENDING, message=message)


def stored_answer(stored: StoredDocument) -> DianResponse | None:
    """DIAN's answer as it was recorded when the document was finished (``None``: none)."""
    if stored.dian_status_code is None:
        return None
    return DianResponse(
        is_valid=stored.status == ACCEPTED,
        status_code=stored.dian_status_code,
        status_description=stored.dian_status_description or "",
        status_message=stored.dian_message,
        error_messages=list(stored.dian_errors),
        xml_document_key=stored.unique_code,
    )
