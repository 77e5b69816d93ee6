"""Who is signed in to the portal, and the checks every portal request goes through.

The session cookie (``SESSION_COOKIE``) is HttpOnly, SameSite=Lax, and Secure when the
gateway's public URL is https (behind TLS). Every form carries a CSRF token: the session's
own once signed in, before that (the sign-in and reset forms) a random value also set in a
cookie of its own (double submit). ``portal_form`` reads a form and refuses it (403) without
the right token; ``current_session`` (the ``session`` dependency) turns a request without a
live session into a redirect to the sign-in page and marks the request for the audit log.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any, Final

from litestar import Request, Response
from litestar.datastructures import Cookie, FormMultiDict
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from core.context import AppContext
from core.errors import PasarelaError, PermissionDenied
from core.tenancy.sessions import OpenSession
from core.web.audit import mark_authenticated

SESSION_COOKIE: Final = "pasarela_portal"
CSRF_COOKIE: Final = "pasarela_portal_csrf"
CSRF_FIELD: Final = "csrf_token"
LOGIN_PATH: Final = "/portal/login"
PORTAL_DIALECT: Final = "portal"  # how portal requests are labelled in the audit log


PortalSession = NamedDependency[OpenSession]
"""Annotate a handler parameter named ``session`` with this: the signed-in user's session."""


class SignInRequired(PasarelaError):
    """No live session: the portal answers with a redirect to the sign-in page."""


class CsrfRefused(PasarelaError):
    """A form without this session's CSRF token (403)."""

    def __init__(self) -> None:
        super().__init__(
            "el formulario venció o no proviene del portal: recargue la página e intente de nuevo"
        )


def ctx_of(request: Request[Any, Any, Any]) -> AppContext:
    return request.app.state.ctx


def secure_cookies(request: Request[Any, Any, Any]) -> bool:
    return ctx_of(request).settings.public_url.startswith("https://")


async def current_session(request: Request[Any, Any, Any]) -> OpenSession:
    """The ``session`` dependency of every page but the sign-in ones."""
    session = await ctx_of(request).portal_sessions.find(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise SignInRequired("inicie sesión")
    mark_authenticated(
        request,
        tenant_id=session.user.tenant_id,
        credential_id=None,
        dialect=PORTAL_DIALECT,
        user_id=session.user.id,
    )
    return session


def tenant_of(session: OpenSession) -> int:
    """The tenant whose pages these are; the operator has none (403: its pages are others)."""
    if session.user.tenant_id is None:
        raise PermissionDenied("usuario de empresa")
    return session.user.tenant_id


def require_admin(session: OpenSession) -> int:
    """The tenant of an ``administrador`` (set-up changes); 403 for an ``operador``."""
    tenant_id = tenant_of(session)
    if not session.user.is_admin:
        raise PermissionDenied("administrador")
    return tenant_id


def require_operator(session: OpenSession) -> None:
    if not session.user.is_operator:
        raise PermissionDenied("operador de la pasarela")


async def portal_form(
    request: Request[Any, Any, Any], session: OpenSession | None = None
) -> FormMultiDict:
    """The submitted form, once its CSRF token matches (``CsrfRefused`` otherwise)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = session.csrf_token if session else request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfRefused()
    return form


def text_field(form: FormMultiDict, name: str, *, limit: int = 500) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


async def page(
    request: Request[Any, Any, Any],
    template: str,
    session: OpenSession | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A rendered page: the template's context gets the user, the CSRF token and the
    message the previous action left (shown once)."""
    ctx = ctx_of(request)
    cookies: list[Cookie] = []
    if session is None:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        cookies.append(_cookie(request, CSRF_COOKIE, token, path="/portal"))
        flash = None
    else:
        token = session.csrf_token
        flash = await ctx.portal_sessions.pop_flash(session.token_hash)
    tenant = None
    if session is not None and session.user.tenant_id is not None:
        tenant = await ctx.tenants.get_tenant(session.user.tenant_id)
    return Template(
        template_name=template,
        context={
            "user": session.user if session else None,
            "tenant": tenant,
            "csrf_token": token,
            "flash": context.pop("flash", None) or flash,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
        cookies=cookies,
        headers=_NO_STORE,
    )


async def done(
    request: Request[Any, Any, Any], session: OpenSession, message: str, to: str
) -> Redirect:
    """After an action: remember its message for the next page and go there (303)."""
    await ctx_of(request).portal_sessions.set_flash(session.token_hash, message)
    return Redirect(path=to, status_code=303)


def signed_in(request: Request[Any, Any, Any], token: str, to: str) -> Redirect:
    redirect = Redirect(path=to, status_code=303)
    redirect.cookies.append(_cookie(request, SESSION_COOKIE, token, path="/portal"))
    return redirect


def signed_out(to: str = LOGIN_PATH) -> Redirect:
    redirect = Redirect(path=to, status_code=303)
    redirect.cookies.append(Cookie(key=SESSION_COOKIE, value="", path="/portal", max_age=0))
    return redirect


def download(name: str, content: bytes, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"', **_NO_STORE},
    )


def _cookie(request: Request[Any, Any, Any], key: str, value: str, *, path: str) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        path=path,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )


_NO_STORE: Final = {"cache-control": "no-store"}
