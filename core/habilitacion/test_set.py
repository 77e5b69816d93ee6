"""Where a tenant's test set stands: the documents the gateway sent under it, per kind, and
DIAN's verdict on the whole set.

The gateway's own records say what was sent (documents issued by the runner carry the
test-set id); DIAN says whether the set is accepted: GetStatusZip on a batch of the set
answers "Set de prueba con identificador … se encuentra Aceptado." once it is (research
§4.5, code ``2``). Nothing here is kept apart from what DIAN answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import msgspec

from core.contracts import CHANNEL_INVOICES
from core.errors import ConfigurationError
from core.model.status import DocumentStatus
from core.storage.stored_documents import StoredDocument

if TYPE_CHECKING:
    from core.context import AppContext

# The dialect recorded on the documents the test-set runner issues.
RUNNER_DIALECT = "habilitacion"
VERDICT_PROBES = 3  # accepted batches asked about, newest first

Verdict = Literal["aceptado", "en_proceso", "sin_enviar"]


class KindTally(msgspec.Struct, frozen=True, kw_only=True):
    """One kind's row of the set: what the set requires and what was sent."""

    code: str
    title: str
    required: int
    sent: int
    accepted: int
    rejected: int
    pending: int
    messages: tuple[str, ...] = ()  # DIAN's messages for the rejected ones


class SetStanding(msgspec.Struct, frozen=True, kw_only=True):
    """Where the tenant stands in habilitación."""

    nit: str
    environment: str
    test_set_id: str | None
    verdict: Verdict
    dian_message: str | None
    kinds: tuple[KindTally, ...]
    problems: tuple[str, ...] = ()  # what kept the runner from completing the set

    @property
    def accepted(self) -> bool:
        return self.verdict == "aceptado"


async def set_documents(
    ctx: AppContext, tenant_id: int, environment: str, test_set_id: str
) -> list[StoredDocument]:
    """The documents issued under ``test_set_id`` in ``environment``, oldest first."""
    found: list[StoredDocument] = []
    page = 1
    while True:
        rows, total = await ctx.documents.documents.list_stored(
            tenant_id, page=page, per_page=500, dialect=RUNNER_DIALECT
        )
        found += [
            row
            for row in rows
            if row.environment == environment
            and (row.dialect_data or {}).get("test_set_id") == test_set_id
        ]
        if page * 500 >= total:
            break
        page += 1
    return sorted(found, key=lambda row: row.id)


def tally(
    documents: Sequence[StoredDocument],
    required: Mapping[str, int],
    titles: Mapping[str, str],
) -> tuple[KindTally, ...]:
    """Per kind (the required ones, then any other sent): sent, accepted, rejected, pending."""
    codes = list(required) + sorted({d.type_code for d in documents} - set(required))
    rows = []
    for code in codes:
        mine = [d for d in documents if d.type_code == code]
        refused = [d for d in mine if d.status in (DocumentStatus.REJECTED, DocumentStatus.FAILED)]
        messages = []
        for document in refused:
            said = list(document.dian_errors) or [document.dian_message or "sin mensaje"]
            messages += [f"{document.prefix}{document.number}: {m}" for m in said]
        rows.append(
            KindTally(
                code=code,
                title=titles.get(code, code),
                required=required.get(code, 0),
                sent=len(mine),
                accepted=sum(d.status == DocumentStatus.ACCEPTED for d in mine),
                rejected=len(refused),
                pending=sum(d.status == DocumentStatus.PENDING for d in mine),
                messages=tuple(messages),
            )
        )
    return tuple(rows)


async def dian_verdict(
    ctx: AppContext, tenant_id: int, environment: str, documents: Sequence[StoredDocument]
) -> tuple[Verdict, str | None]:
    """DIAN's word on the set, asked with GetStatusZip on its newest accepted batches
    (``DianUnavailable`` when DIAN cannot be asked)."""
    if not documents:
        return "sin_enviar", None
    batches = [
        d.zip_key for d in reversed(documents) if d.zip_key and d.status == DocumentStatus.ACCEPTED
    ]
    client = await ctx.documents.dian_client(tenant_id, environment)
    for zip_key in list(dict.fromkeys(batches))[:VERDICT_PROBES]:
        answers = await client.get_status_zip(zip_key or "")
        for answer in answers:
            if answer.status_code == "2" and "Aceptado" in (answer.status_description or ""):
                return "aceptado", answer.status_description
    return "en_proceso", None


async def standing(
    ctx: AppContext,
    tenant_ref: int | str,
    required: Mapping[str, int],
    *,
    channel: str = CHANNEL_INVOICES,
    test_set_id: str | None = None,
    problems: Sequence[str] = (),
) -> SetStanding:
    """Where the tenant stands: its set's documents against ``required`` and DIAN's verdict
    (the set of ``channel``'s software, or ``test_set_id``)."""
    record = await ctx.tenants.get_tenant(tenant_ref)
    software = record.software_for(channel)
    if test_set_id is None:
        test_set_id = software.test_set_id if software else None
    documents: list[StoredDocument] = []
    verdict: Verdict = "sin_enviar"
    message = None
    if test_set_id:
        documents = await set_documents(ctx, record.id, record.environment, test_set_id)
        verdict, message = await dian_verdict(ctx, record.id, record.environment, documents)
    titles = {kind.code: kind.title for kind in ctx.registry.document_types}
    return SetStanding(
        nit=record.nit,
        environment=record.environment,
        test_set_id=test_set_id,
        verdict=verdict,
        dian_message=message,
        kinds=tally(documents, required, titles),
        problems=tuple(problems),
    )


def require_test_set_id(test_set_id: str | None, nit: str) -> str:
    if not test_set_id:
        raise ConfigurationError(
            f"la empresa {nit} no tiene el identificador del set de pruebas (TestSetId) que "
            "asigna la DIAN: indíquelo con --test-set-id"
        )
    return test_set_id
