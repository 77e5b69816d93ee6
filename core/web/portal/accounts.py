"""Sign-in, sign-out, password change and password reset pages."""

from __future__ import annotations

import logging
from typing import Any

import aiosmtplib
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.delivery.emails import send_message
from core.delivery.message import password_reset
from core.errors import AuthenticationFailed, ConfigurationError, LoginThrottled
from core.web.audit import mark_authenticated
from core.web.portal.session import (
    PORTAL_DIALECT,
    SESSION_COOKIE,
    PortalSession,
    ctx_of,
    page,
    portal_form,
    signed_in,
    signed_out,
    text_field,
)

log = logging.getLogger(__name__)


def home_of(session_user: Any) -> str:
    return "/portal/operador" if session_user.is_operator else "/portal"


@get("/login", name="portal-login")
async def login_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    found = await ctx_of(request).portal_sessions.find(request.cookies.get(SESSION_COOKIE))
    if found is not None:
        return Redirect(path=home_of(found.user), status_code=303)
    return await page(request, "login.html", None)


@post("/login", status_code=303)
async def login(request: Request[Any, Any, Any]) -> Template | Redirect:
    form = await portal_form(request)
    email = text_field(form, "email", limit=320)
    password = form.get("password") if isinstance(form.get("password"), str) else ""
    ctx = ctx_of(request)
    address = request.client.host if request.client else None
    try:
        user = await ctx.users.authenticate(email, str(password), address)
    except LoginThrottled as throttled:
        return await page(
            request, "login.html", None, status_code=429, error=str(throttled), email=email
        )
    except AuthenticationFailed as failed:
        return await page(
            request, "login.html", None, status_code=401, error=str(failed), email=email
        )
    mark_authenticated(
        request,
        tenant_id=user.tenant_id,
        credential_id=None,
        dialect=PORTAL_DIALECT,
        user_id=user.id,
    )
    token = await ctx.portal_sessions.open(user.id)
    return signed_in(request, token, home_of(user))


@post("/salir", status_code=303)
async def logout(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    await portal_form(request, session)
    await ctx_of(request).portal_sessions.close(session.token_hash)
    return signed_out()


@get("/clave")
async def password_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    return await page(request, "clave.html", session)


@post("/clave", status_code=303)
async def change_password(
    request: Request[Any, Any, Any], session: PortalSession
) -> Template | Redirect:
    form = await portal_form(request, session)
    new = str(form.get("new_password") or "")
    if new != str(form.get("confirm_password") or ""):
        return await page(
            request, "clave.html", session, status_code=400, error="las contraseñas no coinciden"
        )
    ctx = ctx_of(request)
    try:
        await ctx.users.change_password(session.user.id, str(form.get("password") or ""), new)
    except (AuthenticationFailed, ConfigurationError) as problem:
        return await page(request, "clave.html", session, status_code=400, error=str(problem))
    # every session ended with the change: this browser signs in again with the new password
    return signed_out(to="/portal/login?clave=cambiada")


@get("/olvide")
async def forgot_page(request: Request[Any, Any, Any]) -> Template:
    return await page(request, "olvide.html", None)


@post("/olvide", status_code=200)
async def forgot_password(request: Request[Any, Any, Any]) -> Template:
    """E-mail a one-time reset link through the user's company SMTP server. The answer is
    the same whether or not the address has an account (no account probing)."""
    form = await portal_form(request)
    email = text_field(form, "email", limit=320)
    ctx = ctx_of(request)
    try:
        issued = await ctx.users.issue_reset_token(email)
    except LoginThrottled:
        issued = None
    if issued is not None and issued[0].tenant_id is not None:
        user, token = issued
        smtp = await ctx.smtp.settings(user.tenant_id)
        if smtp is not None:
            tenant = await ctx.tenants.get_tenant(user.tenant_id)
            link = f"{ctx.settings.public_url.rstrip('/')}/portal/restablecer/{token}"
            message = password_reset(
                sender=smtp.view.from_address, recipient=user.email, company=tenant.name, link=link
            )
            try:
                await send_message(message, smtp)
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                log.warning("password reset e-mail failed", extra={"tenant_id": user.tenant_id})
    return await page(request, "olvide.html", None, sent=True)


@get("/restablecer/{token:str}")
async def reset_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    return await page(request, "restablecer.html", None, token=token)


@post("/restablecer/{token:str}", status_code=303)
async def reset_password(
    request: Request[Any, Any, Any], token: FromPath[str]
) -> Template | Redirect:
    form = await portal_form(request)
    new = str(form.get("new_password") or "")
    if new != str(form.get("confirm_password") or ""):
        return await page(
            request,
            "restablecer.html",
            None,
            status_code=400,
            token=token,
            error="las contraseñas no coinciden",
        )
    try:
        await ctx_of(request).users.reset_password(token, new)
    except (AuthenticationFailed, ConfigurationError) as problem:
        return await page(
            request, "restablecer.html", None, status_code=400, token=token, error=str(problem)
        )
    return signed_out(to="/portal/login?clave=cambiada")


ACCOUNT_HANDLERS = [
    login_page,
    login,
    logout,
    password_page,
    change_password,
    forgot_page,
    forgot_password,
    reset_page,
    reset_password,
]
