"""The web shell: composition root, application context, admin routes, audit, error handlers."""

from core.web.app import PasarelaPlugin, create_app
from core.web.audit import AuditSubject, mark_authenticated
from core.web.context import AppContext, InjectedContext

__all__ = [
    "AppContext",
    "InjectedContext",
    "AuditSubject",
    "PasarelaPlugin",
    "create_app",
    "mark_authenticated",
]
