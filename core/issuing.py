"""The issuing service: number, persist, build, sign, send, track.

One document travels like this (DESIGN §2)::

    permission → pre-flight → quota → number + persist "pendiente" (one transaction)
      → prepare (totals, UBL, CUFE/CUDE, XAdES, ZIP) → persist signed XML
      → SOAP to DIAN (or the simulator) → persist the answer → pasarela_document_finished

A document is stored before anything is sent, together with its delivery job
(``DELIVERY_JOB`` in ``core.jobs``), in one transaction. The request that issues it runs that
job's first attempt itself, holding the job's lease; a timeout, a 5xx or a crash leaves the
document "pendiente" and the job due again (after a backoff, or once the lease of a dead
process runs out), and the job worker of any gateway process finishes it: it asks DIAN for the
CUFE first and only re-sends the same signed ZIP when DIAN does not know it, so a document is
never given a second number.

The final answer completes the delivery job in the transaction that records it. The issue
moment and the totals are computed once, here, for the pre-flight and the pipeline.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid as uuid_module
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

import msgspec
from sqlalchemy import Connection

from core.clock import now_bogota
from core.contracts import DocumentType, Environment, JobContext, JobKind, JobOutcome
from core.dian.client import DianClient, DianClientPool
from core.dian.errors import SoapFaultError
from core.dian.responses import DianResponse
from core.dian.sending import send_package, zip_status
from core.dian.tenant_clients import TenantDianClients
from core.errors import (
    DianUnavailable,
    NotFound,
    NumberingExhausted,
    PermissionDenied,
    SignedXmlUnavailable,
    ValidationFailed,
)
from core.follow_ups import AcceptedColumns, AcceptedUnit, FinalStateWork, acceptance_work
from core.idempotency import IdempotencyKeys, KeyTaken
from core.jobs import Job, JobQueue, enqueue
from core.metrics import document_finished
from core.model import Document, DocumentRecord, TenantView, Totals
from core.model.status import DocumentStatus
from core.pipeline import (
    issue_facts,
    issue_moment,
    prepare_document,
    tenant_software,
    validate_document,
)
from core.plugins import PluginHooks
from core.registry import Registry
from core.settings import Settings
from core.signing.certificates import CertificateCache
from core.signing.tenant_identities import TenantIdentities
from core.storage.documents import DocumentRepository, StoredDocument
from core.tenancy.certificates import CertificateStore
from core.tenancy.quotas import count_quota
from core.tenancy.ranges import NumberingRanges
from core.tenancy.readiness import warn_numbers_left
from core.tenancy.tenants import TenantService
from core.validation.issue_date import issue_window_problem
from core.verdicts import judge, stored_answer

log = logging.getLogger(__name__)

PENDING, ACCEPTED, REJECTED, FAILED = (
    DocumentStatus.PENDING,
    DocumentStatus.ACCEPTED,
    DocumentStatus.REJECTED,
    DocumentStatus.FAILED,
)
ACTIVE_RANGE_MAX_AGE_S = 30.0  # a range registered by another process is used within this
DELIVERY_JOB: Final = "dian.deliver"  # payload: {"tenant_id": int, "uuid": str}
CONTINGENCY_JOB: Final = "dian.contingency"  # the same, for contingency kinds (core.contingency)
CONTINGENCY_MAX_ATTEMPTS: Final = 1_000_000  # years of capped backoff: never given up


class IssueService:
    """Issue documents for tenants and keep their DIAN status (see the module docstring)."""

    def __init__(
        self,
        *,
        settings: Settings,
        registry: Registry,
        plugin_manager: PluginHooks | None,
        tenants: TenantService,
        ranges: NumberingRanges,
        certificates_store: CertificateStore,
        documents: DocumentRepository,
        jobs: JobQueue,
        pool: DianClientPool | None = None,
        certificates: CertificateCache | None = None,
        idempotency: IdempotencyKeys | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.plugin_manager = plugin_manager
        self.tenants = tenants
        self.ranges = ranges
        self.certificate_store = certificates_store
        self.documents = documents
        self.jobs = jobs
        self.idempotency = idempotency  # Idempotency-Key replays (None: keys are ignored)
        self.certificates = certificates or CertificateCache()
        self.identities = TenantIdentities(certificates_store, self.certificates)
        self.clients = TenantDianClients(settings, registry, self.identities, pool)
        self.delivery_job = JobKind(
            id=DELIVERY_JOB,
            handler=self._run_delivery_job,
            max_attempts=settings.max_attempts,
            backoff_s=settings.retry_interval_s,
            max_backoff_s=settings.retry_max_backoff_s,
        )
        # sends a pending document to DIAN (registered by the composition root)
        # contingency kinds: the same work, retried for as long as DIAN stays away
        self.contingency_job = replace(
            self.delivery_job, id=CONTINGENCY_JOB, max_attempts=CONTINGENCY_MAX_ATTEMPTS
        )
        # what an acceptance builds or stores in its transaction (composition root; follow_ups)
        self.accepted_columns: list[AcceptedColumns] = []
        self.accepted_units: list[AcceptedUnit] = []

    async def aclose(self) -> None:
        """Close the pooled DIAN connections."""
        await self.clients.aclose()

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
        deliver_email: bool | None = None,
        test_set_id: str | None = None,  # SendTestSetAsync to this DIAN test set
        reference: str | None = None,
        range_id: int | None = None,
    ) -> DocumentRecord:
        """Issue one document and return it with DIAN's verdict (or "pendiente").
        ``deliver_email``: e-mail it to the buyer once accepted (``None``: the tenant's default).
        ``reference``: the client's own id for it (default: the referenced document's number);
        ``range_id``: number it from this range of the tenant (default: the active one).

        Raises ``PermissionDenied``, ``ValidationFailed`` (pre-flight errors, before any number
        is spent), ``QuotaExceeded``, ``NumberingExhausted`` or ``NoNumberingRange``. A request
        with an ``Idempotency-Key`` already used gets that document (``core.idempotency``).
        """
        keyed = self.idempotency and await self.idempotency.open(
            tenant.id, dialect, document, request_payload
        )
        if keyed and keyed.document_uuid is not None:
            return await self.get(tenant.id, keyed.document_uuid)
        document_type = self.registry.document_types.get(document.type_code)
        if document_type.permission not in tenant.permissions:
            raise PermissionDenied(document_type.permission)
        tenant_software(tenant, document_type)  # SoftwareNotRegistered before a number is spent
        await self.identities.check_not_expired(tenant.id, tenant.nit, now or now_bogota())
        outside = issue_window_problem(
            document.issue_date, now=now or now_bogota(), rule_prefix=document_type.rule_prefix
        )
        if outside is not None:  # before the date picks a range or overflows the moment
            raise ValidationFailed([outside])
        facts = issue_facts(document, now)
        document, moment = facts.document, facts.issued_at
        range_key = (tenant.id, document_type.range_type, tenant.environment, moment.date())
        numbering_range = await self.ranges.range_for_issue(
            *range_key,
            document.prefix,
            document.number,
            range_id=range_id,
            max_age_s=ACTIVE_RANGE_MAX_AGE_S,
        )
        attempt = functools.partial(
            self._issue_in_range,
            tenant,
            document,
            document_type,
            moment=moment,
            totals=facts.totals,
            dialect=dialect,
            request_payload=request_payload,
            # stored with the document: core.delivery and _send (the test set) read them
            stored_data={
                "dialect": dialect_data,
                "deliver_email": deliver_email,
                "test_set_id": test_set_id,
            },
            now=now,
            reference=reference,
            claim_key=keyed.claim if keyed else None,
        )
        try:
            try:
                return await attempt(numbering_range)
            except NumberingExhausted:
                if range_id is not None:
                    raise
                # the cached range ran out: ask again (the next range, or the definitive error)
                fresh = await self.ranges.active_range(*range_key, forget_cached=True)
                if fresh == numbering_range:
                    raise
                return await attempt(fresh)
        except KeyTaken as taken:  # the same key at the same moment, maybe in another process
            return await self.get(tenant.id, await taken.request.replay())

    async def _issue_in_range(
        self,
        tenant: TenantView,
        document: Document,
        document_type: DocumentType,
        numbering_range: Any,
        *,
        moment: dt.datetime,
        totals: Totals | None,
        dialect: str,
        request_payload: bytes | None,
        stored_data: dict[str, Any],
        now: dt.datetime | None,
        reference: str | None = None,
        claim_key: Callable[[Connection, str], None] | None = None,
    ) -> DocumentRecord:
        problems = validate_document(
            document,
            document_type=document_type,
            tenant=tenant,
            numbering_range=numbering_range,
            plugin_manager=self.plugin_manager,
            now=now,
            totals=totals,
        )
        if any(p.severity == "error" for p in problems):
            raise ValidationFailed([p for p in problems if p.severity == "error"])

        uuid = str(uuid_module.uuid4())
        held: list[Job] = []
        job_kind = self.contingency_job if document_type.contingency else self.delivery_job

        def count_and_enqueue(conn: Connection) -> None:
            """In the document's own transaction: the quota, and the delivery job this
            request runs at once (held for one lease, in case this process dies)."""
            if claim_key is not None:  # first: a key taken elsewhere spends nothing
                claim_key(conn, uuid)
            count_quota(conn, tenant.id, moment)
            held[:] = [
                enqueue(
                    conn,
                    job_kind.id,
                    {"tenant_id": tenant.id, "uuid": uuid},
                    lease_s=self.jobs.lease_s,
                    owner=self.jobs.owner,
                )
            ]

        stored = await self.documents.insert_pending(
            uuid=uuid,
            tenant_id=tenant.id,
            dialect=dialect,
            type_code=document_type.code,
            environment=tenant.environment,
            range_id=numbering_range.id if document.number is None else None,
            prefix=document.prefix,
            number=document.number,
            issue_datetime=moment,
            customer_id=document.customer.id_number,
            customer_name=document.customer.name,
            reference=reference
            or (document.billing_reference.number if document.billing_reference else None),
            request_payload=request_payload,
            dialect_data={"canonical": msgspec.to_builtins(document), **stored_data},
            before=count_and_enqueue,
        )
        job = held[0]
        warn_numbers_left(tenant.nit, numbering_range, stored.number)
        numbered = msgspec.structs.replace(document, prefix=stored.prefix, number=stored.number)
        async with self.jobs.hold(job):
            try:
                stored, zip_bytes = await self._prepare_and_store(
                    stored, numbered, document_type, tenant, numbering_range, moment, totals
                )
            except Exception as error:  # a defect, not the client's input: keep the number
                log.exception("building the document failed", extra={"uuid": stored.uuid})
                record = await self._finish(
                    stored, FAILED, last_error=_describe(error), attempts=job.attempts, job=job
                )
            else:
                deliver = functools.partial(self._deliver, stored, tenant, first_send=True)
                record = (
                    stored.record()  # stored signed now, sent by its job (04)
                    if document_type.deferred_sending
                    else await deliver(attempt=job.attempts, zip_bytes=zip_bytes, job=job)
                )
        if record.status == PENDING:  # a final state completed the job with it (_finish)
            await self.jobs.settle(job, job_kind, _delivery_outcome(record))
        return record

    async def _prepare_and_store(
        self,
        stored: StoredDocument,
        document: Document,
        document_type: DocumentType,
        tenant: TenantView,
        numbering_range: Any,
        issued_at: dt.datetime,
        totals: Totals | None,
    ) -> tuple[StoredDocument, bytes]:
        """Build, sign and zip; persist the signed XML. Returns the row and the ZIP to send."""
        environment = self.registry.environments.get(stored.environment)
        identity = await self.identities.get(tenant.id)
        prepared = prepare_document(
            document,
            document_type=document_type,
            tenant=tenant,
            numbering_range=numbering_range,
            environment=environment,
            identity=identity,
            plugin_manager=self.plugin_manager,
            issued_at=issued_at,
            totals=totals,
        )
        stored = await self.documents.update_held(stored, **prepared.columns())
        return stored, prepared.zip

    # ----------------------------------------------------------------- sending

    async def _deliver(
        self,
        stored: StoredDocument,
        tenant: TenantView,
        *,
        attempt: int,
        first_send: bool,
        zip_bytes: bytes | None = None,
        job: Job | None = None,
    ) -> DocumentRecord:
        """Send (or, on a retry, first ask about) a stored, signed document and record the
        outcome. Transport trouble leaves it pending (its job retries it with a backoff);
        never raises for DIAN. ``attempt`` is the delivery job's run number.
        ``zip_bytes``: the package just built, when there is one (else rebuilt from the row);
        ``job``: the delivery job this run holds, completed with a final state (``_finish``)."""
        client, env = await self.clients.client(stored.environment, tenant.id)
        try:
            if stored.zip_key:
                response = await zip_status(client, stored.zip_key, stored.unique_code or "")
            else:
                response = None
                if not first_send:
                    response = await client.get_status(stored.unique_code or "")
                    if judge(response, stored.unique_code).status == PENDING:
                        response = None  # DIAN does not know it: send the same ZIP again
                if response is None:
                    response, stored = await self._send(client, env, tenant, stored, zip_bytes)
        except SoapFaultError as fault:
            if fault.retriable:
                return await self._postpone(stored, attempt, str(fault), job=job)
            return await self._finish(
                stored, FAILED, last_error=str(fault), attempts=attempt, job=job
            )
        except DianUnavailable as trouble:
            error = str(trouble) or type(trouble).__name__
            return await self._postpone(stored, attempt, error, job=job)
        if response is None:  # test set accepted for processing: poll GetStatusZip
            return await self._postpone(stored, attempt, None, keep_error=False, job=job)
        return await self._record_answer(stored, response, attempt, job=job)

    async def _send(
        self,
        client: DianClient,
        environment: Environment,
        tenant: TenantView,
        stored: StoredDocument,
        zip_bytes: bytes | None,
    ) -> tuple[DianResponse | None, StoredDocument]:
        document_type = self.registry.document_types.get(stored.type_code)
        if zip_bytes is None:
            zip_bytes = stored.package(document_type.file_prefix, tenant.nit)
        test_set_id = (stored.dialect_data or {}).get("test_set_id") or (
            environment.test_set_flow and tenant_software(tenant, document_type).test_set_id
        )
        response, zip_key = await send_package(
            client, stored.zip_name or "invoice.zip", zip_bytes, test_set_id or None
        )
        if zip_key:
            stored = await self.documents.update_held(stored, zip_key=zip_key)
        return response, stored

    async def _record_answer(
        self,
        stored: StoredDocument,
        response: DianResponse,
        attempt: int | None = None,
        *,
        job: Job | None = None,
    ) -> DocumentRecord:
        """Store DIAN's answer; ``attempt``: the delivery run it came from (``None`` for a
        client's status query, which spends no attempt)."""
        verdict = judge(response, stored.unique_code)
        columns: dict[str, Any] = {
            "dian_status_code": response.status_code,
            "dian_status_description": response.status_description,
            "dian_message": verdict.message,
            "dian_errors": list(response.error_messages),
        }
        if response.xml_base64_bytes:
            columns["application_response"] = response.xml_base64_bytes.decode("utf-8", "replace")
        if attempt is not None:
            columns["attempts"] = attempt
        if verdict.status == PENDING:
            if attempt is None:
                updated = await self.documents.update_held(stored, **columns)
                return updated.record()
            return await self._postpone(stored, attempt, verdict.message, job=job, **columns)
        last_error = None
        if verdict.status != ACCEPTED:
            last_error = "; ".join(response.error_messages) or verdict.message
        return await self._finish(stored, verdict.status, last_error=last_error, job=job, **columns)

    async def _postpone(
        self,
        stored: StoredDocument,
        attempt: int,
        error: str | None,
        *,
        keep_error: bool = True,
        job: Job | None = None,
        **columns: Any,
    ) -> DocumentRecord:
        """Keep the document pending after delivery run ``attempt`` (its job is retried with
        the backoff of ``delivery_job``); the last allowed run makes it "fallido" instead,
        except for contingency kinds, which wait for DIAN as long as it takes."""
        columns["attempts"] = attempt
        endless = self.registry.document_types.get(stored.type_code).contingency
        if attempt >= self.settings.max_attempts and not endless:
            return await self._finish(stored, FAILED, last_error=error, job=job, **columns)
        if keep_error:
            columns["last_error"] = error
        updated = await self.documents.update_held(stored, status=PENDING, **columns)
        return updated.record()

    async def _finish(
        self, stored: StoredDocument, status: str, *, job: Job | None = None, **columns: Any
    ) -> DocumentRecord:
        """Record a final ``status``, its follow-ups and ``job``'s completion in one transaction."""
        work = FinalStateWork(stored, job=job)
        if status == ACCEPTED:  # may add columns (built follow-ups) and the acceptance moment
            units = self.accepted_units
            work = await acceptance_work(stored, columns, self.accepted_columns, units, job)
        updated = await self.documents.update_held(stored, status=status, before=work, **columns)
        if work.stores_jobs:
            self.jobs.notify()  # the follow-ups start now, not at the worker's next sweep
        document_finished(stored.type_code, status)
        record = updated.record()
        if self.plugin_manager is not None:
            try:
                self.plugin_manager.document_finished(record)
            except Exception:
                log.exception("pasarela_document_finished hook failed", extra={"uuid": stored.uuid})
        return record

    # ---------------------------------------------------------------- delivery job

    async def _run_delivery_job(
        self, payload: Mapping[str, Any], context: JobContext
    ) -> JobOutcome:
        """The ``dian.deliver`` handler: a later attempt for a document still pending (its
        request answered "pendiente", or its process died before it got a verdict)."""
        try:
            stored = await self.documents.get(int(payload["tenant_id"]), str(payload["uuid"]))
        except NotFound:
            return JobOutcome.failed(f"el documento {payload.get('uuid')} no existe")
        if stored.status != PENDING:
            return JobOutcome.done()  # finished by its request after the lease ran out
        return _delivery_outcome(await self.resume(stored, attempt=context.attempt))

    async def resume(self, stored: StoredDocument, *, attempt: int) -> DocumentRecord:
        """Finish a pending document: ask DIAN about it first, re-send only when unknown."""
        tenant = await self.tenants.tenant_view(stored.tenant_id)
        zip_bytes = None
        if not stored.signed_xml:
            try:
                stored, zip_bytes = await self._rebuild(stored, tenant)
            except Exception as error:
                log.exception("rebuilding a pending document failed", extra={"uuid": stored.uuid})
                return await self._finish(
                    stored, FAILED, last_error=_describe(error), attempts=attempt
                )
        return await self._deliver(
            stored, tenant, attempt=attempt, first_send=False, zip_bytes=zip_bytes
        )

    async def _rebuild(
        self, stored: StoredDocument, tenant: TenantView
    ) -> tuple[StoredDocument, bytes]:
        """The process died between numbering and signing: build again from the stored
        canonical document, with the number and issue moment it already has."""
        document = stored.canonical()
        if document is None:
            raise ValueError(f"document {stored.uuid} was stored without its canonical form")
        document_type = self.registry.document_types.get(stored.type_code)
        numbering_range = await self.ranges.range_of(
            stored.tenant_id,
            stored.environment,
            document_type.range_type,
            stored.prefix,
            stored.number,
        )
        issued_at = stored.issue_datetime
        if issued_at is None:
            issued_at = issue_moment(document)
        return await self._prepare_and_store(
            stored, document, document_type, tenant, numbering_range, issued_at, None
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
        """The signed XML; ``SignedXmlUnavailable`` when the document failed before signing."""
        stored = await self.documents.get(tenant_id, uuid)
        if not stored.signed_xml:
            raise SignedXmlUnavailable(stored.status)
        return stored.signed_xml.encode("utf-8")

    async def refresh(
        self, tenant_id: int, uuid: str
    ) -> tuple[DocumentRecord, DianResponse | None]:
        """Ask DIAN about a pending document (GetStatusZip with its ZipKey, else GetStatus by
        CUFE/CUDE) and record a definitive answer. Never re-sends. Final documents are returned
        with the answer DIAN gave when they were finished."""
        stored = await self.documents.get(tenant_id, uuid)
        if stored.status != PENDING or not stored.unique_code:
            return stored.record(), stored_answer(stored)
        client, _ = await self.clients.client(stored.environment, tenant_id)
        try:
            if stored.zip_key:
                response = await zip_status(client, stored.zip_key, stored.unique_code or "")
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

    async def dian_client(self, tenant_id: int, environment_id: str) -> DianClient:
        """The tenant's DIAN client in an environment, for queries that issue nothing."""
        return (await self.clients.client(environment_id, tenant_id))[0]

    async def forget_identity(self, tenant_id: int) -> None:
        """Drop the cached signing identity: the tenant's certificate was replaced."""
        self.identities.forget(tenant_id)


def _delivery_outcome(record: DocumentRecord) -> JobOutcome:
    """A document still pending asks its delivery job to run again; any final state ends it."""
    return JobOutcome.retry(record.last_error) if record.status == PENDING else JobOutcome.done()


def _describe(error: BaseException) -> str:
    return f"No se pudo generar el documento: {type(error).__name__}: {error}"[:500]
