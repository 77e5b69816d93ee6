"""Stored documents: insert before sending, update as DIAN answers, list.

Choice of return type: frozen msgspec Structs, never ORM rows. ``StoredDocument`` is the whole row
(signed XML, ZIP data, DIAN answer, request payload) for the pipeline and the delivery job;
``StoredDocument.record()`` gives the ``core.model.DocumentRecord`` dialects render, and ``list``
returns those directly without loading the large columns.

Every read a dialect makes is scoped by ``tenant_id``: another tenant's document is ``NotFound``,
exactly like a missing one.
"""

from __future__ import annotations

import builtins
import datetime as dt
import uuid as uuid_module
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any, Final

import msgspec
from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import BOGOTA, now_bogota
from core.errors import DuplicateDocument, NotFound
from core.model import DocumentRecord, DocumentStatus
from core.storage.database import database_for
from core.storage.numbering import allocate_number, allocate_owned_number
from core.storage.stored_documents import (
    StoredDocument,
    attached_for_storage,
    expand_attached,
    record_of,
    stored_from_row,
)
from core.storage.tables import DocumentRow, Resolution

_DOCUMENTS: Final = DocumentRow.__table__  # Core statements: RETURNING whole rows, no ORM load
# Built once: constructing a statement costs more than running it on SQLite. The columns an
# insert or update sets are the keys of the parameters given to ``execute``.
_INSERT_DOCUMENT: Final = insert(_DOCUMENTS).returning(*_DOCUMENTS.c)
_UPDATE_DOCUMENT: Final = (
    update(_DOCUMENTS).where(_DOCUMENTS.c.uuid == bindparam("match_uuid")).returning(*_DOCUMENTS.c)
)
_SET_DOCUMENT_COLUMNS: Final = update(_DOCUMENTS).where(
    _DOCUMENTS.c.uuid == bindparam("match_uuid")
)
_KEEP_ATTACHED_DOCUMENT: Final = update(_DOCUMENTS).where(
    _DOCUMENTS.c.uuid == bindparam("match_uuid"), _DOCUMENTS.c.attached_document.is_(None)
)
_UPDATABLE: Final = frozenset(
    {
        "status",
        "issue_datetime",
        "customer_id",
        "customer_name",
        "subtotal",
        "taxes",
        "tax_breakdown",
        "payable",
        "unique_code",
        "prehash",
        "signed_xml",
        "zip_name",
        "zip_key",
        "dian_status_code",
        "dian_status_description",
        "dian_message",
        "dian_errors",
        "application_response",
        "request_payload",
        "dialect_data",
        "reference",
        "attempts",
        "last_error",
        "attached_document",
        "attached_at",
        "delivery_status",
        "delivery_sent_at",
        "delivery_sent_to",
        "delivery_error",
    }
)


class DocumentRepository:
    """Documents of every tenant; each method runs its own short transaction
    (``core.storage.database``)."""

    def __init__(self, bind: AsyncEngine | async_sessionmaker[AsyncSession]) -> None:
        self._db = database_for(bind)

    async def insert_pending(
        self,
        *,
        tenant_id: int,
        dialect: str,
        type_code: str,
        environment: str,
        range_id: int | None = None,
        prefix: str | None = None,
        number: int | None = None,
        issue_datetime: dt.datetime | None = None,
        customer_id: str | None = None,
        customer_name: str | None = None,
        subtotal: Decimal | None = None,
        taxes: Decimal | None = None,
        tax_breakdown: Mapping[str, Decimal] | None = None,
        payable: Decimal | None = None,
        reference: str | None = None,
        request_payload: bytes | None = None,
        dialect_data: Mapping[str, Any] | None = None,
        uuid: str | None = None,
        before: Callable[[Connection], None] | None = None,
    ) -> StoredDocument:
        """Persist a new ``pendiente`` document before anything is sent.

        Numbering: give ``range_id`` to take the next number of that range (allocated in the
        same transaction, so a failed insert spends no number; the range must be the tenant's),
        or give ``prefix`` and ``number`` when the client numbers its own documents.
        ``DuplicateDocument`` when the tenant already has that prefix and number in that
        environment. ``before(connection)`` runs first inside the same transaction (the
        issuing path counts the quota and stores the delivery job there); what it raises
        rolls everything back and propagates.
        """
        if range_id is None and number is None:
            raise ValueError("give range_id, or prefix and number")
        now = now_bogota()
        values = {
            "uuid": uuid or str(uuid_module.uuid4()),
            "tenant_id": tenant_id,
            "dialect": dialect,
            "type_code": type_code,
            "environment": environment,
            "prefix": prefix or "",
            "number": number,
            "reference": reference,
            "issue_datetime": issue_datetime,
            "customer_id": customer_id,
            "customer_name": customer_name,
            "subtotal": subtotal,
            "taxes": taxes,
            "tax_breakdown": _breakdown_json(tax_breakdown),
            "payable": payable,
            "status": DocumentStatus.PENDING.value,
            "request_payload": request_payload,
            "dialect_data": dict(dialect_data) if dialect_data is not None else None,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }

        def insert_document(conn: Connection) -> Any:
            if before is not None:
                before(conn)
            if range_id is not None:
                allocated = allocate_owned_number(
                    conn, range_id, tenant_id=tenant_id, environment=environment
                )
                if allocated is None:  # raise the precise error
                    _range_prefix(conn, range_id, tenant_id, environment)
                    allocate_number(conn, range_id)
                    raise AssertionError("allocate_number must raise here")
                values["prefix"], values["number"] = allocated
            return conn.execute(_INSERT_DOCUMENT, values).one()

        try:
            row = await self._db.run(insert_document, write=True)
        except IntegrityError as error:
            if "uq_documents_number" not in str(error) and "documents.number" not in str(error):
                raise
            existing = await self.find_by_number(
                tenant_id, environment, values["prefix"], values["number"] or 0
            )
            raise DuplicateDocument(
                values["prefix"], values["number"] or 0, existing.uuid if existing else None
            ) from None
        return stored_from_row(row)

    async def update(
        self, uuid: str, *, before: Callable[[Connection], object] | None = None, **changes: Any
    ) -> StoredDocument:
        """Change columns of a document by uuid (``updated_at`` is set). Accepted names:
        ``_UPDATABLE``; ``tax_breakdown`` is a mapping of Decimals, ``dian_errors`` a sequence
        of strings. Returns the updated document. ``before(connection)`` runs first in the
        same transaction (the issuing path stores the jobs that follow an acceptance there)."""
        parameters = _update_parameters(uuid, changes)
        # the whole row comes back with the UPDATE: no second statement to re-read it
        if before is None:
            row = await self._db.run(_execute_one_or_none, _UPDATE_DOCUMENT, parameters, write=True)
        else:

            def update_after(conn: Connection) -> Any:
                before(conn)
                found = _execute_one_or_none(conn, _UPDATE_DOCUMENT, parameters)
                if found is None:  # roll back what ``before`` wrote
                    raise NotFound(f"el documento {uuid} no existe")
                return found

            row = await self._db.run(update_after, write=True)
        if row is None:
            raise NotFound(f"el documento {uuid} no existe")
        return stored_from_row(row)

    async def update_held(
        self,
        stored: StoredDocument,
        *,
        before: Callable[[Connection], object] | None = None,
        **changes: Any,
    ) -> StoredDocument:
        """``update`` for the caller that holds the document and is the one changing it (the
        issuing path holds its delivery job): the row is not read back; ``stored`` comes back
        with ``changes`` applied. ``NotFound`` when the row is gone (what ``before`` wrote is
        rolled back)."""
        parameters = _update_parameters(stored.uuid, changes)

        def update_after(conn: Connection) -> None:
            if before is not None:
                before(conn)
            if not _execute_count(conn, _SET_DOCUMENT_COLUMNS, parameters):
                raise NotFound(f"el documento {stored.uuid} no existe")

        await self._db.run(update_after, write=True)
        return _applied(stored, parameters)

    async def set_columns(self, uuid: str, **changes: Any) -> None:
        """``update`` for a caller that does not need the row back: the large columns (the
        signed XML, DIAN's answer, the AttachedDocument) are neither returned nor decoded."""
        parameters = _update_parameters(uuid, changes)
        if not await self._db.run(_execute_count, _SET_DOCUMENT_COLUMNS, parameters, write=True):
            raise NotFound(f"el documento {uuid} no existe")

    async def keep_attached_document(
        self, stored: StoredDocument, xml: str, built_at: dt.datetime
    ) -> str:
        """Store ``stored``'s AttachedDocument unless one is stored already, and return the
        one that is: two processes building it at once (the request of a dialect whose answer
        carries it, and the job) both hand out the first one stored."""
        signed, answer = stored.signed_xml, stored.application_response
        column = attached_for_storage(xml, signed, answer)
        parameters = _update_parameters(
            stored.uuid, {"attached_document": column, "attached_at": built_at}
        )

        def keep(conn: Connection) -> str | None:
            if conn.execute(_KEEP_ATTACHED_DOCUMENT, parameters).rowcount:
                return column
            return conn.execute(
                select(_DOCUMENTS.c.attached_document).where(_DOCUMENTS.c.uuid == stored.uuid)
            ).scalar()

        kept = await self._db.run(keep, write=True)
        if kept is None:
            raise NotFound(f"el documento {stored.uuid} no existe")
        return expand_attached(kept, signed, answer) or kept

    async def get(self, tenant_id: int, uuid: str) -> StoredDocument:
        """One document of this tenant; ``NotFound`` when absent or another tenant's."""
        found = await self._one(_DOCUMENTS.c.tenant_id == tenant_id, _DOCUMENTS.c.uuid == uuid)
        if found is None:
            raise NotFound(f"el documento {uuid} no existe")
        return found

    async def find_by_unique_code(self, tenant_id: int, unique_code: str) -> StoredDocument | None:
        """The tenant's document with this CUFE/CUDE (case-insensitive hex)."""
        return await self._one(
            _DOCUMENTS.c.tenant_id == tenant_id, _DOCUMENTS.c.unique_code == unique_code.lower()
        )

    async def find_by_number(
        self, tenant_id: int, environment: str, prefix: str, number: int
    ) -> StoredDocument | None:
        return await self._one(
            _DOCUMENTS.c.tenant_id == tenant_id,
            _DOCUMENTS.c.environment == environment,
            _DOCUMENTS.c.prefix == prefix,
            _DOCUMENTS.c.number == number,
        )

    async def find_by_zip_key(self, tenant_id: int, zip_key: str) -> StoredDocument | None:
        """The tenant's document DIAN gave this ZipKey (a test-set upload)."""
        return await self._one(_DOCUMENTS.c.tenant_id == tenant_id, _DOCUMENTS.c.zip_key == zip_key)

    async def tenants_of_track_id(self, track_id: str) -> set[int]:
        """The tenants with a document of this ZipKey or CUFE/CUDE (so a dialect that relays
        DIAN's answers never relays one about another tenant's document)."""
        query = select(_DOCUMENTS.c.tenant_id).where(
            (_DOCUMENTS.c.zip_key == track_id) | (_DOCUMENTS.c.unique_code == track_id.lower())
        )
        return {row[0] for row in await self._db.all(query)}

    async def find_by_reference(self, tenant_id: int, reference: str) -> StoredDocument | None:
        """The tenant's latest document carrying the client's own reference."""
        return await self._one(
            _DOCUMENTS.c.tenant_id == tenant_id, _DOCUMENTS.c.reference == reference
        )

    async def list(
        self,
        tenant_id: int,
        status: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        page: int = 1,
        per_page: int = 20,
        *,
        type_code: str | None = None,
        prefix: str | None = None,
        number: int | None = None,
        customer_id: str | None = None,
        reference: str | None = None,
        dialect: str | None = None,
        statuses: Collection[str] | None = None,
        full_number: str | None = None,
        customer_name_contains: str | None = None,
    ) -> tuple[builtins.list[DocumentRecord], int]:
        """One page of the tenant's documents, newest first, and the total matching.

        ``date_from``/``date_to`` are inclusive calendar days (Bogota) of the issue date.
        """
        conditions = _conditions(
            tenant_id,
            status=status,
            date_from=date_from,
            date_to=date_to,
            type_code=type_code,
            prefix=prefix,
            number=number,
            customer_id=customer_id,
            reference=reference,
            dialect=dialect,
            statuses=statuses,
            full_number=full_number,
            customer_name_contains=customer_name_contains,
        )
        rows, total = await self._page(select(*_RECORD_COLUMNS), conditions, page, per_page)
        return [record_of(row) for row in rows], total

    async def list_stored(
        self, tenant_id: int, page: int = 1, per_page: int = 20, **filters: Any
    ) -> tuple[builtins.list[StoredDocument], int]:
        """As ``list`` (same filters), with whole rows: for dialects that render what they
        stored with each document (``dialect_data``)."""
        conditions = _conditions(tenant_id, **filters)
        rows, total = await self._page(select(_DOCUMENTS), conditions, page, per_page)
        return [stored_from_row(row) for row in rows], total

    async def _page(
        self, query: Any, conditions: builtins.list[Any], page: int, per_page: int
    ) -> tuple[builtins.list[Any], int]:
        """One page of ``query`` (newest first) and the count of every row ``conditions``
        match, read in one transaction."""
        page, per_page = max(1, page), max(1, min(per_page, 500))
        paged = (
            query.where(*conditions)
            .order_by(_DOCUMENTS.c.created_at.desc(), _DOCUMENTS.c.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        counting = select(func.count()).select_from(_DOCUMENTS).where(*conditions)

        def read_page(conn: Connection) -> tuple[Any, builtins.list[Any]]:
            return conn.execute(counting).scalar(), conn.execute(paged).all()

        total, rows = await self._db.run(read_page)
        return rows, int(total or 0)

    async def get_by_id(self, tenant_id: int, document_id: int) -> StoredDocument:
        """One document of this tenant by its row id; ``NotFound`` when absent or another
        tenant's."""
        found = await self._one(_DOCUMENTS.c.tenant_id == tenant_id, _DOCUMENTS.c.id == document_id)
        if found is None:
            raise NotFound(f"el documento {document_id} no existe")
        return found

    async def delete_unaccepted(self, tenant_id: int, uuid: str) -> bool:
        """Delete one of the tenant's documents that DIAN has not accepted (a rejected,
        failed or pending one, which the client corrects and issues again); its number stays
        spent. ``False`` when there is no such document (absent, another tenant's, accepted)."""
        statement = delete(_DOCUMENTS).where(
            _DOCUMENTS.c.tenant_id == tenant_id,
            _DOCUMENTS.c.uuid == uuid,
            _DOCUMENTS.c.status != DocumentStatus.ACCEPTED.value,
        )

        def remove(conn: Connection) -> int:
            return conn.execute(statement).rowcount

        return bool(await self._db.run(remove, write=True))

    async def _one(self, *conditions: ColumnElement[bool]) -> StoredDocument | None:
        query = select(_DOCUMENTS).where(*conditions).order_by(_DOCUMENTS.c.id.desc()).limit(1)
        row = await self._db.first(query)
        return None if row is None else stored_from_row(row)


def _conditions(
    tenant_id: int,
    *,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    type_code: str | None = None,
    prefix: str | None = None,
    number: int | None = None,
    customer_id: str | None = None,
    reference: str | None = None,
    dialect: str | None = None,
    statuses: Collection[str] | None = None,
    full_number: str | None = None,
    customer_name_contains: str | None = None,
) -> builtins.list[ColumnElement[bool]]:
    """The WHERE clauses of a listing: every filter given, always scoped to the tenant."""
    columns = _DOCUMENTS.c
    conditions: builtins.list[ColumnElement[bool]] = [columns.tenant_id == tenant_id]
    if status is not None:
        conditions.append(columns.status == str(status))
    if statuses is not None:
        conditions.append(columns.status.in_([str(s) for s in statuses]))
    if date_from is not None:
        conditions.append(columns.issue_datetime >= _day_start(date_from))
    if date_to is not None:
        conditions.append(columns.issue_datetime < _day_start(date_to + dt.timedelta(days=1)))
    for column, value in (
        (columns.type_code, type_code),
        (columns.prefix, prefix),
        (columns.number, number),
        (columns.customer_id, customer_id),
        (columns.reference, reference),
        (columns.dialect, dialect),
    ):
        if value is not None:
            conditions.append(column == value)
    if full_number is not None:
        conditions.append(columns.prefix + cast(columns.number, String) == full_number)
    if customer_name_contains is not None:
        needle = customer_name_contains.lower()
        conditions.append(func.lower(columns.customer_name).contains(needle, autoescape=True))
    return conditions


def _execute_one_or_none(conn: Connection, statement: Any, parameters: Any) -> Any:
    return conn.execute(statement, parameters).one_or_none()


def _execute_count(conn: Connection, statement: Any, parameters: Any) -> int:
    """The rows an UPDATE matched."""
    return conn.execute(statement, parameters).rowcount


def _update_parameters(uuid: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The parameters of an UPDATE of ``changes`` by uuid, normalised as stored, with
    ``updated_at`` set unless given (``TypeError`` for a column that is not updatable)."""
    unknown = set(changes) - _UPDATABLE - {"updated_at"}
    if unknown:
        raise TypeError(f"not updatable: {', '.join(sorted(unknown))}")
    if "status" in changes:  # stored as the plain string; ValueError when unknown
        changes["status"] = DocumentStatus(changes["status"]).value
    if "tax_breakdown" in changes:
        changes["tax_breakdown"] = _breakdown_json(changes["tax_breakdown"])
    if changes.get("dian_errors") is not None:
        changes["dian_errors"] = [str(e) for e in changes["dian_errors"]]
    changes.setdefault("updated_at", now_bogota())
    changes["match_uuid"] = uuid
    return changes


def _applied(stored: StoredDocument, parameters: dict[str, Any]) -> StoredDocument:
    """``stored`` with the columns of an UPDATE's ``parameters`` (``_update_parameters``)."""
    fields = {name: value for name, value in parameters.items() if name != "match_uuid"}
    if "status" in fields:
        fields["status"] = DocumentStatus(fields["status"])
    if "tax_breakdown" in fields:
        breakdown = fields["tax_breakdown"] or {}
        fields["tax_breakdown"] = {scheme: Decimal(amount) for scheme, amount in breakdown.items()}
    if "dian_errors" in fields:
        fields["dian_errors"] = tuple(fields["dian_errors"] or ())
    changed = msgspec.structs.replace(stored, **fields)
    if "attached_document" in fields:  # stored with markers for what the row holds
        attached = expand_attached(
            changed.attached_document, changed.signed_xml, changed.application_response
        )
        changed = msgspec.structs.replace(changed, attached_document=attached)
    return changed


def _range_prefix(conn: Connection, range_id: int, tenant_id: int, environment: str) -> str:
    found = conn.execute(
        select(Resolution.prefix).where(
            Resolution.id == range_id,
            Resolution.tenant_id == tenant_id,
            Resolution.environment == environment,
        )
    ).one_or_none()
    if found is None:
        raise NotFound(f"rango de numeración {range_id} no existe para esta empresa y ambiente")
    return str(found.prefix)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=BOGOTA)


def _breakdown_json(breakdown: Mapping[str, Decimal] | None) -> dict[str, str] | None:
    if breakdown is None:
        return None
    return {scheme: str(amount) for scheme, amount in breakdown.items()}


_RECORD_COLUMNS: Final = tuple(
    _DOCUMENTS.c[name]
    for name in (
        "uuid",
        "tenant_id",
        "dialect",
        "type_code",
        "environment",
        "prefix",
        "number",
        "issue_datetime",
        "customer_id",
        "customer_name",
        "subtotal",
        "taxes",
        "tax_breakdown",
        "payable",
        "unique_code",
        "status",
        "zip_key",
        "dian_status_code",
        "dian_status_description",
        "dian_message",
        "dian_errors",
        "last_error",
        "attempts",
        "created_at",
    )
)
