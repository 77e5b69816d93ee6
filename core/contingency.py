"""Contingency documents (03, 04) and export invoices (02): how a dialect issues them, and how
the pending contingency documents reach DIAN.

How a dialect fills a canonical ``Document`` (then ``await documents.issue(tenant, document,
dialect=...)``, the same call as for any invoice; the kind's facts do the rest):

- **02 factura de exportación**: ``type_code="02"``, ``operation_type="10"``; the buyer is
  foreign: ``customer.id_type`` 42 (documento de identificación extranjero) or 50 (NIT de otro
  país), ``customer.address.country_code`` its ISO country (not CO) with ``country_name``;
  ``currency`` the ISO 4217 code the amounts are in (``USD``...); ``exchange_rate =
  ExchangeRate(rate=TRM, date=...)`` (pesos per unit, required unless the currency is COP);
  ``delivery_terms = DeliveryTerms(incoterm="FOB", loss_risk=..., special_terms=...)``
  (required); line amounts (``unit_price``...) in ``currency``. Taxes as usual (exports are
  usually exempt: IVA 0 %). The XML carries the amounts in ``currency`` and
  ``cac:PaymentExchangeRate``; the PDF adds the COP values. A 02 always states its rate (an
  export invoiced in pesos: ``currency="COP"``, rate 1). A dialect that finds no currency or
  rate in the payload leaves ``exchange_rate`` as ``None``: ``issue`` raises
  ``ValidationFailed`` (rule ``FAR02``, path ``exchange_rate``) before a number is spent, and
  the dialect renders it in its own shape. Other refusals: ``FAR07`` rate not positive (or not
  1 in COP), ``FAR05`` target not COP, ``FAD15a`` unknown currency, ``PAS-K01`` buyer in
  Colombia, ``PAS-M01`` no delivery terms, ``PAS-M02`` unknown Incoterm
  (``catalogs.incoterm``).
- **03 contingency invoice** (instrumento electrónico de transmisión): ``type_code="03"``,
  ``operation_type="10"``, the rest as for a 01; ``additional_references`` may cite the
  paper (talonario) invoice it transmits: ``AdditionalReference(id=..., issue_date=...,
  type_code="01")``. Numbered from the tenant's 03 range, coded with a CUDE (software PIN).
  The request tries DIAN once; while DIAN is unreachable it answers ``pendiente`` and the
  contingency job sends it when DIAN answers again.
- **04 contingency type 4**: ``type_code="04"``, ``operation_type="10"``, the rest as for a
  01. Numbered from the tenant's 04 range, CUFE with that range's technical key. Stored signed
  and answered ``pendiente`` at once (nothing is sent by the request); sent by the contingency
  job, or at once by ``ContingencyDeliveries.send_pending`` (the dialect's "send pendings").

Money may be given in the dialect's own currency fields: a dialect maps them onto
``currency`` and ``exchange_rate`` for any invoice kind, and the same pre-flight rules apply.

Pending contingency documents are sent by the job kind ``CONTINGENCY_JOB``, stored with the
document in its issuing transaction (``IssueService``). It reuses the delivery job's handler
(ask DIAN about the CUFE/CUDE first, re-send the same signed ZIP only when DIAN does not know
it) under its own policy: it is retried with the settings' backoff for as long as DIAN stays
away and never marks a document "fallido" for transport trouble. ``send_pending`` claims the
same jobs under their lease, so a document is never sent by two processes at once nor twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from core.issuing import CONTINGENCY_JOB, IssueService
from core.jobs import Job, JobWorker
from core.model import DocumentRecord
from core.model.status import DocumentStatus
from core.storage.documents import StoredDocument

__all__ = ["CONTINGENCY_JOB", "ContingencyDeliveries"]

_PAGE = 500
_CONCURRENCY = 8


MAX_DOCUMENT_NUMBER = 2**63  # document numbers are stored as 64-bit integers


class ContingencyDeliveries:
    """Sends a tenant's pending contingency documents on demand (see the module docstring).

    ``worker`` runs the claimed jobs exactly as its sweeps do (same handler, lease and
    settling), so a document sent here is one its job no longer sends.
    """

    def __init__(self, documents: IssueService, worker: JobWorker) -> None:
        self.documents = documents
        self.worker = worker

    def kinds(self) -> list[str]:
        """The installed contingency kinds' codes (03, 04 ...)."""
        return sorted(k.code for k in self.documents.registry.document_types if k.contingency)

    async def send_pending(
        self, tenant_id: int, *, prefix: str | None = None, number: int | None = None
    ) -> Sequence[DocumentRecord]:
        """Send now the tenant's contingency documents still pending (only the one numbered
        ``prefix``+``number`` when given; only those of ``prefix`` when only it is given) and
        return each with its status after this attempt ("aceptado", "rechazado", or still
        "pendiente" while DIAN stays unreachable or another process is sending it). Documents
        already final are not sent again and not returned."""
        if number is not None and not 0 <= number < MAX_DOCUMENT_NUMBER:
            return []  # no document carries it (nor would the database take it in a query)
        pending = await self._pending(tenant_id, prefix, number)
        if not pending:
            return []
        wanted = {document.uuid for document in pending}
        jobs = [
            job
            for job in await self.worker.queue.queued(CONTINGENCY_JOB)
            if job.payload.get("tenant_id") == tenant_id and job.payload.get("uuid") in wanted
        ]
        claimed = await self.worker.queue.claim_now([job.id for job in jobs])
        gate = asyncio.Semaphore(_CONCURRENCY)

        async def run(job: Job) -> None:
            async with gate:
                await self.worker.run(job)

        await asyncio.gather(*(run(job) for job in claimed))
        return [await self.documents.get(tenant_id, document.uuid) for document in pending]

    async def _pending(
        self, tenant_id: int, prefix: str | None, number: int | None
    ) -> list[StoredDocument]:
        """The tenant's pending documents of contingency kinds, oldest first."""
        found: list[StoredDocument] = []
        for code in self.kinds():
            page = 1
            while True:
                rows, total = await self.documents.documents.list_stored(
                    tenant_id,
                    page,
                    _PAGE,
                    status=DocumentStatus.PENDING.value,
                    type_code=code,
                    prefix=prefix,
                    number=number,
                )
                found += rows
                if page * _PAGE >= total:
                    break
                page += 1
        return sorted(found, key=lambda document: (document.prefix, document.number))
