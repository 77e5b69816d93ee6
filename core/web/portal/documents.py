"""The tenant's documents: list with filters, detail with DIAN's messages and the e-mail
delivery, downloads (signed XML, PDF, AttachedDocument), ``consultar`` DIAN again and send
the e-mail again. Every read is scoped to the signed-in user's tenant: another tenant's
document is a 404, like a missing one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from core.errors import PasarelaError
from core.model import DocumentStatus
from core.web.portal.session import (
    PortalSession,
    ctx_of,
    done,
    download,
    page,
    portal_form,
    tenant_of,
    text_field,
)

PER_PAGE = 25


@get("/documentos")
async def documents_page(
    request: Request[Any, Any, Any],
    session: PortalSession,
    estado: FromQuery[str | None] = None,
    tipo: FromQuery[str | None] = None,
    desde: FromQuery[str | None] = None,
    hasta: FromQuery[str | None] = None,
    numero: FromQuery[str | None] = None,
    comprador: FromQuery[str | None] = None,
    pagina: FromQuery[int] = 1,
) -> Template:
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    filters: dict[str, Any] = {}
    if estado in {s.value for s in DocumentStatus}:
        filters["status"] = estado
    if tipo:
        filters["type_code"] = tipo.strip()[:4]
    filters["date_from"] = _day(desde)
    filters["date_to"] = _day(hasta)
    if numero and numero.strip():
        filters["full_number"] = numero.strip().upper()[:40]
    buyer = (comprador or "").strip()[:100]
    if buyer.isdigit():
        filters["customer_id"] = buyer
    elif buyer:
        filters["customer_name_contains"] = buyer
    records, total = await ctx.documents.documents.list(
        tenant_id, page=max(1, pagina), per_page=PER_PAGE, **filters
    )
    kinds = sorted(ctx.registry.document_types, key=lambda k: k.code)
    return await page(
        request,
        "documentos.html",
        session,
        documents=records,
        total=total,
        page_number=max(1, pagina),
        pages=max(1, -(-total // PER_PAGE)),
        statuses=[s.value for s in DocumentStatus],
        kinds=kinds,
        titles={k.code: k.title for k in kinds},
        query={
            "estado": estado or "",
            "tipo": tipo or "",
            "desde": desde or "",
            "hasta": hasta or "",
            "numero": numero or "",
            "comprador": comprador or "",
        },
    )


@get("/documentos/{uuid:str}")
async def document_page(
    request: Request[Any, Any, Any], session: PortalSession, uuid: FromPath[str]
) -> Template:
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    stored = await ctx.documents.documents.get(tenant_id, uuid)  # NotFound: 404
    kind = next((k for k in ctx.registry.document_types if k.code == stored.type_code), None)
    return await page(
        request,
        "documento.html",
        session,
        document=stored,
        kind_title=kind.title if kind else stored.type_code,
        delivery=await ctx.deliveries.status(tenant_id, uuid),
    )


@get("/documentos/{uuid:str}/xml")
async def document_xml(
    request: Request[Any, Any, Any], session: PortalSession, uuid: FromPath[str]
) -> Response[bytes]:
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    stored = await ctx.documents.documents.get(tenant_id, uuid)
    xml = await ctx.documents.signed_xml(tenant_id, uuid)
    return download(f"{stored.full_number}.xml", xml, "application/xml")


@get("/documentos/{uuid:str}/pdf")
async def document_pdf(
    request: Request[Any, Any, Any], session: PortalSession, uuid: FromPath[str]
) -> Response[bytes]:
    name, content = await ctx_of(request).pdfs.pdf(tenant_of(session), uuid)
    return download(name, content, "application/pdf")


@get("/documentos/{uuid:str}/attached")
async def document_attached(
    request: Request[Any, Any, Any], session: PortalSession, uuid: FromPath[str]
) -> Response[bytes]:
    name, content = await ctx_of(request).attachments.attached_document(tenant_of(session), uuid)
    return download(name, content, "application/xml")


@post("/documentos/{uuid:str}/consultar", status_code=303)
async def refresh_document(
    request: Request[Any, Any, Any], session: PortalSession, uuid: FromPath[str]
) -> Redirect:
    tenant_id = tenant_of(session)
    await portal_form(request, session)
    back = f"/portal/documentos/{uuid}"
    ctx = ctx_of(request)
    await ctx.documents.documents.get(tenant_id, uuid)  # NotFound (404) for another's
    try:
        record, _ = await ctx.documents.refresh(tenant_id, uuid)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", back)
    return await done(request, session, f"Consultado en la DIAN: {record.status}.", back)


@post("/documentos/{uuid:str}/reenviar", status_code=303)
async def resend_email(
    request: Request[Any, Any, Any], session: PortalSession, uuid: FromPath[str]
) -> Redirect:
    tenant_id = tenant_of(session)
    form = await portal_form(request, session)
    back = f"/portal/documentos/{uuid}"
    address = text_field(form, "email", limit=320) or None
    ctx = ctx_of(request)
    await ctx.documents.documents.get(tenant_id, uuid)  # NotFound (404) for another's
    try:
        await ctx.deliveries.send_to(tenant_id, uuid, address)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", back)
    return await done(request, session, "El correo se enviará de nuevo en unos segundos.", back)


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


DOCUMENT_HANDLERS = [
    documents_page,
    document_page,
    document_xml,
    document_pdf,
    document_attached,
    refresh_document,
    resend_email,
]
