"""A tenant's own pages: home (quota and readiness), company profile, certificate, SMTP and
logo, API credentials, and the audit log. Each calls the same tenancy services the CLI does."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.clock import now_bogota
from core.demo import issue_for_dialect
from core.errors import NotFound, PasarelaError
from core.model import Address, Contact
from core.tenancy.readiness import tenant_readiness
from core.tenancy.smtp import SECURITY_MODES
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

MAX_UPLOAD = 1_048_576


@get("/")
async def home(request: Request[Any, Any, Any], session: PortalSession) -> Template | Redirect:
    if session.user.is_operator:
        return Redirect(path="/portal/operador", status_code=303)
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    tenant = await ctx.tenants.get_tenant(tenant_id)
    ranges = await ctx.ranges.list_ranges(tenant_id, tenant.environment)
    _, pending = await ctx.documents.documents.list(tenant_id, status="pendiente", per_page=1)
    _, total = await ctx.documents.documents.list(tenant_id, per_page=1)
    return await page(
        request,
        "inicio.html",
        session,
        quota=await ctx.quotas.quota_status(tenant_id, now_bogota()),
        ranges=ranges,
        pending=pending,
        total=total,
        today=now_bogota().date(),
        readiness=await tenant_readiness(ctx.tenants, ctx.ranges, tenant_id),
    )


@get("/empresa")
async def company_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    tenant_of(session)
    return await page(request, "empresa.html", session)


@post("/empresa", status_code=303)
async def update_company(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    ctx = ctx_of(request)
    party = (await ctx.tenants.get_tenant(tenant_id)).party
    address = party.address or Address()
    contact = party.contact or Contact()
    changed = msgspec.structs.replace(
        party,
        name=text_field(form, "name", limit=450) or party.name,
        trade_name=text_field(form, "trade_name", limit=450) or None,
        address=msgspec.structs.replace(address, line=text_field(form, "address") or None),
        contact=msgspec.structs.replace(
            contact,
            email=text_field(form, "email", limit=320) or None,
            telephone=text_field(form, "telephone", limit=50) or None,
        ),
    )
    try:
        await ctx.tenants.update_tenant(tenant_id, party=changed)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", "/portal/empresa")
    return await done(request, session, "Datos de la empresa guardados.", "/portal/empresa")


@get("/certificado")
async def certificate_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    tenant_of(session)
    return await page(request, "certificado.html", session, now=now_bogota())


@post("/certificado", status_code=303)
async def upload_certificate(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    upload = form.get("pkcs12")
    password = form.get("password")
    if not isinstance(upload, UploadFile) or not isinstance(password, str):
        return await done(
            request, session, "Error: elija el archivo .p12/.pfx", "/portal/certificado"
        )
    content = await upload.read(MAX_UPLOAD + 1)
    try:
        info = await ctx_of(request).certificates.attach_certificate(tenant_id, content, password)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", "/portal/certificado")
    message = f"Certificado cargado: {info.subject}, vence el {info.not_after:%Y-%m-%d}."
    return await done(request, session, message, "/portal/certificado")


@get("/correo")
async def mail_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    return await page(
        request,
        "correo.html",
        session,
        smtp=await ctx.smtp.view(tenant_id),
        security_modes=SECURITY_MODES,
        has_logo=await ctx.tenants.logo(tenant_id) is not None,
    )


@post("/correo", status_code=303)
async def configure_mail(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    ctx = ctx_of(request)
    current = await ctx.smtp.settings(tenant_id)
    password = str(form.get("password") or "") or (current.password if current else None)
    try:
        port = int(text_field(form, "port") or "0")
        await ctx.smtp.configure(
            tenant_id,
            host=text_field(form, "host"),
            port=port,
            security=text_field(form, "security"),
            user=text_field(form, "user") or None,
            password=password,
            from_address=text_field(form, "from_address", limit=320),
            deliver_by_default=form.get("deliver_by_default") == "1",
        )
    except ValueError:
        return await done(request, session, "Error: el puerto debe ser un número", "/portal/correo")
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", "/portal/correo")
    return await done(request, session, "Servidor de correo guardado.", "/portal/correo")


@post("/logo", status_code=303)
async def upload_logo(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    upload = form.get("logo")
    if not isinstance(upload, UploadFile):
        return await done(request, session, "Error: elija una imagen PNG o JPEG", "/portal/correo")
    try:
        await ctx_of(request).tenants.set_logo(tenant_id, await upload.read(MAX_UPLOAD + 1))
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", "/portal/correo")
    return await done(request, session, "Logo guardado.", "/portal/correo")


@get("/logo")
async def logo(request: Request[Any, Any, Any], session: PortalSession) -> Response[bytes]:
    image = await ctx_of(request).tenants.logo(tenant_of(session))
    if image is None:
        raise NotFound("la empresa no tiene logo")
    media_type = "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"
    return Response(image, media_type=media_type, headers={"cache-control": "no-store"})


@get("/credenciales")
async def credentials_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    return await _credentials(request, session)


@post("/credenciales", status_code=200)
async def generate_credential(
    request: Request[Any, Any, Any], session: PortalSession
) -> Template | Redirect:
    """Issue a credential for the chosen dialect exactly as ``pasarela credentials create``
    does, and show its token (and the dialect's other values) this once."""
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    ctx = ctx_of(request)
    try:
        dialect = ctx.registry.dialects.get(text_field(form, "dialect", limit=40))
    except NotFound:
        return await done(request, session, "Error: elija un dialecto", "/portal/credenciales")
    label = text_field(form, "label", limit=200) or None
    issued = await issue_for_dialect(ctx, tenant_id, dialect, label)
    return await _credentials(request, session, issued=issued, issued_dialect=dialect)


@post("/credenciales/{credential_id:int}/revocar", status_code=303)
async def revoke_credential(
    request: Request[Any, Any, Any], session: PortalSession, credential_id: FromPath[int]
) -> Redirect:
    tenant_id = require_admin(session)
    await portal_form(request, session)
    await ctx_of(request).credentials.revoke_credential(credential_id, tenant_id=tenant_id)
    return await done(
        request, session, f"Credencial {credential_id} revocada.", "/portal/credenciales"
    )


async def _credentials(
    request: Request[Any, Any, Any], session: PortalSession, **context: Any
) -> Template:
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    dialects = sorted(ctx.registry.dialects, key=lambda d: d.id)
    return await page(
        request,
        "credenciales.html",
        session,
        dialects=dialects,
        titles={d.id: d.title for d in dialects},
        credentials=await ctx.credentials.list_credentials(tenant_id),
        **context,
    )


@get("/auditoria")
async def audit_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    return await page(
        request,
        "auditoria.html",
        session,
        entries=await ctx.audit.entries(tenant_id, limit=200),
        quota=await ctx.quotas.quota_status(tenant_id, now_bogota()),
    )


COMPANY_HANDLERS = [
    home,
    company_page,
    update_company,
    certificate_page,
    upload_certificate,
    mail_page,
    configure_mail,
    upload_logo,
    logo,
    credentials_page,
    generate_credential,
    revoke_credential,
    audit_page,
]
