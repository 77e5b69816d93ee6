"""The only module plugin authors import.

    from core.api import hookimpl, Dialect, Environment, DocumentType, model, Problem

Everything here is a stable contract; the rest of ``core`` may change between releases.
"""

from core import model
from core.contracts import (
    BenchRequest,
    BenchScenario,
    Command,
    Dialect,
    DocumentType,
    Environment,
    MigrationTree,
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
from core.model import Document, DocumentRecord, Problem, TenantView
from core.model.status import FINAL_STATUSES, DocumentStatus
from core.ubl.context import BuildContext
from core.ubl.documents import RootOptions, build_credit_note, build_debit_note, build_invoice
from core.xml_parsing import UnsafeXml, parse_xml

__all__ = [
    "BuildContext",
    "RootOptions",
    "build_credit_note",
    "build_debit_note",
    "build_invoice",
    "AuthenticationFailed",
    "BenchRequest",
    "BenchScenario",
    "CertificateError",
    "Command",
    "ConfigurationError",
    "Dialect",
    "DianUnavailable",
    "Document",
    "DocumentRecord",
    "DocumentStatus",
    "DuplicateDocument",
    "DocumentType",
    "Environment",
    "FINAL_STATUSES",
    "MigrationTree",
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
    "UnsafeXml",
    "ValidationFailed",
    "WsSecurityError",
    "hookimpl",
    "model",
    "parse_xml",
]
