"""Reads and writes of the simulated DIAN's tables; the rest of the simulator never sees rows.

Every method opens its own short transaction, so one ``SimulatorStore`` serves concurrent
requests and several processes can share the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import now_bogota
from core.contracts import Provisioning
from core.storage.database import Database, database_for, dispose_database
from core.storage.engine import create_engine, create_sessionmaker
from core.storage.write_gate import write_gate
from plugins.environments.simulador.tables import (
    SimAcceptedNumber,
    SimBatch,
    SimCertificate,
    SimCompany,
    SimDocument,
    SimIdentity,
    SimIssuerSoftware,
    SimRange,
    SimSoftware,
    ensure_schema,
)


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


@dataclass(frozen=True, kw_only=True)
class RegisteredSoftware:
    id: str
    pin: str
    provider_nit: str
    test_set_id: str | None
    active: bool


@dataclass(frozen=True, kw_only=True)
class RegisteredRange:
    issuer_nit: str
    software_id: str
    document_type: str
    resolution_number: str
    resolution_date: dt.date | None
    prefix: str
    from_number: int
    to_number: int
    valid_from: dt.date
    valid_to: dt.date
    technical_key: str | None


@dataclass(frozen=True, kw_only=True)
class ReceivedDocument:
    """A processed document as GetStatus, GetStatusZip and GetXmlByDocumentKey report it."""

    document_key: str
    issuer_nit: str
    document_type: str
    number: str
    issue_date: dt.date | None
    is_valid: bool
    status_code: str
    status_description: str
    status_message: str
    error_messages: tuple[str, ...]
    xml_file_name: str
    signed_xml: bytes
    application_response: bytes
    zip_key: str | None = None
    test_set_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class IssuerRegistry:
    name: str | None
    software: RegisteredSoftware | None
    ranges: tuple[RegisteredRange, ...]


class SimulatorStore:
    """The simulated DIAN's registry and inbox on one database."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def session(self) -> AsyncSession:
        """A new session; the engine is created on first use so app creation stays cheap.

        Pooled connections belong to the event loop that opened them, so a store used from
        another loop (tests, a CLI run after a server) gets an engine of its own.
        """
        engine = self._engine_of_this_loop()
        await ensure_schema(engine)
        assert self._sessions is not None
        return self._sessions()

    async def database(self) -> Database:
        """Units of work (``core.storage.database``) for the per-document path."""
        engine = self._engine_of_this_loop()
        await ensure_schema(engine)
        return database_for(engine)

    def _engine_of_this_loop(self) -> AsyncEngine:
        loop = asyncio.get_running_loop()
        if self._engine is None or self._sessions is None or self._loop is not loop:
            if self._engine is not None:
                dispose_database(self._engine)  # its units of work's connections go with it
            self._engine = create_engine(self.database_url)
            self._sessions = create_sessionmaker(self._engine)
            self._loop = loop
        return self._engine

    def writing(self) -> contextlib.AbstractAsyncContextManager[object]:
        """Serialize this process's write transactions on SQLite, together with the
        gateway's on the same file (``core.storage.write_gate``); PostgreSQL writers run
        concurrently."""
        return write_gate(self._engine_of_this_loop())

    async def dispose(self) -> None:
        if self._engine is not None:
            dispose_database(self._engine)
        if self._engine is not None and self._loop is asyncio.get_running_loop():
            await self._engine.dispose()
        self._engine, self._sessions, self._loop = None, None, None

    # -- the portal: what provisioning fills ---------------------------------------------

    async def register(self, provisioning: Provisioning) -> None:
        """Record a company as DIAN's portal would: company, software, ranges, certificate.

        Re-provisioning replaces the ranges declared for this issuer and software, so the
        registry follows the tenant's configuration.
        """
        tenant = provisioning.tenant
        software = tenant.software
        async with self.writing(), await self.session() as session, session.begin():
            await session.merge(
                SimCompany(nit=tenant.nit, dv=tenant.dv, name=tenant.party.name,
                           registered_at=now_bogota())
            )
            await session.merge(
                SimSoftware(id=software.id, pin=software.pin, provider_nit=software.provider_nit,
                            test_set_id=software.test_set_id, active=True)
            )
            await session.merge(SimIssuerSoftware(issuer_nit=tenant.nit, software_id=software.id))
            await session.execute(
                delete(SimRange).where(
                    SimRange.issuer_nit == tenant.nit, SimRange.software_id == software.id
                )
            )
            for r in provisioning.ranges:
                session.add(
                    SimRange(
                        issuer_nit=tenant.nit, software_id=software.id,
                        document_type=r.document_type, resolution_number=r.resolution_number,
                        resolution_date=r.resolution_date, prefix=r.prefix,
                        from_number=r.from_number, to_number=r.to_number,
                        valid_from=r.valid_from, valid_to=r.valid_to,
                        technical_key=r.technical_key,
                    )
                )
            if provisioning.certificate_der:
                der = provisioning.certificate_der
                await session.merge(
                    SimCertificate(fingerprint=certificate_fingerprint(der),
                                   issuer_nit=tenant.nit, der=der)
                )

    async def issuers_trusting(self, certificate_der: bytes) -> frozenset[str]:
        """NITs for which this certificate was provisioned (empty: an unknown certificate)."""
        fingerprint = certificate_fingerprint(certificate_der)
        async with await self.session() as session:
            rows = await session.scalars(
                select(SimCertificate.issuer_nit).where(SimCertificate.fingerprint == fingerprint)
            )
            return frozenset(rows)

    async def trusted_certificates(self) -> list[bytes]:
        async with await self.session() as session:
            return list(await session.scalars(select(SimCertificate.der).distinct()))

    async def company_name(self, nit: str) -> str | None:
        async with await self.session() as session:
            company = await session.get(SimCompany, nit)
            return company.name if company else None

    async def software(self, software_id: str) -> RegisteredSoftware | None:
        async with await self.session() as session:
            row = await session.get(SimSoftware, software_id)
            return _software(row) if row is not None else None

    async def software_of_issuer(self, issuer_nit: str) -> list[str]:
        async with await self.session() as session:
            rows = await session.scalars(
                select(SimIssuerSoftware.software_id).where(
                    SimIssuerSoftware.issuer_nit == issuer_nit
                )
            )
            return list(rows)

    async def ranges(
        self, issuer_nit: str, software_id: str | None = None
    ) -> list[RegisteredRange]:
        query = select(SimRange).where(SimRange.issuer_nit == issuer_nit)
        if software_id is not None:
            query = query.where(SimRange.software_id == software_id)
        async with await self.session() as session:
            rows = await session.scalars(query.order_by(SimRange.id))
            return [_range(r) for r in rows]

    # -- the inbox -------------------------------------------------------------------------


    async def is_number_accepted(self, duplicate_key: str) -> bool:
        database = await self.database()
        return await database.run(_number_accepted, duplicate_key)

    async def save_batch(self, zip_key: str, file_name: str, test_set_id: str | None) -> None:
        async with self.writing(), await self.session() as session, session.begin():
            session.add(SimBatch(zip_key=zip_key, file_name=file_name[:200],
                                 test_set_id=test_set_id, received_at=now_bogota()))

    async def batch_exists(self, zip_key: str) -> tuple[bool, str | None]:
        """Whether a ZipKey is known and the test set it was sent to."""
        async with await self.session() as session:
            batch = await session.get(SimBatch, zip_key)
            return (batch is not None, batch.test_set_id if batch else None)

    async def issuer_registry(self, nit: str, software_id: str) -> IssuerRegistry:
        """What the portal knows about an issuer and the software a document names, at once."""
        async with await self.session() as session:
            company = await session.get(SimCompany, nit)
            software = await session.get(SimSoftware, software_id) if software_id else None
            rows = await session.scalars(
                select(SimRange).where(SimRange.issuer_nit == nit).order_by(SimRange.id)
            )
            return IssuerRegistry(
                name=company.name if company else None,
                software=_software(software) if software else None,
                ranges=tuple(_range(r) for r in rows),
            )

    async def save_document(self, doc: ReceivedDocument, *, claim: str | None = None) -> bool:
        """Store a processed document; with ``claim`` (its duplicate key) also mark the number
        accepted in the same transaction. ``False`` when the number was accepted before."""
        database = await self.database()
        try:
            await database.run(_save_document, self._document_values(doc), claim, write=True)
        except IntegrityError:
            return False
        return True

    @staticmethod
    def _document_values(doc: ReceivedDocument) -> dict[str, object]:
        return dict(
            document_key=doc.document_key, issuer_nit=doc.issuer_nit,
            document_type=doc.document_type, number=doc.number, issue_date=doc.issue_date,
            is_valid=doc.is_valid, status_code=doc.status_code,
            status_description=doc.status_description, status_message=doc.status_message,
            error_messages="\n".join(doc.error_messages), xml_file_name=doc.xml_file_name,
            signed_xml=doc.signed_xml, application_response=doc.application_response,
            zip_key=doc.zip_key, test_set_id=doc.test_set_id, received_at=now_bogota(),
        )

    async def latest_document(self, document_key: str) -> ReceivedDocument | None:
        """The last processing of a CUFE/CUDE, an accepted one first when there is one."""
        async with await self.session() as session:
            rows = (
                await session.scalars(
                    select(SimDocument)
                    .where(SimDocument.document_key == document_key.lower())
                    .order_by(SimDocument.is_valid.desc(), SimDocument.id.desc())
                    .limit(1)
                )
            ).all()
            return _received(rows[0]) if rows else None

    async def accepted_document(self, issuer_nit: str, number: str) -> ReceivedDocument | None:
        """An accepted document of this issuer with this number (note references)."""
        async with await self.session() as session:
            rows = (
                await session.scalars(
                    select(SimDocument)
                    .where(SimDocument.number == number, SimDocument.is_valid.is_(True),
                           SimDocument.issuer_nit == issuer_nit)
                    .limit(1)
                )
            ).all()
            return _received(rows[0]) if rows else None

    async def accepted_by_key(self, document_key: str) -> ReceivedDocument | None:
        database = await self.database()
        row = await database.run(_accepted_by_key, document_key.lower())
        return _received(row) if row is not None else None

    async def documents_in_batch(self, zip_key: str) -> list[ReceivedDocument]:
        async with await self.session() as session:
            rows = await session.scalars(
                select(SimDocument).where(SimDocument.zip_key == zip_key).order_by(SimDocument.id)
            )
            return [_received(r) for r in rows]

    async def test_set_counts(self, test_set_id: str) -> dict[str, tuple[int, int]]:
        """Per document type: (accepted, rejected) documents sent to a test set."""
        async with await self.session() as session:
            rows = await session.execute(
                select(SimDocument.document_type, SimDocument.is_valid).where(
                    SimDocument.test_set_id == test_set_id
                )
            )
            counts: dict[str, tuple[int, int]] = {}
            for doc_type, valid in rows:
                accepted, rejected = counts.get(doc_type, (0, 0))
                counts[doc_type] = (accepted + valid, rejected + (not valid))
            return counts

    # -- the simulated DIAN's own certificate ----------------------------------------------

    async def identity_pkcs12(self, generate: Callable[[str], bytes]) -> tuple[bytes, str]:
        """The shared signing certificate; the first process to need one generates it."""
        async with await self.session() as session:
            row = await session.get(SimIdentity, 1)
            if row is not None:
                return row.pkcs12, row.password
        password = secrets.token_urlsafe(16)
        pkcs12 = generate(password)
        try:
            async with self.writing(), await self.session() as session, session.begin():
                session.add(SimIdentity(id=1, pkcs12=pkcs12, password=password))
        except IntegrityError:
            pass
        async with await self.session() as session:
            row = await session.get(SimIdentity, 1)
            assert row is not None
            return row.pkcs12, row.password


# Built once (building costs more than running them on SQLite); one of each per document.
_NUMBERS = SimAcceptedNumber.__table__
_DOCUMENTS = SimDocument.__table__
_ACCEPTED_NUMBER = select(_NUMBERS.c.duplicate_key).where(
    _NUMBERS.c.duplicate_key == bindparam("wanted_key")
)
_CLAIM_NUMBER = insert(_NUMBERS)
_INSERT_DOCUMENT = insert(_DOCUMENTS)
_ACCEPTED_BY_KEY = (
    select(_DOCUMENTS)
    .where(_DOCUMENTS.c.document_key == bindparam("wanted_key"), _DOCUMENTS.c.is_valid.is_(True))
    .limit(1)
)


def _number_accepted(conn: Connection, duplicate_key: str) -> bool:
    return conn.execute(_ACCEPTED_NUMBER, {"wanted_key": duplicate_key}).first() is not None


def _save_document(conn: Connection, values: dict[str, object], claim: str | None) -> None:
    if claim is not None:
        conn.execute(
            _CLAIM_NUMBER, {"duplicate_key": claim, "document_key": values["document_key"]}
        )
    conn.execute(_INSERT_DOCUMENT, values)


def _accepted_by_key(conn: Connection, document_key: str) -> object:
    return conn.execute(_ACCEPTED_BY_KEY, {"wanted_key": document_key}).first()


def _software(row: SimSoftware) -> RegisteredSoftware:
    return RegisteredSoftware(id=row.id, pin=row.pin, provider_nit=row.provider_nit,
                              test_set_id=row.test_set_id, active=row.active)


def _range(r: SimRange) -> RegisteredRange:
    return RegisteredRange(
        issuer_nit=r.issuer_nit, software_id=r.software_id, document_type=r.document_type,
        resolution_number=r.resolution_number, resolution_date=r.resolution_date,
        prefix=r.prefix, from_number=r.from_number, to_number=r.to_number,
        valid_from=r.valid_from, valid_to=r.valid_to, technical_key=r.technical_key,
    )


def _received(row: SimDocument | Any) -> ReceivedDocument:
    return ReceivedDocument(
        document_key=row.document_key, issuer_nit=row.issuer_nit,
        document_type=row.document_type, number=row.number, issue_date=row.issue_date,
        is_valid=row.is_valid, status_code=row.status_code,
        status_description=row.status_description, status_message=row.status_message,
        error_messages=tuple(m for m in row.error_messages.split("\n") if m),
        xml_file_name=row.xml_file_name, signed_xml=row.signed_xml,
        application_response=row.application_response, zip_key=row.zip_key,
        test_set_id=row.test_set_id,
    )


def duplicate_key(issuer_nit: str, document_type: str, number: str) -> str:
    """DIAN's duplicate identifier: invoice types 01/02/04 share one family (§4.5)."""
    family = "01" if document_type in {"01", "02", "04"} else document_type
    return hashlib.sha256(f"{issuer_nit}{family}{number}".encode()).hexdigest()


__all__: Sequence[str] = (
    "IssuerRegistry", "ReceivedDocument", "RegisteredRange", "RegisteredSoftware", "SimulatorStore",
    "certificate_fingerprint", "duplicate_key",
)
