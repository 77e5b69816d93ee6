"""The issuing service: number, persist, build, sign, send, track.

One document travels like this (DESIGN §2)::

    permission → pre-flight → quota → number + persist "pendiente" (one transaction)
      → prepare (totals, UBL, CUFE/CUDE, XAdES, ZIP) → persist signed XML
      → SOAP to DIAN (or the simulator) → persist the answer → pasarela_document_finished

A document is stored before anything is sent. A timeout, a 5xx or a crash leaves it
"pendiente" and the retry worker (``core.retrying``) finishes it: it asks DIAN for the CUFE
first and only re-sends the same signed ZIP when DIAN does not know it, so a document is never
given a second number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import msgspec
import pluggy

from core.clock import now_bogota
from core.contracts import DocumentType, Environment
from core.dian.client import DianClient, DianClientPool
from core.dian.errors import SoapFaultError
from core.dian.responses import DianResponse
from core.errors import DianUnavailable, NumberingExhausted, PermissionDenied, ValidationFailed
from core.model import Document, DocumentRecord, TenantView
from core.pipeline import (
    PreparedDocument,
    issue_moment,
    prepare_document,
    tenant_software,
    validate_document,
)
from core.registry import Registry
from core.settings import Settings
from core.signing.certificates import CertificateCache, SigningIdentity
from core.storage.documents import DocumentRepository, StoredDocument
from core.tenancy.certificates import CertificateStore
from core.tenancy.quotas import count_quota
from core.tenancy.ranges import NumberingRanges
from core.tenancy.tenants import TenantService
from core.ubl.packaging import document_file_names, zip_xml

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from core.web.context import AppContext

log = logging.getLogger(__name__)

PENDING, ACCEPTED, REJECTED, FAILED = "pendiente", "aceptado", "rechazado", "fallido"
FINAL_STATUSES = frozenset({ACCEPTED, REJECTED, FAILED})
IDENTITY_TTL = dt.timedelta(minutes=5)  # a replaced certificate is picked up within this
ACTIVE_RANGE_MAX_AGE_S = 30.0  # a range registered by another process is used within this


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


class IssueService:
    """Issue documents for tenants and keep their DIAN status (see the module docstring)."""

    def __init__(
        self,
        *,
        settings: Settings,
        registry: Registry,
        plugin_manager: pluggy.PluginManager | None,
        tenants: TenantService,
        ranges: NumberingRanges,
        certificates_store: CertificateStore,
        documents: DocumentRepository,
        pool: DianClientPool | None = None,
        certificates: CertificateCache | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.plugin_manager = plugin_manager
        self.tenants = tenants
        self.ranges = ranges
        self.certificate_store = certificates_store
        self.documents = documents
        self.pool = pool or DianClientPool(timeout=_timeout(settings))
        self.certificates = certificates or CertificateCache()
        self._identities: dict[int, tuple[SigningIdentity, dt.datetime]] = {}
        self._identity_locks: dict[int, asyncio.Lock] = {}
        self._identity_locks_loop: asyncio.AbstractEventLoop | None = None
        self._endpoints: dict[str, tuple[str, Any]] = {}

    @classmethod
    def from_context(cls, ctx: AppContext) -> IssueService:
        """Build from the application context and hook the retry worker into its lifecycle."""
        from core.retrying import RetryWorker

        service = cls(
            settings=ctx.settings,
            registry=ctx.registry,
            plugin_manager=ctx.plugin_manager,
            tenants=ctx.tenants,
            ranges=ctx.ranges,
            certificates_store=ctx.certificates,
            documents=DocumentRepository(ctx.engine),
        )
        worker = RetryWorker(service, interval_s=ctx.settings.retry_interval_s)

        async def start(_: AppContext) -> None:
            worker.start()

        async def stop(_: AppContext) -> None:
            await worker.stop()
            await service.pool.aclose()

        ctx.on_startup.append(start)
        ctx.on_shutdown.append(stop)
        service.worker = worker
        return service

    # ------------------------------------------------------------------ issuing

    async def issue(
        self,
        tenant: TenantView,
        document: Document,
        *,
        dialect: str,
        request_payload: bytes | None = None,
        dialect_data: dict[str, Any] | None = None,
        now: dt.datetime | None = None,
    ) -> DocumentRecord:
        """Issue one document and return it with DIAN's verdict (or "pendiente").

        Raises ``PermissionDenied``, ``ValidationFailed`` (pre-flight errors, before any number
        is spent), ``QuotaExceeded``, ``NumberingExhausted`` or ``ConfigurationError``.
        """
        document_type = self.registry.document_types.get(document.type_code)
        if document_type.permission not in tenant.permissions:
            raise PermissionDenied(document_type.permission)
        moment = issue_moment(document, now)
        document = msgspec.structs.replace(
            document, issue_date=moment.date(), issue_time=moment.timetz()
        )
        range_key = (tenant.id, document_type.range_type, tenant.environment, moment.date())
        numbering_range = await self.ranges.active_range(
            *range_key, max_age_s=ACTIVE_RANGE_MAX_AGE_S
        )
        attempt = functools.partial(
            self._issue_in_range,
            tenant,
            document,
            document_type,
            moment=moment,
            dialect=dialect,
            request_payload=request_payload,
            dialect_data=dialect_data,
            now=now,
        )
        try:
            return await attempt(numbering_range)
        except NumberingExhausted:
            # the cached range ran out: ask again (the next range, or the definitive error)
            self.ranges.forget_active_range(*range_key)
            fresh = await self.ranges.active_range(*range_key)
            if fresh == numbering_range:
                raise
            return await attempt(fresh)

    async def _issue_in_range(
        self,
        tenant: TenantView,
        document: Document,
        document_type: DocumentType,
        numbering_range: Any,
        *,
        moment: dt.datetime,
        dialect: str,
        request_payload: bytes | None,
        dialect_data: dict[str, Any] | None,
        now: dt.datetime | None,
    ) -> DocumentRecord:
        problems = validate_document(
            document,
            document_type=document_type,
            tenant=tenant,
            numbering_range=numbering_range,
            plugin_manager=self.plugin_manager,
            now=now,
        )
        if any(p.severity == "error" for p in problems):
            raise ValidationFailed([p for p in problems if p.severity == "error"])

        def count(conn: Connection) -> None:
            count_quota(conn, tenant.id, moment)

        stored = await self.documents.insert_pending(
            tenant_id=tenant.id,
            dialect=dialect,
            type_code=document_type.code,
            environment=tenant.environment,
            range_id=numbering_range.id,
            issue_datetime=moment,
            customer_id=document.customer.id_number,
            customer_name=document.customer.name,
            reference=document.billing_reference.number if document.billing_reference else None,
            request_payload=request_payload,
            dialect_data={"canonical": msgspec.to_builtins(document), "dialect": dialect_data},
            retry_after_s=self._lease_s(),
            before=count,
        )
        numbered = msgspec.structs.replace(document, prefix=stored.prefix, number=stored.number)
        try:
            stored, zip_bytes = await self._prepare_and_store(
                stored, numbered, document_type, tenant, numbering_range
            )
        except Exception as error:  # a defect, not the client's input: keep the number, say so
            log.exception("building the document failed", extra={"uuid": stored.uuid})
            return await self._finish(stored, FAILED, last_error=_describe(error))
        return await self._deliver(stored, tenant, first_send=True, zip_bytes=zip_bytes)

    async def _prepare_and_store(
        self,
        stored: StoredDocument,
        document: Document,
        document_type: DocumentType,
        tenant: TenantView,
        numbering_range: Any,
    ) -> tuple[StoredDocument, bytes]:
        """Build, sign and zip; persist the signed XML. Returns the row and the ZIP to send."""
        environment = self.registry.environments.get(stored.environment)
        identity = await self._identity(tenant.id)
        prepared = prepare_document(
            document,
            document_type=document_type,
            tenant=tenant,
            numbering_range=numbering_range,
            environment=environment,
            identity=identity,
            plugin_manager=self.plugin_manager,
        )
        stored = await self.documents.update(stored.uuid, **_prepared_columns(prepared))
        return stored, prepared.zip

    # ----------------------------------------------------------------- sending

    async def _deliver(
        self,
        stored: StoredDocument,
        tenant: TenantView,
        *,
        first_send: bool,
        zip_bytes: bytes | None = None,
    ) -> DocumentRecord:
        """Send (or, on a retry, first ask about) a stored, signed document and record the
        outcome. Transport trouble leaves it pending with a backoff; never raises for DIAN.
        ``zip_bytes``: the package just built, when there is one (else rebuilt from the row)."""
        client, environment = await self._client(stored.environment, tenant.id)
        try:
            if stored.zip_key:
                response = await self._zip_status(client, stored)
            else:
                response = None
                if not first_send:
                    response = await client.get_status(stored.unique_code or "")
                    if judge(response, stored.unique_code).status == PENDING:
                        response = None  # DIAN does not know it: send the same ZIP again
                if response is None:
                    response = await self._send(client, environment, tenant, stored, zip_bytes)
        except SoapFaultError as fault:
            if fault.retriable:
                return await self._postpone(stored, str(fault))
            return await self._finish(stored, FAILED, last_error=str(fault))
        except DianUnavailable as trouble:
            return await self._postpone(stored, str(trouble) or type(trouble).__name__)
        if response is None:  # test set accepted for processing: poll GetStatusZip
            return await self._postpone(stored, None, keep_error=False)
        return await self._record_answer(stored, response)

    async def _send(
        self,
        client: DianClient,
        environment: Environment,
        tenant: TenantView,
        stored: StoredDocument,
        zip_bytes: bytes | None,
    ) -> DianResponse | None:
        document_type = self.registry.document_types.get(stored.type_code)
        if zip_bytes is None:
            zip_bytes = _zip_of(stored, document_type, tenant)
        test_set_id = tenant_software(tenant, document_type).test_set_id
        if environment.test_set_flow and test_set_id:
            upload = await client.send_test_set_async(
                stored.zip_name or "invoice.zip", zip_bytes, test_set_id
            )
            if not upload.zip_key:
                raise DianUnavailable("DIAN no devolvió ZipKey para el set de pruebas")
            await self.documents.update(stored.uuid, zip_key=upload.zip_key)
            return None
        return await client.send_bill_sync(stored.zip_name or "invoice.zip", zip_bytes)

    async def _zip_status(self, client: DianClient, stored: StoredDocument) -> DianResponse | None:
        answers = await client.get_status_zip(stored.zip_key or "")
        code = (stored.unique_code or "").lower()
        for answer in answers:
            if (answer.xml_document_key or "").lower() == code:
                return answer
        if len(answers) == 1 and answers[0].status_code in {"00", "99", "2"}:
            return answers[0]
        return None

    async def _record_answer(
        self, stored: StoredDocument, response: DianResponse
    ) -> DocumentRecord:
        verdict = judge(response, stored.unique_code)
        columns: dict[str, Any] = {
            "dian_status_code": response.status_code,
            "dian_status_description": response.status_description,
            "dian_message": verdict.message,
            "dian_errors": list(response.error_messages),
        }
        if response.xml_base64_bytes:
            columns["application_response"] = response.xml_base64_bytes.decode("utf-8", "replace")
        if verdict.status == PENDING:
            return await self._postpone(stored, verdict.message, **columns)
        last_error = None
        if verdict.status != ACCEPTED:
            last_error = "; ".join(response.error_messages) or verdict.message
        return await self._finish(stored, verdict.status, last_error=last_error, **columns)

    async def _postpone(
        self, stored: StoredDocument, error: str | None, *, keep_error: bool = True, **columns: Any
    ) -> DocumentRecord:
        attempts = max(stored.attempts, 1)  # the first send is attempt 1; claims count retries
        if attempts >= self.settings.max_attempts:
            return await self._finish(stored, FAILED, last_error=error, **columns)
        delay = min(
            self.settings.retry_interval_s * 2 ** (attempts - 1), self.settings.retry_max_backoff_s
        )
        if keep_error:
            columns["last_error"] = error
        updated = await self.documents.update(
            stored.uuid,
            status=PENDING,
            next_attempt_at=now_bogota() + dt.timedelta(seconds=delay),
            **columns,
        )
        return updated.record()

    async def _finish(self, stored: StoredDocument, status: str, **columns: Any) -> DocumentRecord:
        updated = await self.documents.update(stored.uuid, status=status, **columns)
        record = updated.record()
        if self.plugin_manager is not None:
            try:
                self.plugin_manager.hook.pasarela_document_finished(record=record)
            except Exception:
                log.exception("pasarela_document_finished hook failed", extra={"uuid": stored.uuid})
        return record

    # ---------------------------------------------------------------- retrying

    async def resume(self, stored: StoredDocument) -> DocumentRecord:
        """Finish a pending document the retry worker claimed (its process may have died)."""
        tenant = await self.tenants.tenant_view(stored.tenant_id)
        zip_bytes = None
        if not stored.signed_xml:
            try:
                stored, zip_bytes = await self._rebuild(stored, tenant)
            except Exception as error:
                log.exception("rebuilding a pending document failed", extra={"uuid": stored.uuid})
                return await self._finish(stored, FAILED, last_error=_describe(error))
        return await self._deliver(stored, tenant, first_send=False, zip_bytes=zip_bytes)

    async def _rebuild(
        self, stored: StoredDocument, tenant: TenantView
    ) -> tuple[StoredDocument, bytes]:
        """The process died between numbering and signing: build again from the stored
        canonical document, with the number and issue moment it already has."""
        canonical = (stored.dialect_data or {}).get("canonical")
        document = msgspec.convert(canonical, Document, strict=False)
        document = msgspec.structs.replace(document, prefix=stored.prefix, number=stored.number)
        document_type = self.registry.document_types.get(stored.type_code)
        ranges = await self.ranges.list_ranges(stored.tenant_id, stored.environment)
        numbering_range = next(
            r.range
            for r in ranges
            if r.range.prefix == stored.prefix
            and r.range.from_number <= stored.number <= r.range.to_number
            and r.range.document_type == document_type.range_type
        )
        return await self._prepare_and_store(
            stored, document, document_type, tenant, numbering_range
        )

    # ------------------------------------------------------------------ reading

    async def get(self, tenant_id: int, uuid: str) -> DocumentRecord:
        return (await self.documents.get(tenant_id, uuid)).record()

    async def list(
        self,
        tenant_id: int,
        *,
        status: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> tuple[Sequence[DocumentRecord], int]:
        return await self.documents.list(
            tenant_id,
            status=status,
            date_from=date_from,
            date_to=date_to,
            page=page,
            per_page=per_page,
        )

    async def signed_xml(self, tenant_id: int, uuid: str) -> bytes:
        stored = await self.documents.get(tenant_id, uuid)
        return (stored.signed_xml or "").encode("utf-8")

    async def refresh(
        self, tenant_id: int, uuid: str
    ) -> tuple[DocumentRecord, DianResponse | None]:
        """Ask DIAN about a pending document (GetStatusZip with its ZipKey, else GetStatus by
        CUFE/CUDE) and record a definitive answer. Never re-sends. Final documents are returned
        with the answer DIAN gave when they were finished."""
        stored = await self.documents.get(tenant_id, uuid)
        if stored.status != PENDING or not stored.unique_code:
            return stored.record(), _stored_answer(stored)
        client, _ = await self._client(stored.environment, tenant_id)
        try:
            if stored.zip_key:
                response = await self._zip_status(client, stored)
            else:
                response = await client.get_status(stored.unique_code)
        except DianUnavailable as trouble:
            updated = await self.documents.update(stored.uuid, last_error=str(trouble))
            return updated.record(), None
        if response is None:
            return stored.record(), None
        if judge(response, stored.unique_code).status == PENDING:
            return stored.record(), response
        return await self._record_answer(stored, response), response

    # ---------------------------------------------------------------- plumbing

    def _lease_s(self) -> float:
        """How long a sender owns a fresh document before the retry worker may take it."""
        return self.settings.dian_timeout_s * 2 + 5

    async def _identity(self, tenant_id: int) -> SigningIdentity:
        """The tenant's signing identity, parsed once and kept for ``IDENTITY_TTL``."""
        cached = self._identities.get(tenant_id)
        if cached is not None and now_bogota() - cached[1] < IDENTITY_TTL:
            return cached[0]
        # one load per tenant at a time: a burst of first requests would otherwise each parse
        # the PKCS#12 (tens of milliseconds of CPU apiece) before the first one is cached
        loop = asyncio.get_running_loop()
        if self._identity_locks_loop is not loop:  # an asyncio.Lock serves one loop
            self._identity_locks, self._identity_locks_loop = {}, loop
        lock = self._identity_locks.setdefault(tenant_id, asyncio.Lock())
        async with lock:
            cached = self._identities.get(tenant_id)
            now = now_bogota()
            if cached is not None and now - cached[1] < IDENTITY_TTL:
                return cached[0]
            pkcs12, password = await self.certificate_store.load_certificate(tenant_id)
            identity = self.certificates.get(pkcs12, password)
            self._identities[tenant_id] = (identity, now)
            return identity

    async def _client(self, environment_id: str, tenant_id: int) -> tuple[DianClient, Environment]:
        environment = self.registry.environments.get(environment_id)
        endpoint = self._endpoints.get(environment_id)
        if endpoint is None:
            endpoint = self._endpoints[environment_id] = environment.endpoint(self.settings)
        url, transport = endpoint
        identity = await self._identity(tenant_id)
        return self.pool.client(url, identity, transport=transport), environment


def _describe(error: BaseException) -> str:
    return f"No se pudo generar el documento: {type(error).__name__}: {error}"[:500]


def _timeout(settings: Settings) -> httpx.Timeout:
    return httpx.Timeout(settings.dian_timeout_s, connect=min(10.0, settings.dian_timeout_s))


def _zip_of(stored: StoredDocument, document_type: DocumentType, tenant: TenantView) -> bytes:
    """The ZIP sent to DIAN, rebuilt from the stored signed XML (names per §5 are derived
    from the type, the issuer, the issue year and the number, so they come out the same)."""
    year = (stored.issue_datetime or now_bogota()).year
    xml_name, _ = document_file_names(document_type.file_prefix, tenant.nit, year, stored.number)
    return zip_xml((stored.signed_xml or "").encode("utf-8"), xml_name)


def _prepared_columns(prepared: PreparedDocument) -> dict[str, Any]:
    totals = prepared.totals.monetary
    breakdown = {t.scheme: t.tax_amount for t in prepared.totals.tax_totals}
    return {
        "signed_xml": prepared.xml.decode("utf-8"),
        "unique_code": prepared.unique_code,
        "prehash": prepared.prehash,
        "zip_name": prepared.zip_name,
        "subtotal": totals.line_extension,
        "taxes": sum(breakdown.values(), Decimal("0")),
        "tax_breakdown": breakdown,
        "payable": totals.payable,
        "issue_datetime": prepared.issued_at,
    }


def _stored_answer(stored: StoredDocument) -> DianResponse | None:
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
