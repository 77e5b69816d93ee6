"""``pasarela habilitacion run``: send a tenant's DIAN test set and follow it to the verdict.

The runner builds each kind's documents (``documents``), issues them through the issuing
service with the test-set id (SendTestSetAsync, one ZipKey each), polls GetStatusZip with a
growing delay until DIAN decided, and reports per kind. It is resumable because everything it
knows comes from the gateway's records and DIAN: run again, it first asks DIAN about the
documents still pending, counts those accepted or in process, and issues only what is
missing, so no test number is ever spent twice. Documents that correct another (credit and
debit notes) are sent once an invoice of the set is accepted, and refer to it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Protocol

import msgspec

from core.clock import now_bogota
from core.contracts import DocumentType
from core.demo import add_demo_range
from core.errors import ConfigurationError, NoNumberingRange, ValidationFailed
from core.habilitacion.composition import plan_composition
from core.habilitacion.documents import set_document
from core.habilitacion.test_set import (
    RUNNER_DIALECT,
    SetStanding,
    require_test_set_id,
    set_documents,
    standing,
)
from core.model import BillingReference, DocumentRecord
from core.model.status import DocumentStatus
from core.storage.stored_documents import StoredDocument

if TYPE_CHECKING:
    from core.context import AppContext

PENDING, ACCEPTED = DocumentStatus.PENDING, DocumentStatus.ACCEPTED


class PollPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """GetStatusZip polling: the first wait, its growth per round, its cap, and how long to
    keep asking before reporting the set as still in process."""

    first_delay_s: float = 1.0
    factor: float = 2.0
    max_delay_s: float = 15.0
    timeout_s: float = 600.0


class Progress(Protocol):
    """What the runner tells its display as it goes."""

    def planned(self, required: Mapping[str, int], accepted: Mapping[str, int]) -> None: ...

    def sent(self, record: DocumentRecord) -> None: ...

    def decided(self, record: DocumentRecord) -> None: ...


class _Quiet:
    def planned(self, required: Mapping[str, int], accepted: Mapping[str, int]) -> None:
        pass

    def sent(self, record: DocumentRecord) -> None:
        pass

    def decided(self, record: DocumentRecord) -> None:
        pass


async def run_test_set(
    ctx: AppContext,
    tenant_ref: int | str,
    *,
    test_set_id: str | None = None,
    composition: Mapping[str, int] | None = None,
    kinds: Collection[str] | None = None,
    poll: PollPolicy | None = None,
    progress: Progress | None = None,
) -> SetStanding:
    """Send what the tenant's test set still lacks and follow it; returns where it stands.

    ``ConfigurationError`` (Spanish) when the tenant cannot send a test set: not in a test
    environment, no software, no test-set id, no certificate, a kind it is not enabled for.
    """
    poll = poll or PollPolicy()
    progress = progress or _Quiet()
    record = await ctx.tenants.get_tenant(tenant_ref)
    environment = ctx.registry.environments.get(record.environment)
    if environment.production is None:
        raise ConfigurationError(
            f"la empresa {record.nit} está en el ambiente {record.environment}: el set de "
            "pruebas se envía desde habilitación (pasarela tenants demote la regresa)"
        )
    installed = ctx.registry.document_types.as_mapping()
    required = plan_composition(installed, record.permissions, composition=composition, only=kinds)
    channels = {installed[code].software_channel for code in required}
    if len(channels) > 1:
        raise ConfigurationError(
            "un set de pruebas pertenece a un solo software: envíe por separado (--kinds) los "
            f"tipos de cada canal ({', '.join(sorted(channels))})"
        )
    channel = channels.pop()
    software = record.software_for(channel)
    if software is None:
        raise ConfigurationError(
            f"la empresa {record.nit} no tiene software registrado para el canal {channel}"
        )
    if test_set_id and software.test_set_id is None:  # the first one DIAN gave: kept
        record = await ctx.tenants.update_tenant(
            record.id, channel=channel, test_set_id=test_set_id
        )
    test_set_id = require_test_set_id(test_set_id or software.test_set_id, record.nit)
    if record.certificate is None:
        raise ConfigurationError(
            f"la empresa {record.nit} no tiene certificado de firma: adjúntelo con "
            "pasarela tenants certificate"
        )
    today = now_bogota().date()
    await ctx.documents.identities.check_not_expired(record.id, record.nit, now_bogota())
    for code in required:
        await _ensure_range(ctx, record.id, installed[code], record.environment, today)

    run = _Run(ctx, record.id, record.environment, test_set_id, poll, progress)
    await run.load()
    progress.planned(required, run.counted(pending=False))
    await run.follow()  # what an interrupted run left pending
    problems: list[str] = []
    ordered = sorted(required, key=lambda code: _corrects(installed[code]) is not None)
    for code in ordered:
        kind = installed[code]
        if _corrects(kind) is not None:
            await run.follow()  # the documents a note refers to must be accepted first
        problem = await run.complete(kind, required[code], today)
        if problem:
            problems.append(problem)
    await run.follow()
    if test_set_id != software.test_set_id and run.counted():
        # DIAN took documents under the new id: it is the software's set from now on
        await ctx.tenants.update_tenant(record.id, channel=channel, test_set_id=test_set_id)
    return await standing(
        ctx, record.id, required, channel=channel, test_set_id=test_set_id, problems=problems
    )


def _corrects(kind: DocumentType) -> str | None:
    """The type of document a kind's documents refer to (notes), else ``None``."""
    assert kind.sample is not None
    reference = kind.sample.build(kind, 1).billing_reference
    return None if reference is None else reference.type_code or "01"


async def _ensure_range(
    ctx: AppContext, tenant_id: int, kind: DocumentType, environment: str, today: dt.date
) -> None:
    """A fresh tenant numbers its test set from the kind's test range (SETP for invoices)."""
    try:
        await ctx.ranges.active_range(tenant_id, kind.range_type, environment, today)
    except NoNumberingRange:
        await add_demo_range(ctx.ranges, tenant_id, kind)


class _Run:
    """One run over one set: the set's documents as the gateway records them."""

    def __init__(
        self,
        ctx: AppContext,
        tenant_id: int,
        environment: str,
        test_set_id: str,
        poll: PollPolicy,
        progress: Progress,
    ) -> None:
        self.ctx, self.tenant_id, self.environment = ctx, tenant_id, environment
        self.test_set_id, self.poll, self.progress = test_set_id, poll, progress
        self.documents: list[StoredDocument] = []

    async def load(self) -> None:
        self.documents = await set_documents(
            self.ctx, self.tenant_id, self.environment, self.test_set_id
        )

    def counted(self, *, pending: bool = True) -> dict[str, int]:
        """Per kind: documents accepted or (with ``pending``) still in process: they need no
        replacement."""
        kept = (ACCEPTED, PENDING) if pending else (ACCEPTED,)
        counts: dict[str, int] = {}
        for document in self.documents:
            if document.status in kept:
                counts[document.type_code] = counts.get(document.type_code, 0) + 1
        return counts

    async def complete(self, kind: DocumentType, required: int, today: dt.date) -> str | None:
        """Issue the documents of ``kind`` the set lacks; a problem that stopped it, if any."""
        missing = required - self.counted().get(kind.code, 0)
        sequence = sum(d.type_code == kind.code for d in self.documents)
        tenant = await self.ctx.tenants.tenant_view(self.tenant_id)
        corrected = _corrects(kind)
        for _ in range(max(missing, 0)):
            reference = None
            if corrected is not None:
                reference = self._reference(corrected, sequence)
                if reference is None:
                    return (
                        f"{kind.code}: no hay un documento {corrected} aceptado en el set al "
                        "que referirse"
                    )
            # the set's running count varies the content across kinds too
            document = set_document(kind, len(self.documents), today, reference)
            try:
                record = await self.ctx.documents.issue(
                    tenant,
                    document,
                    dialect=RUNNER_DIALECT,
                    test_set_id=self.test_set_id,
                    reference=f"set-pruebas-{kind.code}-{sequence + 1}",
                )
            except ValidationFailed as failed:
                return f"{kind.code}: {failed}"
            sequence += 1
            self.progress.sent(record)
            await self.load()
            if record.status != PENDING:
                self.progress.decided(record)
        return None

    def _reference(self, type_code: str, sequence: int) -> BillingReference | None:
        accepted = [
            d
            for d in self.documents
            if d.type_code == type_code and d.status == ACCEPTED and d.unique_code
        ]
        if not accepted:
            return None
        chosen = accepted[sequence % len(accepted)]
        issued = chosen.issue_datetime or now_bogota()
        return BillingReference(
            number=f"{chosen.prefix}{chosen.number}",
            uuid=chosen.unique_code or "",
            issue_date=issued.date(),
            scheme_name="CUFE-SHA384",
            type_code=type_code,
        )

    async def follow(self) -> None:
        """Ask DIAN (GetStatusZip) about the pending documents until none is left or the
        policy's time is up, waiting longer each round."""
        delay = self.poll.first_delay_s
        deadline = asyncio.get_running_loop().time() + self.poll.timeout_s
        while True:
            pending = [d for d in self.documents if d.status == PENDING]
            for document in pending:
                if document.zip_key:
                    record, _ = await self.ctx.documents.refresh(self.tenant_id, document.uuid)
                else:  # never reached DIAN (an interrupted run): ask by CUFE, send if unknown
                    record = await self.ctx.documents.resume(
                        document, attempt=document.attempts + 1
                    )
                if record.status != PENDING:
                    self.progress.decided(record)
            await self.load()
            if not any(d.status == PENDING for d in self.documents):
                return
            if asyncio.get_running_loop().time() + delay > deadline:
                return
            await asyncio.sleep(delay)
            delay = min(delay * self.poll.factor, self.poll.max_delay_s)
