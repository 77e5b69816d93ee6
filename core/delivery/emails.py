"""E-mail to the buyer: one message per accepted document that asked for it, sent by a job.

Whether a document is e-mailed is decided in the transaction that records its acceptance
(``on_accepted``, which the composition root adds to ``IssueService.accepted_units``): the
issuing request's wish (``IssueService.issue(..., deliver_email=True|False|None)``, stored
with the document; ``None`` takes the tenant's ``deliver_by_default``) and the buyer's
address. A buyer without one gets no job and the document says ``sin_correo``; otherwise an
``EMAIL_JOB`` is stored there and the document says ``pendiente``. The job builds the
message (``core.delivery.message``) and sends it through the tenant's SMTP server with
aiosmtplib: a transient failure (no connection, a 4xx answer) is retried by the job queue
with its backoff and leaves the document ``pendiente`` with the error; a refusal (a 5xx
answer, e.g. an unknown recipient) is recorded as ``fallido`` and not retried. The request
that issued the document never waits for any of it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any, Final

import aiosmtplib
import msgspec
from sqlalchemy import Connection, bindparam, update

from core.clock import now_bogota
from core.contracts import JobContext, JobKind, JobOutcome
from core.delivery.message import AttachmentTooLarge, compose, delivery_zip, subject
from core.errors import NotFound, RepresentationUnavailable
from core.jobs import enqueue
from core.model import TenantView
from core.representation.attachments import AttachedDocuments
from core.representation.pdfs import PdfService
from core.settings import Settings
from core.storage.documents import DocumentRepository, StoredDocument
from core.storage.tables import DocumentRow
from core.tenancy.smtp import SmtpService, SmtpSettings, deliver_by_default
from core.tenancy.tenants import TenantService

log = logging.getLogger(__name__)

EMAIL_JOB: Final = "delivery.email"  # payload: {"tenant_id": int, "uuid": str}
SENT, PENDING, FAILED, NO_ADDRESS = "enviado", "pendiente", "fallido", "sin_correo"
SMTP_TIMEOUT_S: Final = 30.0
_DOCUMENTS = DocumentRow.__table__
_DECIDED: Final = (  # built once: an acceptance's decision on the e-mail
    update(_DOCUMENTS)
    .where(_DOCUMENTS.c.uuid == bindparam("match_uuid"))
    .values(delivery_error=None)
)


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    """A document's e-mail to the buyer. ``status`` is ``None`` when none was asked for."""

    status: str | None  # enviado | pendiente | fallido | sin_correo
    sent_at: dt.datetime | None = None
    sent_to: str | None = None
    last_error: str | None = None


class EmailDeliveries:
    """Decide, send and report the e-mail of tenants' accepted documents."""

    def __init__(
        self,
        *,
        settings: Settings,
        tenants: TenantService,
        smtp: SmtpService,
        documents: DocumentRepository,
        attachments: AttachedDocuments,
        pdfs: PdfService,
    ) -> None:
        self.tenants = tenants
        self.smtp = smtp
        self.documents = documents
        self.attachments = attachments
        self.pdfs = pdfs
        self.job = JobKind(
            id=EMAIL_JOB,
            handler=self._run_job,
            max_attempts=settings.max_attempts,
            backoff_s=settings.retry_interval_s,
            max_backoff_s=settings.retry_max_backoff_s,
        )
        """The job kind that sends one document's e-mail (the composition root registers
        it); retried with the settings' backoff."""

    async def status(self, tenant_id: int, uuid: str) -> Delivery:
        """The delivery of one of the tenant's documents; ``NotFound`` for an unknown or
        another tenant's document."""
        return delivery_of(await self.documents.get(tenant_id, uuid))

    async def send_to(self, tenant_id: int, uuid: str, address: str | None = None) -> None:
        """Send an accepted document's e-mail again, to ``address`` (default: the buyer's), in
        a job as on acceptance. ``NotFound`` for an unknown or another tenant's document;
        ``RepresentationUnavailable`` until DIAN accepts it."""
        stored = await self.documents.get(tenant_id, uuid)
        if stored.status != "aceptado":
            raise RepresentationUnavailable(stored.status, "correo")
        payload: dict[str, Any] = {"tenant_id": tenant_id, "uuid": uuid, "again": True}
        if address:
            payload["to"] = address

        def store(conn: Connection) -> None:
            enqueue(conn, EMAIL_JOB, payload)

        await self.documents.update(
            uuid, before=store, delivery_status=PENDING, delivery_error=None
        )

    async def content(self, tenant_id: int, uuid: str) -> tuple[str, bytes]:
        """``(subject, zip)`` of the e-mail an accepted document is sent with, for clients
        that send it themselves; ``RepresentationUnavailable`` until DIAN accepts it."""
        stored = await self.documents.get(tenant_id, uuid)
        tenant = await self.tenants.tenant_view(tenant_id)
        _, zip_bytes = await self._zip(stored)
        return _subject(tenant, stored), zip_bytes

    def on_accepted(self, conn: Connection, stored: StoredDocument) -> None:
        """In the transaction recording ``stored``'s acceptance: store its e-mail job, or
        mark it ``sin_correo``, when delivery was asked for (or is the tenant's default)."""
        if stored.delivery_status is not None:  # decided at an earlier acceptance
            return
        wish = (stored.dialect_data or {}).get("deliver_email")
        if wish is False or (wish is None and not deliver_by_default(conn, stored.tenant_id)):
            return
        address = buyer_email(stored)
        status = NO_ADDRESS if address is None else PENDING
        if address is not None:
            enqueue(conn, EMAIL_JOB, {"tenant_id": stored.tenant_id, "uuid": stored.uuid})
        conn.execute(_DECIDED, {"match_uuid": stored.uuid, "delivery_status": status})

    async def _run_job(self, payload: Mapping[str, Any], context: JobContext) -> JobOutcome:
        """The ``delivery.email`` handler; a repeated run finds the message sent and ends."""
        try:
            stored = await self.documents.get(int(payload["tenant_id"]), str(payload["uuid"]))
        except NotFound:
            return JobOutcome.failed(f"el documento {payload.get('uuid')} no existe")
        if stored.delivery_status == SENT and not payload.get("again"):
            return JobOutcome.done()
        address = payload.get("to") or buyer_email(stored)
        smtp = await self.smtp.settings(stored.tenant_id)
        if address is None:
            await self.documents.set_columns(stored.uuid, delivery_status=NO_ADDRESS)
            return JobOutcome.done()
        if smtp is None:
            return await self._refused(stored, "la empresa no tiene servidor SMTP configurado")
        try:
            message = await self._message(stored, smtp, address)
        except (RepresentationUnavailable, AttachmentTooLarge) as problem:
            return await self._refused(stored, str(problem))
        try:
            await self._send(message, smtp)
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [error.code for error in refused.recipients]
            error = "; ".join(f"{e.code} {e.message}" for e in refused.recipients)
            if all(code >= 500 for code in codes):
                return await self._refused(stored, f"destinatario rechazado: {error}")
            return await self._postpone(stored, context, f"destinatario aplazado: {error}")
        except aiosmtplib.SMTPResponseException as answer:
            error = f"el servidor SMTP respondió {answer.code} {answer.message}"
            if answer.code >= 500:
                return await self._refused(stored, error)
            return await self._postpone(stored, context, error)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as trouble:
            error = f"servidor SMTP inalcanzable: {type(trouble).__name__}: {trouble}"
            return await self._postpone(stored, context, error)
        await self.documents.set_columns(
            stored.uuid,
            delivery_status=SENT,
            delivery_sent_at=now_bogota(),
            delivery_sent_to=address,
            delivery_error=None,
        )
        return JobOutcome.done()

    async def _message(
        self, stored: StoredDocument, smtp: SmtpSettings, address: str
    ) -> EmailMessage:
        tenant = await self.tenants.tenant_view(stored.tenant_id)
        zip_name, zip_bytes = await self._zip(stored)
        return compose(
            sender=smtp.view.from_address,
            recipient=address,
            subject_line=_subject(tenant, stored),
            issuer_name=tenant.party.name,
            buyer_name=stored.customer_name or "",
            number=stored.full_number,
            unique_code=stored.unique_code or "",
            zip_name=zip_name,
            zip_bytes=zip_bytes,
        )

    async def _zip(self, stored: StoredDocument) -> tuple[str, bytes]:
        """The AttachedDocument and the PDF in one ZIP (the e-mail's attachment)."""
        attached_name, attached = await self.attachments.attached_document(
            stored.tenant_id, stored.uuid
        )
        pdf_name, pdf = await self.pdfs.pdf(stored.tenant_id, stored.uuid)
        zip_name = attached_name.removesuffix(".xml") + ".zip"
        return zip_name, delivery_zip([(attached_name, attached), (pdf_name, pdf)])

    async def _send(self, message: EmailMessage, smtp: SmtpSettings) -> None:
        await send_message(message, smtp)

    async def _postpone(
        self, stored: StoredDocument, context: JobContext, error: str
    ) -> JobOutcome:
        """A transient failure: pending with its error, retried with the job's backoff; the
        last allowed attempt records it as ``fallido``."""
        log.warning("e-mail delivery postponed", extra={"uuid": stored.uuid, "error": error})
        if context.attempt >= self.job.max_attempts:
            return await self._refused(stored, error)
        await self.documents.set_columns(stored.uuid, delivery_status=PENDING, delivery_error=error)
        return JobOutcome.retry(error)

    async def _refused(self, stored: StoredDocument, error: str) -> JobOutcome:
        log.warning("e-mail delivery failed", extra={"uuid": stored.uuid, "error": error})
        await self.documents.set_columns(stored.uuid, delivery_status=FAILED, delivery_error=error)
        return JobOutcome.failed(error)


def _subject(tenant: TenantView, stored: StoredDocument) -> str:
    return subject(
        nit=tenant.nit,
        name=tenant.party.name,
        number=stored.full_number,
        type_code=stored.type_code,
        trade_name=tenant.party.trade_name,
    )


def delivery_of(stored: StoredDocument) -> Delivery:
    return Delivery(
        status=stored.delivery_status,
        sent_at=stored.delivery_sent_at,
        sent_to=stored.delivery_sent_to,
        last_error=stored.delivery_error,
    )


def buyer_email(stored: StoredDocument) -> str | None:
    """The buyer's address, from the canonical document stored with the row."""
    document = stored.canonical()
    contact = document.customer.contact if document is not None else None
    address = (contact.email or "").strip() if contact is not None else ""
    return address or None


async def send_message(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Send ``message`` through a tenant's SMTP server (aiosmtplib's errors propagate)."""
    view = smtp.view
    await aiosmtplib.send(
        message,
        hostname=view.host,
        port=view.port,
        username=view.user if smtp.password is not None else None,
        password=smtp.password,
        use_tls=view.security == "tls",
        start_tls=view.security == "starttls",
        timeout=SMTP_TIMEOUT_S,
    )
