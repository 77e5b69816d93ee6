"""One stored document as the rest of the gateway reads it: ``StoredDocument`` (the whole
``documents`` row as a frozen Struct) and the ``DocumentRecord`` view dialects render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

import msgspec

from core.clock import now_bogota
from core.model import Document, DocumentRecord, DocumentStatus
from core.ubl.packaging import document_file_names, zip_xml


class StoredDocument(msgspec.Struct, frozen=True, kw_only=True):
    """A whole ``documents`` row. Money is ``Decimal``; times are Bogota-aware."""

    id: int
    uuid: str
    tenant_id: int
    dialect: str
    type_code: str
    environment: str
    prefix: str
    number: int
    reference: str | None
    issue_datetime: dt.datetime | None
    customer_id: str | None
    customer_name: str | None
    subtotal: Decimal | None
    taxes: Decimal | None
    tax_breakdown: dict[str, Decimal]
    payable: Decimal | None
    unique_code: str | None
    prehash: str | None
    status: DocumentStatus
    signed_xml: str | None
    zip_name: str | None
    zip_key: str | None
    dian_status_code: str | None
    dian_status_description: str | None
    dian_message: str | None
    dian_errors: tuple[str, ...]
    application_response: str | None
    request_payload: bytes | None
    dialect_data: dict[str, Any] | None
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    attached_document: str | None = None  # the signed AttachedDocument, once built
    attached_at: dt.datetime | None = None
    delivery_status: str | None = None  # the e-mail to the buyer (core.delivery)
    delivery_sent_at: dt.datetime | None = None
    delivery_sent_to: str | None = None
    delivery_error: str | None = None

    @property
    def full_number(self) -> str:
        return f"{self.prefix}{self.number}"

    def canonical(self) -> Document | None:
        """The canonical document the row was issued from (kept to rebuild and to render),
        numbered as the row is; ``None`` for a row stored without it."""
        canonical = (self.dialect_data or {}).get("canonical")
        if canonical is None:
            return None
        document = msgspec.convert(canonical, Document, strict=False)
        return msgspec.structs.replace(document, prefix=self.prefix, number=self.number)

    def record(self) -> DocumentRecord:
        """The view dialects render (missing totals read as zero, a missing code as "")."""
        return record_of(self)

    def package(self, file_prefix: str, issuer_nit: str) -> bytes:
        """The ZIP sent to DIAN, rebuilt from the stored signed XML (names per §5 derive from
        the type, the issuer, the issue year and the number, so they come out the same)."""
        year = (self.issue_datetime or now_bogota()).year
        xml_name, _ = document_file_names(file_prefix, issuer_nit, year, self.number)
        return zip_xml((self.signed_xml or "").encode("utf-8"), xml_name)


# The AttachedDocument embeds the signed XML and DIAN's answer verbatim, each in a CDATA
# section; its row keeps a marker in their place (a NUL never occurs in XML), so the bytes the
# row already holds are not stored twice. Values stored whole (before this, or whatever does
# not embed them verbatim) read back as they are.
_SIGNED_MARK: Final = "\x00signed_xml\x00"
_ANSWER_MARK: Final = "\x00application_response\x00"


def _cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def attached_for_storage(xml: str, signed_xml: str | None, application_response: str | None) -> str:
    """The ``attached_document`` column of a document's AttachedDocument ``xml``: the
    embedded copies of its ``signed_xml`` and ``application_response`` left as markers
    (``expand_attached`` gives ``xml`` back, byte for byte)."""
    stored = xml
    for text, mark in ((signed_xml, _SIGNED_MARK), (application_response, _ANSWER_MARK)):
        if text and "\x00" not in text:
            stored = stored.replace(_cdata(text), _cdata(mark), 1)
    return stored if expand_attached(stored, signed_xml, application_response) == xml else xml


def expand_attached(
    stored: str | None, signed_xml: str | None, application_response: str | None
) -> str | None:
    """The AttachedDocument of an ``attached_document`` column (``attached_for_storage``)."""
    if stored is None or "\x00" not in stored:
        return stored
    return stored.replace(_cdata(_SIGNED_MARK), _cdata(signed_xml or ""), 1).replace(
        _cdata(_ANSWER_MARK), _cdata(application_response or ""), 1
    )


def stored_from_row(row: Any) -> StoredDocument:
    """From a result row of every ``documents`` column."""
    return StoredDocument(
        id=row.id,
        uuid=row.uuid,
        tenant_id=row.tenant_id,
        dialect=row.dialect,
        type_code=row.type_code,
        environment=row.environment,
        prefix=row.prefix,
        number=row.number,
        reference=row.reference,
        issue_datetime=row.issue_datetime,
        customer_id=row.customer_id,
        customer_name=row.customer_name,
        subtotal=row.subtotal,
        taxes=row.taxes,
        tax_breakdown={k: Decimal(v) for k, v in (row.tax_breakdown or {}).items()},
        payable=row.payable,
        unique_code=row.unique_code,
        prehash=row.prehash,
        status=DocumentStatus(row.status),
        signed_xml=row.signed_xml,
        zip_name=row.zip_name,
        zip_key=row.zip_key,
        dian_status_code=row.dian_status_code,
        dian_status_description=row.dian_status_description,
        dian_message=row.dian_message,
        dian_errors=tuple(row.dian_errors or ()),
        application_response=row.application_response,
        request_payload=row.request_payload,
        dialect_data=row.dialect_data,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
        attached_document=expand_attached(
            row.attached_document, row.signed_xml, row.application_response
        ),
        attached_at=row.attached_at,
        delivery_status=row.delivery_status,
        delivery_sent_at=row.delivery_sent_at,
        delivery_sent_to=row.delivery_sent_to,
        delivery_error=row.delivery_error,
    )


def record_of(doc: StoredDocument | Any) -> DocumentRecord:
    """Build a DocumentRecord from a StoredDocument or a result row of ``_RECORD_COLUMNS``."""
    breakdown = doc.tax_breakdown or {}
    return DocumentRecord(
        uuid=doc.uuid,
        tenant_id=doc.tenant_id,
        dialect=doc.dialect,
        type_code=doc.type_code,
        environment=doc.environment,
        prefix=doc.prefix,
        number=doc.number,
        issue_datetime=doc.issue_datetime or doc.created_at,
        customer_id=doc.customer_id or "",
        customer_name=doc.customer_name or "",
        line_extension=doc.subtotal if doc.subtotal is not None else Decimal("0.00"),
        tax_total=doc.taxes if doc.taxes is not None else Decimal("0.00"),
        taxes={k: Decimal(v) for k, v in breakdown.items()},
        payable=doc.payable if doc.payable is not None else Decimal("0.00"),
        unique_code=doc.unique_code or "",
        status=DocumentStatus(doc.status),
        zip_key=doc.zip_key,
        dian_status_code=doc.dian_status_code,
        dian_status_description=doc.dian_status_description,
        dian_message=doc.dian_message,
        dian_errors=tuple(doc.dian_errors or ()),
        last_error=doc.last_error,
        attempts=doc.attempts,
        created_at=doc.created_at,
    )
