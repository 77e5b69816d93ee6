"""The AttachedDocument of accepted documents: built once, stored, handed out.

A document's AttachedDocument is built as DIAN accepts it: ``on_acceptance`` builds it before
the transaction that records the acceptance, which stores it (the composition root adds it to
``IssueService.accepted_columns``, ``core.follow_ups``). When it cannot be built then, that
transaction stores an ``ATTACHED_JOB`` job instead and the job worker builds it. A dialect
whose answer carries the container reads it with ``for_issued`` (or ``for_stored``), built in
the request when it is missing. Documents accepted before the column existed get theirs built
the first time it is asked for. Until a document is accepted there is none:
``RepresentationUnavailable`` (409 in every dialect).

The row keeps markers where the container embeds the signed XML and DIAN's answer
(``core.storage.stored_documents.attached_for_storage``), so it reads back right only while
those two columns stay as they were at the acceptance, which nothing changes afterwards.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any, Final

from core.clock import now_bogota
from core.contracts import JobContext, JobKind, JobOutcome
from core.errors import NotFound, RepresentationUnavailable
from core.model import DocumentRecord
from core.model.status import DocumentStatus
from core.registry import Registry
from core.representation.attached_document import attached_file_name, build_attached_document
from core.settings import Settings
from core.signing.tenant_identities import TenantIdentities
from core.storage.documents import DocumentRepository, StoredDocument
from core.storage.stored_documents import attached_for_storage
from core.tenancy.tenants import TenantService

log = logging.getLogger(__name__)

ATTACHED = "AttachedDocument"  # what RepresentationUnavailable names
ATTACHED_JOB: Final = "representation.attached"  # payload: {"tenant_id": int, "uuid": str}
NO_APPLICATION_RESPONSE: Final = (
    "la DIAN aceptó el documento sin entregar su ApplicationResponse: "
    "no se puede armar el AttachedDocument"
)


class AttachedDocuments:
    """Build, store and retrieve the AttachedDocument of a tenant's accepted documents.

    ``identities`` is the per-tenant identity cache the issuing service signs with, so a tenant's
    PKCS#12 is decrypted and parsed once for both.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        registry: Registry,
        tenants: TenantService,
        identities: TenantIdentities,
        documents: DocumentRepository,
    ) -> None:
        self.registry = registry
        self.tenants = tenants
        self.identities = identities
        self.documents = documents
        self.job = JobKind(
            id=ATTACHED_JOB,
            handler=self._run_job,
            max_attempts=settings.max_attempts,
            backoff_s=settings.retry_interval_s,
            max_backoff_s=settings.retry_max_backoff_s,
        )
        """The job kind that builds a just-accepted document's AttachedDocument (the
        composition root registers it)."""

    async def attached_document(self, tenant_id: int, uuid: str) -> tuple[str, bytes]:
        """``(file name, XML)`` of the tenant's document's AttachedDocument (the ``ad…`` name
        of §5), built and stored now when it is missing. ``NotFound`` for an unknown or
        another tenant's document; ``RepresentationUnavailable`` until it is accepted."""
        stored = await self.documents.get(tenant_id, uuid)
        return await self._ensure(stored)

    async def for_issued(self, record: DocumentRecord) -> tuple[str, bytes] | None:
        """The AttachedDocument of a document just issued, built inside the request (for a
        dialect whose answer carries it); ``None`` when the document was not accepted."""
        if record.status != DocumentStatus.ACCEPTED:
            return None
        return await self.attached_document(record.tenant_id, record.uuid)

    async def for_stored(self, stored: StoredDocument) -> tuple[str, bytes] | None:
        """``for_issued`` for a dialect that has read the whole document already (its answer
        carries the signed XML too): no second read; ``None`` when it is not accepted."""
        if stored.status != DocumentStatus.ACCEPTED:
            return None
        return await self._ensure(stored)

    async def on_acceptance(self, accepted: StoredDocument) -> dict[str, Any] | None:
        """The columns of ``accepted``'s AttachedDocument, built before the transaction that
        records the acceptance so it is stored with it (``core.follow_ups``); ``None`` when it
        cannot be built now, and the job then builds it or records why it cannot."""
        if not accepted.signed_xml or not accepted.application_response:
            return None
        built_at = now_bogota()
        try:
            xml = await self._build(accepted, built_at)
        except Exception:
            log.exception("building the AttachedDocument failed", extra={"uuid": accepted.uuid})
            return None
        column = attached_for_storage(
            xml.decode("utf-8"), accepted.signed_xml, accepted.application_response
        )
        return {"attached_document": column, "attached_at": built_at}

    async def _ensure(self, stored: StoredDocument) -> tuple[str, bytes]:
        if stored.status != DocumentStatus.ACCEPTED:
            raise RepresentationUnavailable(stored.status, ATTACHED)
        tenant = await self.tenants.tenant_view(stored.tenant_id)
        year = (stored.issue_datetime or stored.created_at).year
        name = attached_file_name(tenant.nit, year, stored.number)
        if stored.attached_document:
            return name, stored.attached_document.encode("utf-8")
        if not stored.signed_xml or not stored.application_response:
            raise RepresentationUnavailable(stored.status, ATTACHED, NO_APPLICATION_RESPONSE)
        built_at = now_bogota()
        xml = await self._build(stored, built_at)
        kept = await self.documents.keep_attached_document(stored, xml.decode("utf-8"), built_at)
        return name, kept.encode("utf-8")

    async def _build(self, stored: StoredDocument, built_at: dt.datetime) -> bytes:
        """Build and sign ``stored``'s AttachedDocument (it is accepted and has its signed
        XML and ApplicationResponse); the acceptance moment is its ``updated_at``."""
        identity = await self.identities.get(stored.tenant_id)
        return build_attached_document(
            stored.signed_xml or "",
            stored.application_response or "",
            tenant_role=self.registry.document_types.get(stored.type_code).tenant_role,
            profile_execution_id=self.registry.environments.get(
                stored.environment
            ).profile_execution_id,
            identity=identity,
            built_at=built_at,
            accepted_at=stored.updated_at,
        )

    async def _run_job(self, payload: Mapping[str, Any], context: JobContext) -> JobOutcome:
        """The ``representation.attached`` handler; a repeated run finds it built and ends."""
        try:
            stored = await self.documents.get(int(payload["tenant_id"]), str(payload["uuid"]))
            await self._ensure(stored)
        except NotFound:
            return JobOutcome.failed(f"el documento {payload.get('uuid')} no existe")
        except RepresentationUnavailable as unavailable:
            return JobOutcome.failed(str(unavailable))
        return JobOutcome.done()
