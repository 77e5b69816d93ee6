"""The only module plugin authors import.

    from core.api import hookimpl, Dialect, Environment, DocumentType, model, Problem

Follow-up work: register a ``JobKind`` through ``pasarela_register_jobs`` and store jobs with
``enqueue_job(connection, kind, payload)`` inside your own transaction (``ctx.database.run``)
or ``await ctx.jobs.enqueue(kind, payload)``.

Everything here is a stable contract; the rest of ``core`` may change between releases.
"""

from core import model
from core.contracts import (
    Dialect,
    DocumentType,
    Environment,
    JobContext,
    JobKind,
    JobOutcome,
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
from core.jobs import enqueue as enqueue_job
from core.model import Document, Problem, TenantView
from core.ubl.context import BuildContext
from core.ubl.documents import RootOptions, build_credit_note, build_debit_note, build_invoice

__all__ = [
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
    "JobContext",
    "JobKind",
    "JobOutcome",
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
    "enqueue_job",
    "hookimpl",
    "model",
]
