"""The web shell: the Litestar app over ``core.context.AppContext``, admin routes, audit, error
handlers."""

from core.web.app import PasarelaPlugin, create_app
from core.web.audit import AuditSubject, mark_authenticated
from core.web.context import InjectedContext

__all__ = [
    "InjectedContext",
    "AuditSubject",
    "PasarelaPlugin",
    "create_app",
    "mark_authenticated",
]
