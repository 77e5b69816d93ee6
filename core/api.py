"""The only module plugin authors import.

    from core.api import hookimpl, Dialect, Environment, DocumentType, model, Problem

Everything here is a stable contract; the rest of ``core`` may change between releases.
"""

from core import model
from core.contracts import (
    CHANNEL_EQUIVALENT,
    CHANNEL_INVOICES,
    CHANNEL_SUPPORT,
    DemoRange,
    Dialect,
    DocumentType,
    Environment,
    Provisioning,
    UniqueCode,
)
from core.errors import (
    AuthenticationFailed,
    CertificateError,
    ConfigurationError,
    DianUnavailable,
    DuplicateDocument,
    NotFound,
    NumberingExhausted,
    PasarelaError,
    PermissionDenied,
    QuotaExceeded,
    SignatureInvalid,
    ValidationFailed,
    WsSecurityError,
)
from core.hookspecs import hookimpl
from core.model import Document, Problem, TenantView
from core.tenancy.credentials import Authenticated, TokenScheme
from core.ubl.context import BuildContext
from core.ubl.documents import RootOptions, build_credit_note, build_debit_note, build_invoice
from core.web.auth import BearerAuth, bearer_token

__all__ = [
    "Authenticated",
    "BearerAuth",
    "TokenScheme",
    "bearer_token",
    "CHANNEL_EQUIVALENT",
    "CHANNEL_INVOICES",
    "CHANNEL_SUPPORT",
    "DemoRange",
    "BuildContext",
    "RootOptions",
    "build_credit_note",
    "build_debit_note",
    "build_invoice",
    "AuthenticationFailed",
    "CertificateError",
    "ConfigurationError",
    "Dialect",
    "DianUnavailable",
    "Document",
    "DuplicateDocument",
    "DocumentType",
    "Environment",
    "NotFound",
    "NumberingExhausted",
    "PasarelaError",
    "PermissionDenied",
    "Problem",
    "Provisioning",
    "QuotaExceeded",
    "SignatureInvalid",
    "TenantView",
    "UniqueCode",
    "ValidationFailed",
    "WsSecurityError",
    "hookimpl",
    "model",
]
