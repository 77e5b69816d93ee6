"""``tenants promote`` / ``tenants demote``: move a tenant between habilitación and producción.

Promote checks everything before it changes anything: the tenant is in a test environment
with a production counterpart (``Environment.production``), has its software, a valid
certificate, and DIAN accepted its test set; then it fetches the production numbering ranges
with GetNumberingRange (asked of producción), stores them, carries over the ranges of kinds
DIAN authorizes no numbering for (notes continue their numbers), and moves the tenant. Any
refusal leaves the tenant where it was. Documents stay listed with the environment they were
issued in. Demote moves the tenant back to its test environment, whose ranges are still there.
The CLI and the dialects' environment routes call these same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec

from core.clock import now_bogota
from core.contracts import CHANNEL_INVOICES
from core.dialects.fields import parse_iso_date
from core.dian.queries import numbering_ranges_at_dian
from core.dian.responses import NumberRangeResponse
from core.errors import ConfigurationError, DianUnavailable
from core.habilitacion.test_set import dian_verdict, require_test_set_id, set_documents
from core.model import NumberingRange, TenantView
from core.tenancy.records import TenantRecord

if TYPE_CHECKING:
    from core.context import AppContext


class SwitchRefused(ConfigurationError):
    """The tenant cannot move now; the message (Spanish) says why. Nothing was changed."""


class Switched(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of a promote or demote."""

    nit: str
    previous_environment: str
    environment: str
    ranges_added: tuple[NumberingRange, ...] = ()


async def promote(ctx: AppContext, tenant_ref: int | str) -> Switched:
    """Move the tenant to producción once DIAN accepted its test set (see the module)."""
    record = await ctx.tenants.get_tenant(tenant_ref)
    target = production_of(ctx, record)
    software = record.software_for(CHANNEL_INVOICES)
    if software is None:
        raise SwitchRefused(f"la empresa {record.nit} no tiene software registrado en la DIAN")
    test_set_id = require_test_set_id(software.test_set_id, record.nit)
    if record.certificate is None:
        raise SwitchRefused(f"la empresa {record.nit} no tiene certificado de firma")
    await ctx.documents.identities.check_not_expired(record.id, record.nit, now_bogota())
    try:
        documents = await set_documents(ctx, record.id, record.environment, test_set_id)
        verdict, _ = await dian_verdict(ctx, record.id, record.environment, documents)
        if verdict != "aceptado":
            raise SwitchRefused(
                f"la DIAN no ha aceptado el set de pruebas {test_set_id} de la empresa "
                f"{record.nit}: envíelo con 'pasarela habilitacion run {record.nit}'; la "
                f"empresa sigue en {record.environment}"
            )
        view = await ctx.tenants.tenant_view(record.id)
        fetched = await _production_ranges(ctx, msgspec.structs.replace(view, environment=target))
    except DianUnavailable as trouble:
        raise SwitchRefused(
            f"la DIAN no respondió ({trouble}); la empresa sigue en {record.environment}"
        ) from None
    added = await _store_ranges(ctx, record, target, fetched)
    await ctx.tenants.switch_environment(record.id, target)
    return Switched(
        nit=record.nit,
        previous_environment=record.environment,
        environment=target,
        ranges_added=tuple(added),
    )


async def demote(ctx: AppContext, tenant_ref: int | str) -> Switched:
    """Move the tenant back to the test environment its production environment belongs to."""
    record = await ctx.tenants.get_tenant(tenant_ref)
    source = [e.id for e in ctx.registry.environments if e.production == record.environment]
    if not source:
        raise SwitchRefused(
            f"la empresa {record.nit} está en {record.environment}, que no es un ambiente de "
            "producción con habilitación"
        )
    await ctx.tenants.switch_environment(record.id, source[0])
    return Switched(nit=record.nit, previous_environment=record.environment, environment=source[0])


def production_of(ctx: AppContext, record: TenantRecord) -> str:
    """The production environment of the tenant's test environment (``SwitchRefused`` when
    it is in none, e.g. already in producción)."""
    environment = ctx.registry.environments.get(record.environment)
    if environment.production is None:
        raise SwitchRefused(
            f"la empresa {record.nit} está en {record.environment}, que no es un ambiente de "
            "habilitación: no hay a dónde promoverla"
        )
    if environment.production not in ctx.registry.environments:
        raise SwitchRefused(f"el ambiente {environment.production} no está instalado")
    return environment.production


async def _production_ranges(
    ctx: AppContext, tenant: TenantView
) -> list[tuple[str, NumberRangeResponse]]:
    """(range type, DIAN's range) for every kind the tenant issues whose numbering DIAN
    authorizes, asked per software channel with GetNumberingRange in producción."""
    kinds = [
        k
        for k in ctx.registry.document_types
        if k.authorized_numbering and k.permission in tenant.permissions
    ]
    fetched: list[tuple[str, NumberRangeResponse]] = []
    for channel in sorted({k.software_channel for k in kinds}):
        if channel not in tenant.software:
            continue
        answer = await numbering_ranges_at_dian(ctx.documents, tenant, channel)
        if answer.operation_code != "100":
            raise SwitchRefused(
                f"GetNumberingRange no devolvió rangos para el canal {channel} "
                f"({answer.operation_code}: {answer.operation_description}); la empresa sigue "
                "en habilitación"
            )
        # DIAN's answer does not say which kind a range numbers, and one range stored for two
        # kinds would hand out each number twice: the channel's first kind (01 invoices, 05
        # support documents, 20 POS) takes them; the others of the channel (02, 03, 04) get
        # their own resolution with `tenants add-range`.
        first = min(k.range_type for k in kinds if k.software_channel == channel)
        fetched += [(first, found) for found in answer.ranges]
    if not fetched:
        raise SwitchRefused(
            "la DIAN no tiene rangos de numeración autorizados para la empresa en producción; "
            "la empresa sigue en habilitación"
        )
    return fetched


async def _store_ranges(
    ctx: AppContext,
    record: TenantRecord,
    target: str,
    fetched: Sequence[tuple[str, NumberRangeResponse]],
) -> list[NumberingRange]:
    """Store DIAN's ranges in ``target`` (those not stored yet, still valid) and carry over
    the tenant's own numbering of kinds without a resolution, continuing its numbers."""
    today = now_bogota().date()
    terms = [(t, _terms(found)) for t, found in fetched]
    if not any(term["valid_to"] >= today for _, term in terms):
        raise SwitchRefused("ninguno de los rangos que devolvió la DIAN está vigente")
    there = {
        (r.range.document_type, r.range.prefix, r.range.resolution_number)
        for r in await ctx.ranges.list_ranges(record.id, target)
    }
    added = []
    for range_type, term in terms:
        key = (range_type, term["prefix"], term["resolution_number"])
        if key in there or term["valid_to"] < today:
            continue
        added.append(
            await ctx.ranges.add_resolution(
                record.id, document_type=range_type, environment=target, **term
            )
        )
        there.add(key)
    authorized = {k.range_type for k in ctx.registry.document_types if k.authorized_numbering}
    numbered_there = {t for t, _, _ in there}
    for live in await ctx.ranges.list_ranges(record.id, record.environment):
        found = live.range
        if found.document_type in authorized or found.document_type in numbered_there:
            continue
        added.append(
            await ctx.ranges.add_resolution(
                record.id,
                document_type=found.document_type,
                resolution_number=found.resolution_number,
                resolution_date=found.resolution_date,
                prefix=found.prefix,
                from_number=found.from_number,
                to_number=found.to_number,
                valid_from=found.valid_from,
                valid_to=found.valid_to,
                environment=target,
                next_number=min(live.next_number, found.to_number + 1),
            )
        )
        numbered_there.add(found.document_type)
    return added


def _terms(found: NumberRangeResponse) -> dict[str, object]:
    """A DIAN range as ``add_resolution`` arguments (``SwitchRefused`` when incomplete)."""
    valid_from = parse_iso_date(found.valid_date_from or "")
    valid_to = parse_iso_date(found.valid_date_to or "")
    if (
        not found.resolution_number
        or valid_from is None
        or valid_to is None
        or found.from_number is None
        or found.to_number is None
    ):
        raise SwitchRefused(
            f"la DIAN devolvió un rango incompleto (resolución {found.resolution_number}, "
            f"prefijo {found.prefix})"
        )
    resolution_date: dt.date | None = parse_iso_date(found.resolution_date or "")
    return {
        "resolution_number": found.resolution_number,
        "resolution_date": resolution_date,
        "prefix": found.prefix or "",
        "from_number": found.from_number,
        "to_number": found.to_number,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "technical_key": found.technical_key or None,
    }
