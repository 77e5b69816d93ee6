"""The gateway operator's pages: every tenant's readiness (certificate and resolution expiry,
pending documents, the job queue), creating and suspending tenants, permissions and quotas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.clock import now_bogota
from core.errors import ConfigurationError, PasarelaError
from core.tenancy.readiness import Readiness, assess
from core.validation.nit import check_digit
from core.web.portal.session import (
    PortalSession,
    ctx_of,
    done,
    page,
    portal_form,
    require_operator,
    text_field,
)

OPERATOR_PAGE = "/portal/operador"


class TenantRow(msgspec.Struct, frozen=True, kw_only=True):
    """One tenant as the operator's table shows it."""

    id: int
    nit: str
    name: str
    status: str
    readiness: Readiness  # certificate and resolutions' days and numbers left, what blocks
    range_expires: dt.date | None  # the earliest end among the live ranges
    pending: int
    monthly_used: int
    monthly_limit: int | None


@get("/operador")
async def operator_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    require_operator(session)
    ctx = ctx_of(request)
    now = now_bogota()
    rows = []
    for tenant in await ctx.tenants.list_tenants():
        ranges = await ctx.ranges.list_ranges(tenant.id, tenant.environment)
        _, pending = await ctx.documents.documents.list(tenant.id, status="pendiente", per_page=1)
        quota = await ctx.quotas.quota_status(tenant.id, now)
        readiness = assess(tenant, ranges, now.date())
        rows.append(
            TenantRow(
                id=tenant.id,
                nit=tenant.nit,
                name=tenant.name,
                status=tenant.status,
                readiness=readiness,
                range_expires=min((r.valid_to for r in readiness.ranges), default=None),
                pending=pending,
                monthly_used=quota.monthly_used,
                monthly_limit=quota.monthly_limit,
            )
        )
    return await page(
        request,
        "operador.html",
        session,
        tenants=rows,
        jobs=await ctx.jobs.counts(),
        environments=sorted(ctx.registry.environments, key=lambda e: e.id),
        now=now,
    )


@post("/operador/empresas", status_code=303)
async def create_tenant(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    """A new company, and its first administrator when an e-mail is given."""
    require_operator(session)
    form = await portal_form(request, session)
    ctx = ctx_of(request)
    nit = text_field(form, "nit", limit=20)
    email = text_field(form, "admin_email", limit=320)
    try:
        if not nit.isdigit():
            raise ConfigurationError("el NIT debe tener solo dígitos, sin dígito de verificación")
        tenant = await ctx.tenants.create_tenant(
            nit=nit,
            dv=check_digit(nit),
            name=text_field(form, "name", limit=450),
            environment=text_field(form, "environment", limit=40) or "habilitacion",
        )
        if email:
            await ctx.users.create_user(
                email=email,
                password=str(form.get("admin_password") or ""),
                tenant=tenant.id,
                role="administrador",
            )
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", OPERATOR_PAGE)
    return await done(request, session, f"Empresa {tenant.nit} creada.", OPERATOR_PAGE)


@get("/operador/empresas/{tenant_id:int}")
async def tenant_page(
    request: Request[Any, Any, Any], session: PortalSession, tenant_id: FromPath[int]
) -> Template:
    require_operator(session)
    ctx = ctx_of(request)
    return await page(
        request,
        "operador_empresa.html",
        session,
        company=await ctx.tenants.get_tenant(tenant_id),
        permissions=sorted(ctx.tenants.permissions),
        users=await ctx.users.list_users(tenant_id),
    )


@post("/operador/empresas/{tenant_id:int}", status_code=303)
async def update_tenant(
    request: Request[Any, Any, Any], session: PortalSession, tenant_id: FromPath[int]
) -> Redirect:
    """Permissions (checked boxes are granted, the others revoked), quotas and status."""
    require_operator(session)
    form = await portal_form(request, session)
    ctx = ctx_of(request)
    granted = set(form.getall("permissions")) if "permissions" in form else set()
    back = f"/portal/operador/empresas/{tenant_id}"
    try:
        status = text_field(form, "status", limit=20)
        if status not in ("activo", "inactivo"):
            raise ConfigurationError("estado desconocido")
        await ctx.tenants.update_tenant(
            tenant_id,
            permissions={p: p in granted for p in ctx.tenants.permissions},
            monthly_limit=_limit(text_field(form, "monthly_limit")),
            yearly_limit=_limit(text_field(form, "yearly_limit")),
            status=status,
        )
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", back)
    return await done(request, session, "Empresa actualizada.", back)


def _limit(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ConfigurationError("un límite de documentos es un número entero (vacío: sin límite)")
    return int(text)


OPERATOR_HANDLERS = [operator_page, create_tenant, tenant_page, update_tenant]
