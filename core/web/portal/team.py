"""A company's portal users, managed by its administrators: list, add, deactivate."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.errors import ConfigurationError, NotFound, PasarelaError
from core.tenancy.users import TENANT_ROLES
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

USERS_PAGE = "/portal/usuarios"


@get("/usuarios")
async def users_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    tenant_id = tenant_of(session)
    return await page(
        request,
        "usuarios.html",
        session,
        users=await ctx_of(request).users.list_users(tenant_id),
        roles=TENANT_ROLES,
    )


@post("/usuarios", status_code=303)
async def add_user(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    form = await portal_form(request, session)
    email = text_field(form, "email", limit=320)
    try:
        await ctx_of(request).users.create_user(
            email=email,
            password=str(form.get("password") or ""),
            tenant=tenant_id,
            role=text_field(form, "role", limit=20),
        )
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", USERS_PAGE)
    return await done(request, session, f"Usuario {email} creado.", USERS_PAGE)


@post("/usuarios/{user_id:int}/desactivar", status_code=303)
async def deactivate_user(
    request: Request[Any, Any, Any], session: PortalSession, user_id: FromPath[int]
) -> Redirect:
    tenant_id = require_admin(session)
    await portal_form(request, session)
    users = ctx_of(request).users
    target = await users.get_user(user_id)
    if target.tenant_id != tenant_id:
        raise NotFound(f"el usuario {user_id} no existe")
    if target.id == session.user.id:
        raise ConfigurationError("no puede desactivar su propio usuario")
    await users.set_active(user_id, False)
    return await done(request, session, f"Usuario {target.email} desactivado.", USERS_PAGE)


TEAM_HANDLERS = [users_page, add_user, deactivate_user]
