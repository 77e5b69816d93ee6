"""Support documents (05) and their adjustment notes (95), the way bills and notes work.

``validate`` follows ``document_service``'s rules (research §7): the body is checked field by
field (422, nothing stored); a ``reference_code`` already used for the kind returns that
document; a document of the kind DIAN has not validated blocks the next one (409) until it is
deleted; one validate per tenant and kind at a time (``issue_claims``). An adjustment note
names a validated support document by the id Factus answered for it, and takes its provider.
Core's pre-flight rules of the kind (``DSAJ01``: the provider is the company itself) are
answered on the provider's fields.

The checked document is stored in ``dialect_data`` under ``support`` (bills keep theirs under
``checked``), so the bill and note readers never mistake one for theirs. Listing, downloads
and deletes are ``document_service``'s, with this module's rows.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response

from adapters.factus import document_service as service
from adapters.factus.auth import DIALECT
from adapters.factus.checks import Kind, as_int, ordered
from adapters.factus.document_responses import OK, PENDING_MESSAGES, SUCCESS, created_message
from adapters.factus.errors import conflict
from adapters.factus.issue_claims import ClaimTimeout, issuing
from adapters.factus.mapping import TYPE_CODES
from adapters.factus.support_checks import (
    CheckedSupport,
    check_adjustment_note,
    check_support_document,
)
from adapters.factus.support_mapping import to_document
from adapters.factus.support_payloads import AdjustmentNotePayload, SupportDocumentPayload
from adapters.factus.support_responses import document_data, list_row
from core.api import (
    AppContext,
    DocumentStatus,
    InvalidRequest,
    NotFound,
    StoredDocument,
    TenantView,
    ValidationFailed,
    decode_json,
    now_bogota,
)

PROVIDER_FIELDS = {  # canonical party field -> Factus' provider field
    "id_type": "identification_document_id",
    "id_number": "identification",
    "dv": "dv",
    "name": "names",
    "trade_name": "trade_name",
    "address": "address",
    "contact": "email",
}


def support_of(stored: StoredDocument) -> CheckedSupport | None:
    """The Factus support document or adjustment note stored with a row, if it is one."""
    data = ((stored.dialect_data or {}).get("dialect") or {}).get("support")
    return msgspec.convert(data, CheckedSupport, strict=False) if data is not None else None


async def render(ctx: AppContext, tenant: TenantView, stored: StoredDocument) -> dict[str, Any]:
    checked = support_of(stored)
    assert checked is not None and checked.provider is not None
    environment = ctx.registry.environments.get(stored.environment)
    numbering_range = None
    if checked.kind == "support_document":
        try:
            numbering_range = await ctx.ranges.range_of(
                tenant.id, stored.environment, stored.type_code, stored.prefix, stored.number
            )
        except NotFound:
            numbering_range = None
    return document_data(
        stored,
        checked,
        tenant,
        qr_url=environment.qr_url(stored.unique_code or ""),
        provider=checked.provider,
        numbering_range=numbering_range,
    )


async def validate(
    ctx: AppContext, tenant: TenantView, request: Request[Any, Any, Any], kind: Kind
) -> Response[bytes]:
    body = await request.body()
    adjusted: StoredDocument | None = None
    if kind == "support_document":
        payload: SupportDocumentPayload | AdjustmentNotePayload = decode_json(
            body, SupportDocumentPayload
        )
        errors, checked = check_support_document(payload)
    else:
        payload = decode_json(body, AdjustmentNotePayload)
        errors, checked = check_adjustment_note(payload)
    errors = dict(errors)
    raw_range = payload.numbering_range_id
    range_id = as_int(raw_range)
    if (
        raw_range is not None
        and str(raw_range).strip()
        and "numbering_range_id" not in errors
        and (range_id is None or not await service.usable_range(ctx, tenant, kind, range_id))
    ):
        errors["numbering_range_id"] = ["El campo id rango de numeración es inválido."]
    if checked is not None and checked.support_document_id is not None:
        adjusted = await _support_document(ctx, tenant, checked.support_document_id)
        if adjusted is None:
            errors["support_document_id"] = ["El documento soporte seleccionado no existe."]
        elif adjusted.status != DocumentStatus.ACCEPTED or not adjusted.unique_code:
            errors["support_document_id"] = [
                "El documento soporte seleccionado no ha sido validado por la DIAN."
            ]
            adjusted = None
    if errors or checked is None:
        raise InvalidRequest(ordered(errors))
    try:
        async with issuing(ctx, tenant.id, kind, checked.reference_code):
            return await _issue(ctx, tenant, checked, adjusted, body)
    except ClaimTimeout:
        return conflict(PENDING_MESSAGES[kind])


async def _support_document(
    ctx: AppContext, tenant: TenantView, document_id: int
) -> StoredDocument | None:
    """The tenant's Factus support document with this id (another's is "not found")."""
    try:
        found = await service.repository(ctx).get_by_id(tenant.id, document_id)
    except NotFound:
        return None
    if found.type_code != TYPE_CODES["support_document"] or support_of(found) is None:
        return None
    return found


async def _issue(
    ctx: AppContext,
    tenant: TenantView,
    checked: CheckedSupport,
    adjusted: StoredDocument | None,
    body: bytes,
) -> Response[bytes]:
    kind = checked.kind
    existing = await service.find_by_reference(ctx, tenant, kind, checked.reference_code)
    if existing is not None and support_of(existing) is not None:  # a retry
        if existing.status == DocumentStatus.PENDING:
            await ctx.documents.refresh(tenant.id, existing.uuid)
            existing = await service.repository(ctx).get(tenant.id, existing.uuid)
        return _created(checked, existing, await render(ctx, tenant, existing))
    if await service.blocking(ctx, tenant, kind) is not None:
        return conflict(PENDING_MESSAGES[kind])
    adjusted_data = None
    if adjusted is not None:
        adjusted_support = support_of(adjusted)
        assert adjusted_support is not None
        checked = msgspec.structs.replace(checked, provider=adjusted_support.provider)
        issued = adjusted.issue_datetime or adjusted.created_at
        adjusted_data = {
            "id": adjusted.id,
            "number": adjusted.full_number,
            "cuds": adjusted.unique_code,
            "issue_date": issued.date().isoformat(),
        }
    document = to_document(checked, now_bogota(), adjusted=adjusted_data)
    try:
        record = await ctx.documents.issue(
            tenant,
            document,
            dialect=DIALECT,
            request_payload=body,
            dialect_data={
                "support": msgspec.to_builtins(checked),
                "support_document": adjusted_data,
            },
            deliver_email=False,
            reference=checked.reference_code,
            range_id=checked.numbering_range_id,
        )
    except ValidationFailed as failed:
        raise InvalidRequest(ordered(_provider_fields(failed))) from None
    stored = await service.repository(ctx).get(tenant.id, record.uuid)
    if adjusted is not None:
        await service.link_note(ctx, tenant, adjusted.id, stored, kind, add=True)
    return _created(checked, stored, await render(ctx, tenant, stored))


def _provider_fields(failed: ValidationFailed) -> dict[str, list[str]]:
    """Core's problems on Factus' paths; the seller (the canonical ``customer``) is the
    ``provider`` (``DSAJ01``: the provider is the company itself)."""
    fields: dict[str, list[str]] = {}
    for path, messages in service.factus_fields(failed).items():
        if path.startswith("customer"):
            field = path.split(".", 1)[1] if "." in path else ""
            path = f"provider.{PROVIDER_FIELDS.get(field, 'identification')}"
        fields.setdefault(path, []).extend(messages)
    return fields


def _created(checked: CheckedSupport, stored: StoredDocument, data: dict) -> Response[bytes]:
    message = created_message(checked, stored)
    return service.answer({"status": "Created", "message": message, "data": data}, 201)


async def show(ctx: AppContext, tenant: TenantView, kind: Kind, number: str) -> Response[bytes]:
    stored = await service.find_by_number(ctx, tenant, kind, number)
    if stored is None or support_of(stored) is None:
        return service.found_nothing(number)
    return service.answer(
        {"status": OK, "message": SUCCESS, "data": await render(ctx, tenant, stored)}
    )


def row(stored: StoredDocument, api_client_name: str) -> dict[str, Any]:
    """A list row (every Factus 05 and 95 is stored with its checked document)."""
    checked = support_of(stored)
    assert checked is not None and checked.provider is not None
    return list_row(stored, checked, checked.provider, api_client_name)


async def listing(
    ctx: AppContext, tenant: TenantView, kind: Kind, request: Request[Any, Any, Any]
) -> Response[bytes]:
    return await service.listing(ctx, tenant, kind, request, row=row)


async def delete(
    ctx: AppContext, tenant: TenantView, kind: Kind, reference: str
) -> Response[bytes]:
    stored = await service.find_by_reference(ctx, tenant, kind, reference)
    answer = await service.delete(ctx, tenant, kind, reference)
    checked = support_of(stored) if stored is not None else None
    if answer.status_code == 200 and checked is not None and checked.support_document_id:
        assert stored is not None
        await service.link_note(ctx, tenant, checked.support_document_id, stored, kind, add=False)
    return answer
