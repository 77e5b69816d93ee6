"""The simulated DIAN's own tables: what its portal knows and what it received.

They live in the gateway's database (``sim_`` prefix) so several gateway processes share one
simulated DIAN. They have their own metadata (the simulator is a separate system that happens to
share the database server) and their own migration tree, ``migrations/`` (branch ``simulador``),
applied by ``pasarela db upgrade`` with the gateway's; these classes only serve queries.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.storage.column_types import AwareDateTime


class SimBase(DeclarativeBase):
    type_annotation_map = {dt.datetime: AwareDateTime()}


class SimCompany(SimBase):
    """An issuer registered in the simulated portal (habilitado)."""

    __tablename__ = "sim_companies"

    nit: Mapped[str] = mapped_column(String(20), primary_key=True)
    dv: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(450))
    registered_at: Mapped[dt.datetime]


class SimSoftware(SimBase):
    """A software registered by its owner (the provider NIT), with its PIN and test set."""

    __tablename__ = "sim_software"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    pin: Mapped[str] = mapped_column(String(64))
    provider_nit: Mapped[str] = mapped_column(String(20))
    test_set_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SimIssuerSoftware(SimBase):
    """Which software an issuer declared it uses (one software may serve many issuers)."""

    __tablename__ = "sim_issuer_software"

    issuer_nit: Mapped[str] = mapped_column(String(20), primary_key=True)
    software_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class SimRange(SimBase):
    """A numbering authorization as GetNumberingRange reports it."""

    __tablename__ = "sim_ranges"
    __table_args__ = (Index("ix_sim_ranges_issuer", "issuer_nit", "software_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer_nit: Mapped[str] = mapped_column(String(20))
    software_id: Mapped[str] = mapped_column(String(64))
    document_type: Mapped[str] = mapped_column(String(4))
    resolution_number: Mapped[str] = mapped_column(String(40))
    resolution_date: Mapped[dt.date | None] = mapped_column(Date)
    prefix: Mapped[str] = mapped_column(String(10))
    from_number: Mapped[int] = mapped_column(Integer)
    to_number: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    technical_key: Mapped[str | None] = mapped_column(String(128))


class SimCertificate(SimBase):
    """A certificate the simulated DIAN trusts to sign SOAP calls for one issuer."""

    __tablename__ = "sim_certificates"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the DER
    issuer_nit: Mapped[str] = mapped_column(String(20), primary_key=True)
    der: Mapped[bytes] = mapped_column(LargeBinary)


class SimBatch(SimBase):
    """One async upload (SendBillAsync / SendTestSetAsync): what GetStatusZip looks up."""

    __tablename__ = "sim_batches"

    zip_key: Mapped[str] = mapped_column(String(36), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    test_set_id: Mapped[str | None] = mapped_column(String(64), index=True)
    received_at: Mapped[dt.datetime]


class SimDocument(SimBase):
    """Every document the simulated DIAN processed, accepted or not (GetStatus finds both)."""

    __tablename__ = "sim_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_key: Mapped[str] = mapped_column(String(96), index=True)  # CUFE/CUDE as sent
    issuer_nit: Mapped[str] = mapped_column(String(20))
    document_type: Mapped[str] = mapped_column(String(4))
    number: Mapped[str] = mapped_column(String(40))
    issue_date: Mapped[dt.date | None] = mapped_column(Date)
    is_valid: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[str] = mapped_column(String(4))
    status_description: Mapped[str] = mapped_column(String(200))
    status_message: Mapped[str] = mapped_column(String(400))
    error_messages: Mapped[str] = mapped_column(Text)  # one message per line
    xml_file_name: Mapped[str] = mapped_column(String(200))
    signed_xml: Mapped[bytes] = mapped_column(LargeBinary)
    application_response: Mapped[bytes] = mapped_column(LargeBinary)
    zip_key: Mapped[str | None] = mapped_column(String(36), index=True)
    test_set_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[dt.datetime]


class SimAcceptedNumber(SimBase):
    """Duplicate detection (Regla 90): one row per accepted issuer/type/number.

    The key is DIAN's identifier: sha256(sender NIT + type family + serie and number); the
    primary key makes two concurrent submissions of one number race safely in the database.
    """

    __tablename__ = "sim_accepted_numbers"

    duplicate_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_key: Mapped[str] = mapped_column(String(96))


class SimIdentity(SimBase):
    """The simulated DIAN's own signing certificate, shared by every simulator process."""

    __tablename__ = "sim_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)
    password: Mapped[str] = mapped_column(String(64))


class SimEvent(SimBase):
    """A RADIAN event registered on an invoice (SendEventUpdateStatus); one per invoice and
    event code, so a repeated event is a Regla 90 even when two arrive at once."""

    __tablename__ = "sim_events"
    __table_args__ = (Index("uq_sim_events_code", "invoice_key", "code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_key: Mapped[str] = mapped_column(String(96))
    code: Mapped[str] = mapped_column(String(4))
    number: Mapped[str] = mapped_column(String(40))
    cude: Mapped[str] = mapped_column(String(96))
    issue_date: Mapped[str] = mapped_column(String(10))
    issue_time: Mapped[str] = mapped_column(String(20))
    sender_nit: Mapped[str] = mapped_column(String(40))
    receiver_nit: Mapped[str] = mapped_column(String(40))
    claim_concept: Mapped[str | None] = mapped_column(String(4))
    signed_xml: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[dt.datetime]
