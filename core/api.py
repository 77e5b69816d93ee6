"""The only module plugin authors import.

    from core.api import hookimpl, Dialect, Environment, DocumentType, model, Problem

Everything here is a stable contract; the rest of ``core`` may change between releases.
"""

from core import model
from core.contracts import Dialect, DocumentType, Environment, Provisioning, UniqueCode
from core.errors import (
    AuthenticationFailed,
    ConfigurationError,
    DianUnavailable,
    NotFound,
    NumberingExhausted,
    PasarelaError,
    PermissionDenied,
    QuotaExceeded,
    ValidationFailed,
)
from core.hookspecs import hookimpl
from core.model import Document, Problem, TenantView

__all__ = [
    "AuthenticationFailed",
    "ConfigurationError",
    "Dialect",
    "DianUnavailable",
    "Document",
    "DocumentType",
    "Environment",
    "NotFound",
    "NumberingExhausted",
    "PasarelaError",
    "PermissionDenied",
    "Problem",
    "Provisioning",
    "QuotaExceeded",
    "TenantView",
    "UniqueCode",
    "ValidationFailed",
    "hookimpl",
    "model",
]
