"""The DIAN configuration page: the environment, the software of each channel (id, PIN,
test-set id), the numbering ranges (add, retire, import from DIAN with GetNumberingRange)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from core.dialects.fields import parse_iso_date
from core.dian.queries import numbering_ranges_at_dian
from core.dian.responses import NumberRangeResponse
from core.errors import ConfigurationError, PasarelaError
from core.web.portal.session import (
    PortalSession,
    ctx_of,
    done,
    page,
    portal_form,
    require_admin,
    tenant_of,
    text_field,
)

DIAN_PAGE = "/portal/dian"


@get("/dian")
async def dian_page(
    request: Request[Any, Any, Any], session: PortalSession, consultar: FromQuery[str | None] = None
) -> Template:
    """With ``?consultar=<channel>``, DIAN's ranges for that channel's software are asked
    (GetNumberingRange) and listed for import."""
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    kinds = sorted(ctx.registry.document_types, key=lambda k: k.code)
    channels = sorted({k.software_channel for k in kinds})
    at_dian = None
    dian_error = None
    if consultar and consultar in channels:
        try:
            view = await ctx.tenants.tenant_view(tenant_id)
            at_dian = await numbering_ranges_at_dian(ctx.documents, view, consultar)
        except PasarelaError as problem:
            dian_error = str(problem)
    return await page(
        request,
        "dian.html",
        session,
        channels=channels,
        range_types=sorted(ctx.ranges.range_types),
        kinds_by_type={k.range_type: k.title for k in kinds},
        ranges=await ctx.ranges.list_ranges(tenant_id, retired=True),
        environments=sorted(ctx.registry.environments, key=lambda e: e.id),
        at_dian=at_dian,
        at_dian_channel=consultar,
        dian_error=dian_error,
    )


@post("/dian/software", status_code=303)
async def set_software(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    pin = str(form.get("pin") or "").strip() or None
    try:
        await ctx_of(request).tenants.update_tenant(
            tenant_id,
            channel=text_field(form, "channel", limit=60),
            software_id=text_field(form, "software_id", limit=100) or None,
            software_pin=pin,
            test_set_id=text_field(form, "test_set_id", limit=100) or None,
        )
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", DIAN_PAGE)
    return await done(request, session, "Software guardado.", DIAN_PAGE)


@post("/dian/rangos", status_code=303)
async def add_range(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    try:
        await ctx_of(request).ranges.add_resolution(
            tenant_id,
            document_type=text_field(form, "document_type", limit=4),
            resolution_number=_required(
                text_field(form, "resolution_number", limit=40), "número de resolución"
            ),
            resolution_date=_date(
                text_field(form, "resolution_date"), "fecha de resolución", optional=True
            ),
            prefix=text_field(form, "prefix", limit=10),
            from_number=_number(text_field(form, "from_number"), "desde"),
            to_number=_number(text_field(form, "to_number"), "hasta"),
            valid_from=_date(text_field(form, "valid_from"), "vigente desde"),
            valid_to=_date(text_field(form, "valid_to"), "vigente hasta"),
            technical_key=text_field(form, "technical_key", limit=128) or None,
        )
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", DIAN_PAGE)
    return await done(request, session, "Resolución agregada.", DIAN_PAGE)


@post("/dian/rangos/importar", status_code=303)
async def import_range(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    """Add the range DIAN holds for a resolution and prefix, with DIAN's own terms and
    technical key (asked again here: nothing the browser sends is taken for them)."""
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    ctx = ctx_of(request)
    channel = text_field(form, "channel", limit=60)
    resolution = text_field(form, "resolution_number", limit=40)
    prefix = text_field(form, "prefix", limit=10)
    try:
        view = await ctx.tenants.tenant_view(tenant_id)
        answer = await numbering_ranges_at_dian(ctx.documents, view, channel)
        found = next(
            (
                r
                for r in answer.ranges
                if (r.resolution_number or "") == resolution and (r.prefix or "") == prefix
            ),
            None,
        )
        if answer.operation_code != "100" or found is None:
            raise ConfigurationError(
                f"la DIAN no tiene la resolución {resolution} con prefijo {prefix or '(ninguno)'}"
            )
        await _add_from_dian(request, tenant_id, text_field(form, "document_type", limit=4), found)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", DIAN_PAGE)
    return await done(request, session, f"Resolución {resolution} importada de la DIAN.", DIAN_PAGE)


@post("/dian/rangos/{range_id:int}/retirar", status_code=303)
async def retire_range(
    request: Request[Any, Any, Any], session: PortalSession, range_id: FromPath[int]
) -> Redirect:
    tenant_id = require_admin(session)
    await portal_form(request, session)
    await ctx_of(request).ranges.retire_range(tenant_id, range_id)  # NotFound: another's
    return await done(request, session, f"Rango {range_id} retirado.", DIAN_PAGE)


async def _add_from_dian(
    request: Request[Any, Any, Any], tenant_id: int, document_type: str, found: NumberRangeResponse
) -> None:
    valid_from = parse_iso_date(found.valid_date_from or "")
    valid_to = parse_iso_date(found.valid_date_to or "")
    if (
        valid_from is None
        or valid_to is None
        or found.from_number is None
        or found.to_number is None
    ):
        raise ConfigurationError("la DIAN respondió un rango incompleto")
    await ctx_of(request).ranges.add_resolution(
        tenant_id,
        document_type=document_type,
        resolution_number=found.resolution_number or "",
        resolution_date=parse_iso_date(found.resolution_date or ""),
        prefix=found.prefix or "",
        from_number=found.from_number,
        to_number=found.to_number,
        valid_from=valid_from,
        valid_to=valid_to,
        technical_key=found.technical_key or None,
    )


def _required(value: str, label: str) -> str:
    if not value:
        raise ConfigurationError(f"indique el {label}")
    return value


def _number(value: str, label: str) -> int:
    if not value.isdigit():
        raise ConfigurationError(f"«{label}» debe ser un número entero")
    return int(value)


def _date(value: str, label: str, *, optional: bool = False) -> Any:
    if not value and optional:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(f"«{label}» debe ser una fecha (AAAA-MM-DD)") from None


DIAN_HANDLERS = [dian_page, set_software, add_range, import_range, retire_range]
