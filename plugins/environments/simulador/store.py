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

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import now_bogota
from core.contracts import CHANNEL_INVOICES, Provisioning
from core.secrets import ENCRYPTED_PREFIX, SecretBox
from core.settings import Settings
from core.storage.database import Database, database_for, dispose_database
from core.storage.engine import create_engine
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
    """The simulated DIAN's registry and inbox on one database.

    Secrets (software PINs, the password of the simulated DIAN's certificate) are kept
    encrypted with the gateway's secret key (``SecretBox``), as the gateway keeps its own.
    """

    def __init__(self, database_url: str, box: SecretBox) -> None:
        self.database_url = database_url
        self.box = box
        self._engine: AsyncEngine | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> SimulatorStore:
        """The store on the gateway's database, with the gateway's secret key."""
        return cls(settings.database_url, SecretBox.from_settings(settings))

    async def database(self) -> Database:
        """Where every read and write runs (units of work of ``core.storage.database``).

        The engine is created on first use so app creation stays cheap, and anew for another
        event loop (tests, a CLI run after a server): async pools belong to their loop.
        """
        return database_for(self._engine_of_this_loop())

    def _engine_of_this_loop(self) -> AsyncEngine:
        loop = asyncio.get_running_loop()
        if self._engine is None or self._loop is not loop:
            if self._engine is not None:
                dispose_database(self._engine)  # its units of work's connections go with it
            self._engine = create_engine(self.database_url)
            self._loop = loop
        return self._engine

    async def dispose(self) -> None:
        if self._engine is not None:
            dispose_database(self._engine)
        if self._engine is not None and self._loop is asyncio.get_running_loop():
            await self._engine.dispose()
        self._engine, self._loop = None, None

    # -- the portal: what provisioning fills ---------------------------------------------

    async def register(self, provisioning: Provisioning) -> None:
        """Record a company as DIAN's portal would: company, software, ranges, certificate.

        Re-provisioning replaces the ranges declared for this issuer and software, so the
        registry follows the tenant's configuration.
        """
        tenant = provisioning.tenant
        now = now_bogota()

        def record(conn: Connection) -> None:
            _put(
                conn,
                _COMPANIES,
                {
                    "nit": tenant.nit,
                    "dv": tenant.dv,
                    "name": tenant.party.name,
                    "registered_at": now,
                },
            )
            # one software may serve several channels: file each range under the software
            # of its kind's channel
            software_of_range = {
                id(r): tenant.software.get(
                    provisioning.range_channels.get(r.document_type, CHANNEL_INVOICES)
                )
                for r in provisioning.ranges
            }
            # ranges filed under a software the tenant no longer uses go (DIAN moves a range
            # to the software it is associated with)
            current = sorted({s.id for s in tenant.software.values()})
            conn.execute(
                delete(_RANGES).where(
                    _RANGES.c.issuer_nit == tenant.nit, _RANGES.c.software_id.not_in(current)
                )
            )
            for software in {s.id: s for s in tenant.software.values()}.values():
                _put(
                    conn,
                    _SOFTWARE,
                    {
                        "id": software.id,
                        "pin": self.box.encrypt_text(software.pin),
                        "provider_nit": software.provider_nit,
                        "test_set_id": software.test_set_id,
                        "active": True,
                    },
                )
                _put(conn, _ISSUER_SOFTWARE, {"issuer_nit": tenant.nit, "software_id": software.id})
                conn.execute(
                    delete(_RANGES).where(
                        _RANGES.c.issuer_nit == tenant.nit, _RANGES.c.software_id == software.id
                    )
                )
                ranges = [
                    r
                    for r in provisioning.ranges
                    if (found := software_of_range[id(r)]) is not None and found.id == software.id
                ]
                if ranges:
                    conn.execute(
                        insert(_RANGES),
                        [
                            {
                                "issuer_nit": tenant.nit,
                                "software_id": software.id,
                                "document_type": r.document_type,
                                "resolution_number": r.resolution_number,
                                "resolution_date": r.resolution_date,
                                "prefix": r.prefix,
                                "from_number": r.from_number,
                                "to_number": r.to_number,
                                "valid_from": r.valid_from,
                                "valid_to": r.valid_to,
                                "technical_key": r.technical_key,
                            }
                            for r in ranges
                        ],
                    )
            if provisioning.certificate_der:
                der = provisioning.certificate_der
                _put(
                    conn,
                    _CERTIFICATES,
                    {
                        "fingerprint": certificate_fingerprint(der),
                        "issuer_nit": tenant.nit,
                        "der": der,
                    },
                )

        await (await self.database()).run(record, write=True)

    async def issuers_trusting(self, certificate_der: bytes) -> frozenset[str]:
        """NITs for which this certificate was provisioned (empty: an unknown certificate)."""
        fingerprint = certificate_fingerprint(certificate_der)
        query = select(_CERTIFICATES.c.issuer_nit).where(_CERTIFICATES.c.fingerprint == fingerprint)
        return frozenset(await self._scalars(query))

    async def trusted_certificates(self) -> list[bytes]:
        return await self._scalars(select(_CERTIFICATES.c.der).distinct())

    async def knows_any_company(self) -> bool:
        """Whether any company was ever provisioned here: a simulator whose database holds
        none is not on the gateways' database (a configuration mistake, not a bad call)."""
        return bool(await self._scalars(select(_COMPANIES.c.nit).limit(1)))

    async def company_name(self, nit: str) -> str | None:
        names = await self._scalars(select(_COMPANIES.c.name).where(_COMPANIES.c.nit == nit))
        return names[0] if names else None

    async def software(self, software_id: str) -> RegisteredSoftware | None:
        row = await self._first(select(_SOFTWARE).where(_SOFTWARE.c.id == software_id))
        return _software(row, self.box) if row is not None else None

    async def software_of_issuer(self, issuer_nit: str) -> list[str]:
        return await self._scalars(
            select(_ISSUER_SOFTWARE.c.software_id).where(
                _ISSUER_SOFTWARE.c.issuer_nit == issuer_nit
            )
        )

    async def ranges(
        self, issuer_nit: str, software_id: str | None = None
    ) -> list[RegisteredRange]:
        query = select(_RANGES).where(_RANGES.c.issuer_nit == issuer_nit)
        if software_id is not None:
            query = query.where(_RANGES.c.software_id == software_id)
        return [_range(r) for r in await self._all(query.order_by(_RANGES.c.id))]

    async def _all(self, query: Any) -> list[Any]:
        return await (await self.database()).all(query)

    async def _first(self, query: Any, parameters: Any = None) -> Any:
        return await (await self.database()).first(query, parameters)

    async def _scalars(self, query: Any) -> list[Any]:
        return [row[0] for row in await self._all(query)]

    # -- the inbox -------------------------------------------------------------------------

    async def is_number_accepted(self, duplicate_key: str) -> bool:
        found = await self._first(_ACCEPTED_NUMBER, {"wanted_key": duplicate_key})
        return found is not None

    async def save_batch(self, zip_key: str, file_name: str, test_set_id: str | None) -> None:
        values = {
            "zip_key": zip_key,
            "file_name": file_name[:200],
            "test_set_id": test_set_id,
            "received_at": now_bogota(),
        }
        await (await self.database()).run(_insert, _BATCHES, values, write=True)

    async def batch_exists(self, zip_key: str) -> tuple[bool, str | None]:
        """Whether a ZipKey is known and the test set it was sent to."""
        batch = await self._first(select(_BATCHES).where(_BATCHES.c.zip_key == zip_key))
        return (batch is not None, batch.test_set_id if batch else None)

    async def issuer_registry(self, nit: str, software_id: str) -> IssuerRegistry:
        """What the portal knows about an issuer and the software a document names, at once."""

        def read(conn: Connection) -> IssuerRegistry:
            company = conn.execute(select(_COMPANIES).where(_COMPANIES.c.nit == nit)).first()
            software = None
            if software_id:
                software = conn.execute(
                    select(_SOFTWARE).where(_SOFTWARE.c.id == software_id)
                ).first()
            rows = conn.execute(
                select(_RANGES).where(_RANGES.c.issuer_nit == nit).order_by(_RANGES.c.id)
            )
            return IssuerRegistry(
                name=company.name if company else None,
                software=_software(software, self.box) if software else None,
                ranges=tuple(_range(r) for r in rows),
            )

        return await (await self.database()).run(read)

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
            document_key=doc.document_key,
            issuer_nit=doc.issuer_nit,
            document_type=doc.document_type,
            number=doc.number,
            issue_date=doc.issue_date,
            is_valid=doc.is_valid,
            status_code=doc.status_code,
            status_description=doc.status_description,
            status_message=doc.status_message,
            error_messages="\n".join(doc.error_messages),
            xml_file_name=doc.xml_file_name,
            signed_xml=doc.signed_xml,
            application_response=doc.application_response,
            zip_key=doc.zip_key,
            test_set_id=doc.test_set_id,
            received_at=now_bogota(),
        )

    async def latest_document(self, document_key: str) -> ReceivedDocument | None:
        """The last processing of a CUFE/CUDE, an accepted one first when there is one."""
        row = await self._first(
            select(_DOCUMENTS)
            .where(_DOCUMENTS.c.document_key == document_key.lower())
            .order_by(_DOCUMENTS.c.is_valid.desc(), _DOCUMENTS.c.id.desc())
            .limit(1)
        )
        return _received(row) if row is not None else None

    async def accepted_document(self, issuer_nit: str, number: str) -> ReceivedDocument | None:
        """An accepted document of this issuer with this number (note references)."""
        row = await self._first(
            select(_DOCUMENTS)
            .where(
                _DOCUMENTS.c.number == number,
                _DOCUMENTS.c.is_valid.is_(True),
                _DOCUMENTS.c.issuer_nit == issuer_nit,
            )
            .limit(1)
        )
        return _received(row) if row is not None else None

    async def accepted_by_key(self, document_key: str) -> ReceivedDocument | None:
        row = await self._first(_ACCEPTED_BY_KEY, {"wanted_key": document_key.lower()})
        return _received(row) if row is not None else None

    async def documents_in_batch(self, zip_key: str) -> list[ReceivedDocument]:
        query = select(_DOCUMENTS).where(_DOCUMENTS.c.zip_key == zip_key)
        return [_received(r) for r in await self._all(query.order_by(_DOCUMENTS.c.id))]

    async def test_set_counts(self, test_set_id: str) -> dict[str, tuple[int, int]]:
        """Per document type: (accepted, rejected) documents sent to a test set."""
        rows = await self._all(
            select(_DOCUMENTS.c.document_type, _DOCUMENTS.c.is_valid).where(
                _DOCUMENTS.c.test_set_id == test_set_id
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
        query = select(_IDENTITY).where(_IDENTITY.c.id == 1)
        row = await self._first(query)
        if row is None:
            password = secrets.token_urlsafe(16)
            values = {
                "id": 1,
                "pkcs12": generate(password),
                "password": self.box.encrypt_text(password),
            }
            with contextlib.suppress(IntegrityError):  # another process stored one first
                await (await self.database()).run(_insert, _IDENTITY, values, write=True)
            row = await self._first(query)
            assert row is not None
        return row.pkcs12, _opened(self.box, row.password)


# Built once (building costs more than running them on SQLite); one of each per document.
_NUMBERS = SimAcceptedNumber.__table__
_DOCUMENTS = SimDocument.__table__
_COMPANIES = SimCompany.__table__
_SOFTWARE = SimSoftware.__table__
_ISSUER_SOFTWARE = SimIssuerSoftware.__table__
_RANGES = SimRange.__table__
_CERTIFICATES = SimCertificate.__table__
_BATCHES = SimBatch.__table__
_IDENTITY = SimIdentity.__table__
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


def _put(conn: Connection, table: Any, values: dict[str, object]) -> None:
    """Insert a row, or update the one with the same primary key (the portal's re-registration)."""
    key = {column.name: values[column.name] for column in table.primary_key.columns}
    condition = [table.c[name] == value for name, value in key.items()]
    changed = {name: value for name, value in values.items() if name not in key}
    if changed:
        if conn.execute(update(table).where(*condition).values(changed)).rowcount:
            return  # (a matched row counts even when nothing in it changed)
    elif conn.execute(select(*table.primary_key.columns).where(*condition)).first() is not None:
        return
    conn.execute(insert(table).values(values))


def _insert(conn: Connection, table: Any, values: dict[str, object]) -> None:
    conn.execute(insert(table).values(values))


def _save_document(conn: Connection, values: dict[str, object], claim: str | None) -> None:
    if claim is not None:
        conn.execute(
            _CLAIM_NUMBER, {"duplicate_key": claim, "document_key": values["document_key"]}
        )
    conn.execute(_INSERT_DOCUMENT, values)


def _opened(box: SecretBox, stored: str) -> str:
    """A secret the store encrypted; one a version before encryption wrote in clear is used
    as it is (the next provisioning of its company stores it encrypted)."""
    if not stored.startswith(ENCRYPTED_PREFIX):
        return stored
    return box.decrypt_text(stored)


def _software(row: Any, box: SecretBox) -> RegisteredSoftware:
    return RegisteredSoftware(
        id=row.id,
        pin=_opened(box, row.pin),
        provider_nit=row.provider_nit,
        test_set_id=row.test_set_id,
        active=row.active,
    )


def _range(r: Any) -> RegisteredRange:
    return RegisteredRange(
        issuer_nit=r.issuer_nit,
        software_id=r.software_id,
        document_type=r.document_type,
        resolution_number=r.resolution_number,
        resolution_date=r.resolution_date,
        prefix=r.prefix,
        from_number=r.from_number,
        to_number=r.to_number,
        valid_from=r.valid_from,
        valid_to=r.valid_to,
        technical_key=r.technical_key,
    )


def _received(row: Any) -> ReceivedDocument:
    return ReceivedDocument(
        document_key=row.document_key,
        issuer_nit=row.issuer_nit,
        document_type=row.document_type,
        number=row.number,
        issue_date=row.issue_date,
        is_valid=row.is_valid,
        status_code=row.status_code,
        status_description=row.status_description,
        status_message=row.status_message,
        error_messages=tuple(m for m in row.error_messages.split("\n") if m),
        xml_file_name=row.xml_file_name,
        signed_xml=row.signed_xml,
        application_response=row.application_response,
        zip_key=row.zip_key,
        test_set_id=row.test_set_id,
    )


def duplicate_key(issuer_nit: str, document_type: str, number: str) -> str:
    """DIAN's duplicate identifier: invoice types 01/02/04 share one family (§4.5)."""
    family = "01" if document_type in {"01", "02", "04"} else document_type
    return hashlib.sha256(f"{issuer_nit}{family}{number}".encode()).hexdigest()


__all__: Sequence[str] = (
    "IssuerRegistry",
    "ReceivedDocument",
    "RegisteredRange",
    "RegisteredSoftware",
    "SimulatorStore",
    "certificate_fingerprint",
    "duplicate_key",
)
