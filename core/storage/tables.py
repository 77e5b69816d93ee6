"""The database schema as SQLAlchemy mapped classes (the migrations create exactly this).

Rows never leave ``core.storage`` / ``core.tenancy``: callers get frozen msgspec Structs, so no
session has to outlive the call that read the data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.model.status import DocumentStatus
from core.storage.column_types import AwareDateTime, CompressedJson, CompressedText, Money

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets bigint identities.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: AwareDateTime(), Decimal: Money()}


class Tenant(Base):
    """An issuing company: its DIAN identity, software per channel, environment, permissions
    (the ids document kinds declare) and quotas."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    nit: Mapped[str] = mapped_column(String(20), unique=True)
    dv: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(450))
    party: Mapped[dict[str, Any]] = mapped_column(JSON)  # core.model.Party as JSON
    environment: Mapped[str] = mapped_column(String(40))
    # channel -> {"id", "pin" (SecretBox ciphertext, base64), "test_set_id"}
    software: Mapped[dict[str, Any]] = mapped_column(JSON)
    provider_nit: Mapped[str] = mapped_column(String(20))
    provider_dv: Mapped[str] = mapped_column(String(1))
    permissions: Mapped[list[str]] = mapped_column(JSON)
    monthly_limit: Mapped[int | None] = mapped_column(Integer)
    yearly_limit: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="activo")
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class Certificate(Base):
    """The tenant's signing certificate (one per tenant; attaching a new one replaces it)."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), unique=True
    )
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted
    password: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the certificate DER
    subject: Mapped[str] = mapped_column(String(500))
    not_after: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]


class TenantLogo(Base):
    """The image a tenant prints on its PDFs (one per tenant; setting another replaces it).
    Kept apart from ``tenants`` so the rows read on every request never carry it."""

    __tablename__ = "tenant_logos"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[bytes] = mapped_column(LargeBinary)
    media_type: Mapped[str] = mapped_column(String(20))  # image/png | image/jpeg
    updated_at: Mapped[dt.datetime]


class TenantSmtp(Base):
    """The SMTP server a tenant's documents are e-mailed to buyers through (one per tenant)."""

    __tablename__ = "tenant_smtp"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10))  # starttls | tls | none
    username: Mapped[str | None] = mapped_column(String(255))
    password: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    from_address: Mapped[str] = mapped_column(String(320))
    deliver_by_default: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[dt.datetime]


class Resolution(Base):
    """A DIAN numbering range (resolución) for one document type in one environment."""

    __tablename__ = "resolutions"
    __table_args__ = (Index("ix_resolutions_lookup", "tenant_id", "environment", "document_type"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(40))
    document_type: Mapped[str] = mapped_column(String(4))
    resolution_number: Mapped[str] = mapped_column(String(40))
    resolution_date: Mapped[dt.date | None] = mapped_column(Date)
    prefix: Mapped[str] = mapped_column(String(10), default="")
    from_number: Mapped[int] = mapped_column(BigInteger)
    to_number: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    technical_key: Mapped[str | None] = mapped_column(String(128))
    next_number: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    retired_at: Mapped[dt.datetime | None]  # a retired range numbers nothing more


class Credential(Base):
    """An API credential for one dialect; only the SHA-256 of its secret is stored, and a
    presented token is found by that hash (unique), never by an id parsed out of it.

    ``scheme``: ``par`` (``<id>|<secret>``), ``opaco`` (a token imported from another
    provider) or ``oauth`` (an access token granted to ``parent_id``, valid until
    ``expires_at``)."""

    __tablename__ = "credentials"
    __table_args__ = (Index("ix_credentials_tenant", "tenant_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    dialect: Mapped[str] = mapped_column(String(40))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scheme: Mapped[str] = mapped_column(String(20), default="par")
    expires_at: Mapped[dt.datetime | None]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]


class DocumentRow(Base):
    """One issued (or being issued) document and everything DIAN answered about it."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "environment", "prefix", "number", name="uq_documents_number"
        ),
        Index("ix_documents_tenant_created", "tenant_id", "created_at"),
        Index("ix_documents_unique_code", "unique_code"),
        Index("ix_documents_reference", "tenant_id", "reference"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    dialect: Mapped[str] = mapped_column(String(40))
    type_code: Mapped[str] = mapped_column(String(4))
    environment: Mapped[str] = mapped_column(String(40))
    prefix: Mapped[str] = mapped_column(String(10), default="")
    number: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(100))  # the client's own id, if any
    issue_datetime: Mapped[dt.datetime | None]
    customer_id: Mapped[str | None] = mapped_column(String(40))
    customer_name: Mapped[str | None] = mapped_column(String(450))
    subtotal: Mapped[Decimal | None]
    taxes: Mapped[Decimal | None]  # all taxes together
    tax_breakdown: Mapped[dict[str, str] | None] = mapped_column(JSON)  # scheme -> amount text
    payable: Mapped[Decimal | None]
    unique_code: Mapped[str | None] = mapped_column(String(96))  # CUFE/CUDE (SHA-384 hex)
    prehash: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.PENDING.value)
    signed_xml: Mapped[str | None] = mapped_column(CompressedText)
    zip_name: Mapped[str | None] = mapped_column(String(100))
    zip_key: Mapped[str | None] = mapped_column(String(100))
    dian_status_code: Mapped[str | None] = mapped_column(String(10))
    dian_status_description: Mapped[str | None] = mapped_column(Text)
    dian_message: Mapped[str | None] = mapped_column(Text)
    dian_errors: Mapped[list[Any] | None] = mapped_column(JSON)
    application_response: Mapped[str | None] = mapped_column(CompressedText)
    request_payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    dialect_data: Mapped[dict[str, Any] | None] = mapped_column(CompressedJson)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # DIAN sends/queries so far
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    attached_document: Mapped[str | None] = mapped_column(CompressedText)  # signed, once accepted
    attached_at: Mapped[dt.datetime | None]  # when the AttachedDocument was built
    # e-mail to the buyer: pendiente | enviado | fallido | sin_correo (NULL: not asked for)
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    delivery_sent_at: Mapped[dt.datetime | None]
    delivery_sent_to: Mapped[str | None] = mapped_column(String(320))
    delivery_error: Mapped[str | None] = mapped_column(Text)


class JobRow(Base):
    """Durable follow-up work (``core.jobs``): a finished job is deleted, a failed one kept.

    ``due_at`` is when any worker may take the job next; a claim moves it to the end of the
    lease (``lease_until``, held by ``owner``), so after a crash the job is due again once the
    lease runs out. ``attempts`` counts runs and fences updates: only the holder of the
    latest claim can settle the job.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | failed
    due_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[dt.datetime | None]
    owner: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class AuditEntry(Base):
    """One authenticated request: who, which dialect and path, the answer and how long it took."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_tenant_at", "tenant_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime]
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="SET NULL"))
    credential_id: Mapped[int | None] = mapped_column(BigInteger)
    dialect: Mapped[str | None] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(45))
    duration_ms: Mapped[float] = mapped_column(Float)
    user_id: Mapped[int | None] = mapped_column(BigInteger)  # the portal user, if any


class QuotaUsage(Base):
    """Documents counted per tenant and period (``2026-11`` monthly, ``2026`` yearly)."""

    __tablename__ = "quota_usage"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    period_key: Mapped[str] = mapped_column(String(7), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """A client's ``Idempotency-Key``: the request it came with and the document it created."""

    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    document_uuid: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime]


class RateLimitWindow(Base):
    """Requests of one credential of a dialect in a one-minute window (epoch seconds of its
    start): the per-credential rate limits (``core.rate_limits``)."""

    __tablename__ = "rate_limit_windows"

    dialect: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hits: Mapped[int] = mapped_column(Integer)


class SecretKeyCheck(Base):
    """One row: a known text encrypted with the gateway's secret key at its first start, so a
    process started with another key is refused before it serves (``core.secret_key_check``)."""

    __tablename__ = "secret_key_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class ReceivedInvoiceRow(Base):
    """An invoice a tenant received from a supplier, verified and stored as it came."""

    __tablename__ = "received_invoices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "cufe", name="uq_received_invoices_cufe"),
        Index("ix_received_invoices_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    cufe: Mapped[str] = mapped_column(String(96))
    type_code: Mapped[str] = mapped_column(String(4))
    number: Mapped[str] = mapped_column(String(40))
    issue_date: Mapped[dt.date] = mapped_column(Date)
    issue_time: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    supplier_nit: Mapped[str] = mapped_column(String(40))
    supplier_dv: Mapped[str | None] = mapped_column(String(1))
    supplier_id_type: Mapped[str] = mapped_column(String(4))
    supplier_name: Mapped[str] = mapped_column(String(450))
    customer_nit: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    payment_form: Mapped[str | None] = mapped_column(String(4))
    payment_method: Mapped[str | None] = mapped_column(String(4))
    line_extension: Mapped[Decimal]
    tax_total: Mapped[Decimal]
    payable: Mapped[Decimal]
    environment: Mapped[str] = mapped_column(String(2))
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]


class RadianEventRow(Base):
    """A RADIAN event a tenant sent on an invoice, with DIAN's answer."""

    __tablename__ = "radian_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_radian_events_number"),
        Index("ix_radian_events_invoice", "tenant_id", "invoice_cufe"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    received_id: Mapped[int | None] = mapped_column(
        ForeignKey("received_invoices.id", ondelete="CASCADE")
    )
    environment: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(4))
    number: Mapped[str] = mapped_column(String(40))
    cude: Mapped[str] = mapped_column(String(96))
    issue_datetime: Mapped[dt.datetime]
    invoice_cufe: Mapped[str] = mapped_column(String(96))
    invoice_number: Mapped[str] = mapped_column(String(40))
    invoice_type_code: Mapped[str] = mapped_column(String(4))
    sender_nit: Mapped[str] = mapped_column(String(40))
    receiver_nit: Mapped[str] = mapped_column(String(40))
    claim_concept: Mapped[str | None] = mapped_column(String(4))
    person: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    registered_elsewhere: Mapped[bool] = mapped_column(Boolean, default=False)
    dian_status_code: Mapped[str | None] = mapped_column(String(10))
    dian_status_description: Mapped[str | None] = mapped_column(Text)
    dian_message: Mapped[str | None] = mapped_column(Text)
    dian_errors: Mapped[list[Any] | None] = mapped_column(JSON)
    signed_xml: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]


class PortalUser(Base):
    """A person who signs in to the portal: a tenant's ``administrador`` or ``operador``, or
    (``tenant_id`` NULL, role ``pasarela``) the gateway's operator. Only the argon2 hash of
    the password is stored."""

    __tablename__ = "portal_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    password_changed_at: Mapped[dt.datetime]


class PortalSession(Base):
    """A signed-in browser: the cookie carries a random token, the table its SHA-256 only.
    ``csrf_token`` is what every form of the session must send back; ``flash`` is the message
    the next page shows once."""

    __tablename__ = "portal_sessions"
    __table_args__ = (Index("ix_portal_sessions_user", "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    flash: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class PortalLoginFailure(Base):
    """One failed sign-in (by e-mail and by address): what login throttling counts, in the
    database so every gateway process sees the same count."""

    __tablename__ = "portal_login_failures"
    __table_args__ = (Index("ix_portal_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))  # "email:<address>" or "ip:<address>"
    at: Mapped[dt.datetime]


class PortalResetToken(Base):
    """A one-time password-reset link (its SHA-256 only), valid until ``expires_at``."""

    __tablename__ = "portal_reset_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_users.id", ondelete="CASCADE"))
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
