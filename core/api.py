"""The only module plugin authors import.

    from core.api import hookimpl, Dialect, Environment, DocumentType, model, Problem

Everything here is a stable contract; the rest of ``core`` may change between releases. A
dialect finds here, besides the contracts: the canonical model and the error types; the
dialect toolkit (``decode_json`` with ``DecodeLimits``, field checks, ``ErrorShape`` and
``ApiError`` for its own error bodies); the issuing service its handlers receive as the
dependency ``documents`` (``InjectedDocuments``) and the PDF service as ``pdfs``
(``InjectedPdfs``); the RADIAN services as ``events`` (``InjectedEvents``) and
``received`` (``InjectedReceived``); catalogs, the NIT check digit, money
rounding and Bogotá time.

Follow-up work: register a ``JobKind`` through ``pasarela_register_jobs`` and store jobs with
``enqueue_job(connection, kind, payload)`` inside your own transaction (``ctx.database.run``)
or ``await ctx.jobs.enqueue(kind, payload)``.

Commands: a plugin's ``Command`` handler that needs the gateway's services (its own tables
through ``ctx.database``, ``ctx.tenants`` ...) runs ``run_with_context(work)``: ``work(ctx)``
is a coroutine given the same ``AppContext`` the web app is built on, from the environment's
settings, closed afterwards.
"""

from litestar.di import NamedDependency
from litestar.params import SkipValidation

from core import catalogs, model
from core.clock import BOGOTA, now_bogota, to_bogota
from core.commands import run_with_context
from core.context import AppContext
from core.contingency import CONTINGENCY_JOB, ContingencyDeliveries
from core.contracts import (
    CHANNEL_EQUIVALENT,
    CHANNEL_INVOICES,
    CHANNEL_SUPPORT,
    BenchRequest,
    BenchScenario,
    Command,
    DemoRange,
    Dialect,
    DocumentType,
    Environment,
    JobContext,
    JobKind,
    JobOutcome,
    MigrationTree,
    Provisioning,
    Sample,
    UniqueCode,
)
from core.delivery.emails import Delivery, EmailDeliveries
from core.dialects.decoding import BODY, DEFAULT_LIMITS, DecodeLimits, decode_json
from core.dialects.errors import ApiError, ErrorShape, validation_fields
from core.dialects.fields import (
    ASCII_DIGITS_PATTERN,
    EMAIL_MAX_LENGTH,
    is_ascii_digits,
    is_email,
    parse_bounded_int,
    parse_iso_date,
)
from core.dian.exchanges import DianExchange, capture_exchanges
from core.dian.queries import (
    NumberingRangesAnswer,
    ask_dian,
    is_track_id,
    numbering_ranges,
    numbering_ranges_at_dian,
)
from core.dian.responses import NumberRangeResponse, NumberRangeResponseList
from core.errors import (
    AuthenticationFailed,
    BodyTooLarge,
    CertificateError,
    CertificateExpired,
    ConfigurationError,
    DianUnavailable,
    DuplicateDocument,
    InvalidLogo,
    InvalidRequest,
    NoNumberingRange,
    NotFound,
    NumberingExhausted,
    PasarelaError,
    PermissionDenied,
    QuotaExceeded,
    RepresentationUnavailable,
    SignatureInvalid,
    SignedXmlUnavailable,
    ValidationFailed,
    WsSecurityError,
)
from core.habilitacion.switch import Switched, SwitchRefused, demote, promote
from core.hookspecs import hookimpl
from core.issuing import IssueService
from core.jobs import enqueue as enqueue_job
from core.model import (
    AdditionalReference,
    Address,
    AllowanceCharge,
    AllowanceChargeAmount,
    BillingReference,
    BuyerBenefits,
    Contact,
    DeclaredTotals,
    DeliveryTerms,
    Discrepancy,
    Document,
    DocumentRecord,
    ExchangeRate,
    GoodsDelivery,
    Line,
    LineTotals,
    MonetaryTotals,
    NumberingRange,
    OrderReference,
    Party,
    Payment,
    Period,
    PointOfSale,
    PrepaidPayment,
    Problem,
    PurchasePeriod,
    ReferencePrice,
    Software,
    SoftwareManufacturer,
    StandardItemId,
    Tax,
    TaxSubtotal,
    TaxTotal,
    TenantView,
    Totals,
    Withholding,
)
from core.model.status import FINAL_STATUSES, DocumentStatus
from core.radian.errors import EventRefused, RadianRefused, ReceivedDocumentRefused
from core.radian.events import EventService
from core.radian.received import ReceivedInvoices
from core.radian.records import (
    DianEvent,
    DianEvents,
    EventCode,
    EventPerson,
    EventRecord,
    EventRequest,
    ReceivedInvoice,
    ReceivedPage,
)
from core.rate_limits import rate_limit_headers
from core.representation.attachments import AttachedDocuments
from core.representation.pdfs import PdfService
from core.storage.documents import DocumentRepository, StoredDocument
from core.tenancy.credentials import Authenticated, TokenScheme
from core.tenancy.readiness import Readiness, days_until, tenant_readiness
from core.tenancy.records import IssuedCredential, RangeRecord
from core.totals import compute_totals, round_money
from core.ubl.context import BuildContext
from core.ubl.documents import RootOptions, build_credit_note, build_debit_note, build_invoice
from core.ubl.packaging import document_file_names, zip_xml
from core.validation.nit import check_digit, is_valid_nit
from core.web.auth import BearerAuth, bearer_token
from core.xml_parsing import UnsafeXml, parse_xml

InjectedDocuments = NamedDependency[SkipValidation[IssueService]]
"""Annotate a handler parameter named ``documents`` with this to receive the issuing service
(issue, get, list, refresh, signed_xml); it is built once, never re-validated per request."""

InjectedAttachments = NamedDependency[SkipValidation[AttachedDocuments]]
"""Annotate a handler parameter named ``attachments`` with this to receive the AttachedDocument
service (``attached_document(tenant_id, uuid)``, ``for_issued(record)``, ``for_stored(stored)``)."""

InjectedPdfs = NamedDependency[SkipValidation[PdfService]]
"""Annotate a handler parameter named ``pdfs`` with this to receive the PDF service
(``await pdfs.pdf(tenant_id, uuid)`` -> file name and bytes; ``RepresentationUnavailable``
until DIAN accepts the document)."""

InjectedDeliveries = NamedDependency[SkipValidation[EmailDeliveries]]
"""Annotate a handler parameter named ``deliveries`` with this to receive the e-mail delivery
service (``await deliveries.status(tenant_id, uuid)`` -> ``Delivery``: status enviado,
pendiente, fallido or sin_correo (``None`` when not asked for), sent_at, sent_to, last_error)."""

InjectedContingency = NamedDependency[SkipValidation[ContingencyDeliveries]]
"""Annotate a handler parameter named ``contingency`` with this to receive the contingency
service: ``await contingency.send_pending(tenant_id, prefix=None, number=None)`` sends the
tenant's pending contingency documents (03, 04) now and returns their records. Issuing a 02, 03
or 04 is ``documents.issue`` with that ``type_code`` (how to fill the ``Document``:
``core.contingency``'s docstring)."""

InjectedEvents = NamedDependency[SkipValidation[EventService]]
"""Annotate a handler parameter named ``events`` with this to receive the RADIAN event service
(``await events.send(tenant_id, EventRequest(...), dialect=...)`` -> ``EventRecord``;
``get``, ``list_for_invoice``, ``signed_xml``, ``dian_events``). Refusals raise
``EventRefused`` (a ``ValidationFailed`` with ``rule``, ``message`` and ``path``)."""

InjectedReceived = NamedDependency[SkipValidation[ReceivedInvoices]]
"""Annotate a handler parameter named ``received`` with this to receive the received-invoices
service (``load(tenant_id, xml, dialect=...)``, ``load_by_cufe``, ``get``, ``by_cufe``,
``list``, ``xml``). Refusals raise ``ReceivedDocumentRefused``."""

__all__ = [
    "AdditionalReference",
    "CONTINGENCY_JOB",
    "ContingencyDeliveries",
    "DeliveryTerms",
    "ExchangeRate",
    "InjectedContingency",
    "DianEvent",
    "DianEvents",
    "EventCode",
    "EventPerson",
    "EventRecord",
    "EventRefused",
    "EventRequest",
    "EventService",
    "InjectedEvents",
    "InjectedReceived",
    "RadianRefused",
    "ReceivedDocumentRefused",
    "ReceivedInvoice",
    "ReceivedInvoices",
    "ReceivedPage",
    "AppContext",
    "AttachedDocuments",
    "InjectedAttachments",
    "Authenticated",
    "BearerAuth",
    "CHANNEL_EQUIVALENT",
    "CHANNEL_INVOICES",
    "CHANNEL_SUPPORT",
    "DemoRange",
    "TokenScheme",
    "bearer_token",
    "ASCII_DIGITS_PATTERN",
    "Address",
    "AllowanceCharge",
    "AllowanceChargeAmount",
    "ApiError",
    "AuthenticationFailed",
    "BenchRequest",
    "BenchScenario",
    "BODY",
    "BOGOTA",
    "BillingReference",
    "BodyTooLarge",
    "BuildContext",
    "BuyerBenefits",
    "CertificateError",
    "CertificateExpired",
    "Command",
    "ConfigurationError",
    "Contact",
    "DEFAULT_LIMITS",
    "DeclaredTotals",
    "DecodeLimits",
    "Dialect",
    "DianUnavailable",
    "Discrepancy",
    "Document",
    "DocumentRecord",
    "DocumentStatus",
    "DuplicateDocument",
    "DocumentType",
    "DuplicateDocument",
    "EMAIL_MAX_LENGTH",
    "Environment",
    "FINAL_STATUSES",
    "MigrationTree",
    "ErrorShape",
    "InjectedDocuments",
    "InjectedPdfs",
    "InjectedDeliveries",
    "Delivery",
    "EmailDeliveries",
    "InvalidRequest",
    "IssueService",
    "PdfService",
    "RepresentationUnavailable",
    "JobContext",
    "JobKind",
    "JobOutcome",
    "Line",
    "LineTotals",
    "MonetaryTotals",
    "NoNumberingRange",
    "NotFound",
    "NumberingExhausted",
    "NumberingRange",
    "OrderReference",
    "Party",
    "PasarelaError",
    "Payment",
    "Period",
    "PermissionDenied",
    "PointOfSale",
    "PrepaidPayment",
    "Problem",
    "PurchasePeriod",
    "Provisioning",
    "Sample",
    "QuotaExceeded",
    "ReferencePrice",
    "RootOptions",
    "SignatureInvalid",
    "SwitchRefused",
    "Switched",
    "Readiness",
    "days_until",
    "demote",
    "promote",
    "tenant_readiness",
    "SignedXmlUnavailable",
    "Software",
    "SoftwareManufacturer",
    "StandardItemId",
    "Tax",
    "TaxSubtotal",
    "TaxTotal",
    "TenantView",
    "Totals",
    "UniqueCode",
    "UnsafeXml",
    "ValidationFailed",
    "Withholding",
    "WsSecurityError",
    "build_credit_note",
    "build_debit_note",
    "build_invoice",
    "catalogs",
    "check_digit",
    "decode_json",
    "enqueue_job",
    "hookimpl",
    "is_ascii_digits",
    "is_email",
    "is_valid_nit",
    "model",
    "parse_xml",
    "now_bogota",
    "parse_bounded_int",
    "parse_iso_date",
    "round_money",
    "rate_limit_headers",
    "run_with_context",
    "to_bogota",
    "validation_fields",
    "DianExchange",
    "ask_dian",
    "is_track_id",
    "capture_exchanges",
    "compute_totals",
    "NumberingRangesAnswer",
    "numbering_ranges",
    "InvalidLogo",
    "DocumentRepository",
    "StoredDocument",
    "document_file_names",
    "zip_xml",
    "NumberRangeResponse",
    "NumberRangeResponseList",
    "numbering_ranges_at_dian",
    "RangeRecord",
    "IssuedCredential",
    "GoodsDelivery",
]
