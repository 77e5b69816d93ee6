"""The web portal under ``/portal``: server-rendered Spanish pages (Jinja2 templates, a little
plain JavaScript, no build step) for tenants' users and the gateway's operator.

``portal_router()`` is mounted by ``core.web.app``; ``portal_templates()`` is the app's
template configuration. Errors under ``/portal`` are pages, not JSON: no session → the sign-in
page; a form without its CSRF token or a role's missing permission → 403; anything not the
user's tenant's (URL guessing included) → 404.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response, Router
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from core.errors import NotFound, PasarelaError, PermissionDenied
from core.web.portal.accounts import ACCOUNT_HANDLERS
from core.web.portal.company import COMPANY_HANDLERS
from core.web.portal.dian_setup import DIAN_HANDLERS
from core.web.portal.documents import DOCUMENT_HANDLERS
from core.web.portal.environment import ENVIRONMENT_HANDLERS
from core.web.portal.operator import OPERATOR_HANDLERS
from core.web.portal.session import LOGIN_PATH, CsrfRefused, SignInRequired, current_session
from core.web.portal.team import TEAM_HANDLERS

HERE = Path(__file__).parent
MAX_PORTAL_BODY = 2 * 1024 * 1024  # a certificate or a logo (each at most 1 MB) and its form


def portal_templates() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["fecha"] = _date_text
    environment.filters["miles"] = _thousands
    environment.filters["pesos"] = _money
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def portal_router() -> Router:
    return Router(
        path="/portal",
        route_handlers=[
            *ACCOUNT_HANDLERS,
            *COMPANY_HANDLERS,
            *DIAN_HANDLERS,
            *ENVIRONMENT_HANDLERS,
            *DOCUMENT_HANDLERS,
            *OPERATOR_HANDLERS,
            *TEAM_HANDLERS,
            create_static_files_router(path="/static", directories=[HERE / "static"]),
        ],
        dependencies={"session": Provide(current_session)},
        exception_handlers={
            SignInRequired: _to_sign_in,
            CsrfRefused: _error_page(403, "Formulario rechazado"),
            PermissionDenied: _error_page(403, "Sin permiso"),
            NotFound: _error_page(404, "No encontrado"),
            PasarelaError: _error_page(409, "No se pudo completar"),
        },
        request_max_body_size=MAX_PORTAL_BODY,
        include_in_schema=False,
    )


def _to_sign_in(_request: Request[Any, Any, Any], _error: Exception) -> Response[Any]:
    return Redirect(path=LOGIN_PATH, status_code=303)


def _error_page(status: int, title: str) -> Any:
    def render(_request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        message = str(error)
        if isinstance(error, PermissionDenied):
            message = f"esta acción requiere el rol «{error.permission}»"
        if isinstance(error, NotFound):
            message = "la página o el documento no existe"
        return Template(
            template_name="error.html",
            context={"title": title, "message": message, "status": status, "user": None},
            status_code=status,
        )

    return render


def _date_text(value: Any, with_time: bool = False) -> str:
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _thousands(value: Any) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def _money(value: Any) -> str:
    """Colombian style: 1.234.567,89."""
    if value is None:
        return "—"
    return f"{value:,.2f}".translate(str.maketrans(",.", ".,"))
