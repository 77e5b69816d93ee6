"""Stored RADIAN data: received invoices and the events sent on invoices.

Rows become the frozen Structs of ``core.radian.records``; every read is scoped by tenant.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.clock import now_bogota
from core.errors import NotFound
from core.radian.records import EventPerson, EventRecord, ReceivedInvoice, ReceivedPage
from core.radian.rules import CLAIM_CONCEPTS, EVENT_NAMES
from core.storage.database import Database
from core.storage.tables import RadianEventRow, ReceivedInvoiceRow

_RECEIVED = ReceivedInvoiceRow.__table__
_EVENTS = RadianEventRow.__table__
_RECEIVED_COLUMNS = [c for c in _RECEIVED.c if c.name != "xml"]
_EVENT_COLUMNS = [c for c in _EVENTS.c if c.name != "signed_xml"]
PENDING_EVENT = "pendiente"  # reserved while being sent: not an event yet, never read


def _event(row: Any) -> EventRecord:
    person = msgspec.convert(row.person, EventPerson) if row.person else None
    return EventRecord(
        uuid=row.uuid,
        tenant_id=row.tenant_id,
        environment=row.environment,
        role=row.role,
        code=row.code,
        name=EVENT_NAMES.get(row.code, row.code),
        number=row.number,
        cude=row.cude,
        issue_datetime=row.issue_datetime,
        invoice_cufe=row.invoice_cufe,
        invoice_number=row.invoice_number,
        invoice_type_code=row.invoice_type_code,
        sender_nit=row.sender_nit,
        receiver_nit=row.receiver_nit,
        claim_concept=row.claim_concept,
        claim_concept_name=CLAIM_CONCEPTS.get(row.claim_concept or ""),
        person=person,
        status=row.status,
        registered_elsewhere=bool(row.registered_elsewhere),
        received_id=row.received_id,
        dian_status_code=row.dian_status_code,
        dian_status_description=row.dian_status_description,
        dian_message=row.dian_message,
        dian_errors=tuple(row.dian_errors or ()),
        created_at=row.created_at,
    )


def _received(row: Any, events: tuple[EventRecord, ...]) -> ReceivedInvoice:
    values = {c.name: getattr(row, c.name) for c in _RECEIVED_COLUMNS}
    return ReceivedInvoice(**values, events=events)


class RadianRepository:
    """Reads and writes of ``received_invoices`` and ``radian_events``."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # -- received invoices -------------------------------------------------------------------

    async def add_received(self, invoice: ReceivedInvoice, xml: bytes) -> ReceivedInvoice:
        """Store a received invoice; the one already stored when the tenant has its CUFE."""
        values = msgspec.structs.asdict(invoice)
        for name in ("id", "events", "created_at"):
            values.pop(name)

        def write(conn: Connection) -> None:
            conn.execute(insert(_RECEIVED).values(**values, xml=xml, created_at=now_bogota()))

        with contextlib.suppress(IntegrityError):  # loaded twice: the first one stays
            await self.database.run(write, write=True)
        found = await self.received_by_cufe(invoice.tenant_id, invoice.cufe)
        assert found is not None
        return found

    async def _with_events(self, rows: list[Any]) -> list[ReceivedInvoice]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        events = await self.database.all(
            select(*_EVENT_COLUMNS)
            .where(_EVENTS.c.received_id.in_(ids), _EVENTS.c.status != PENDING_EVENT)
            .order_by(_EVENTS.c.id)
        )
        by_invoice: dict[int, list[EventRecord]] = {}
        for event in events:
            by_invoice.setdefault(event.received_id, []).append(_event(event))
        return [_received(row, tuple(by_invoice.get(row.id, ()))) for row in rows]

    async def received(self, tenant_id: int, received_id: int) -> ReceivedInvoice:
        row = await self.database.first(
            select(*_RECEIVED_COLUMNS).where(
                _RECEIVED.c.tenant_id == tenant_id, _RECEIVED.c.id == received_id
            )
        )
        if row is None:
            raise NotFound(f"la factura recibida {received_id} no existe")
        return (await self._with_events([row]))[0]

    async def received_by_cufe(self, tenant_id: int, cufe: str) -> ReceivedInvoice | None:
        row = await self.database.first(
            select(*_RECEIVED_COLUMNS).where(
                _RECEIVED.c.tenant_id == tenant_id, _RECEIVED.c.cufe == cufe.lower()
            )
        )
        return None if row is None else (await self._with_events([row]))[0]

    async def received_xml(self, tenant_id: int, received_id: int) -> bytes:
        xml = await self.database.scalar(
            select(_RECEIVED.c.xml).where(
                _RECEIVED.c.tenant_id == tenant_id, _RECEIVED.c.id == received_id
            )
        )
        if xml is None:
            raise NotFound(f"la factura recibida {received_id} no existe")
        return bytes(xml)

    async def list_received(
        self,
        tenant_id: int,
        *,
        offset: int,
        limit: int,
        number: str | None,
        cufe: str | None,
        supplier_nit: str | None,
        supplier_name: str | None,
        issue_date: dt.date | None,
    ) -> ReceivedPage:
        conditions = [_RECEIVED.c.tenant_id == tenant_id]
        if number:
            conditions.append(_RECEIVED.c.number == number)
        if cufe:
            conditions.append(_RECEIVED.c.cufe == cufe.lower())
        if supplier_nit:
            conditions.append(_RECEIVED.c.supplier_nit == supplier_nit)
        if supplier_name:
            conditions.append(func.lower(_RECEIVED.c.supplier_name).contains(supplier_name.lower()))
        if issue_date:
            conditions.append(_RECEIVED.c.issue_date == issue_date)
        total = await self.database.scalar(
            select(func.count()).select_from(_RECEIVED).where(*conditions)
        )
        rows = await self.database.all(
            select(*_RECEIVED_COLUMNS)
            .where(*conditions)
            .order_by(_RECEIVED.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return ReceivedPage(items=tuple(await self._with_events(rows)), total=int(total or 0))

    # -- events ------------------------------------------------------------------------------

    async def next_event_number(self, tenant_id: int) -> str:
        """The tenant's next event number (``cbc:ID``); unique per tenant by constraint."""
        count = await self.database.scalar(
            select(func.count()).select_from(_EVENTS).where(_EVENTS.c.tenant_id == tenant_id)
        )
        return f"EV{int(count or 0) + 1}"

    async def reserve_event(self, event: EventRecord, signed_xml: bytes) -> bool:
        """Store a signed event before it is sent (its status ``pendiente``): this reserves
        its number. ``False`` when another request took the number first."""
        values = msgspec.structs.asdict(event)
        for name in ("name", "claim_concept_name", "created_at"):
            values.pop(name)
        values["person"] = msgspec.to_builtins(event.person) if event.person else None
        values["dian_errors"] = list(event.dian_errors)

        def write(conn: Connection) -> None:
            conn.execute(
                insert(_EVENTS).values(**values, signed_xml=signed_xml, created_at=now_bogota())
            )

        try:
            await self.database.run(write, write=True)
        except IntegrityError:
            return False
        return True

    async def record_answer(self, tenant_id: int, uuid: str, **answer: Any) -> EventRecord:
        """DIAN's answer to a reserved event; the event as it now stands."""

        def write(conn: Connection) -> None:
            conn.execute(
                update(_EVENTS)
                .where(_EVENTS.c.tenant_id == tenant_id, _EVENTS.c.uuid == uuid)
                .values(**answer)
            )

        await self.database.run(write, write=True)
        return await self.event(tenant_id, uuid)

    async def drop_pending(self, tenant_id: int, uuid: str) -> None:
        """Forget a reserved event that could not be sent (its number is given back)."""

        def write(conn: Connection) -> None:
            conn.execute(
                delete(_EVENTS).where(
                    _EVENTS.c.tenant_id == tenant_id,
                    _EVENTS.c.uuid == uuid,
                    _EVENTS.c.status == PENDING_EVENT,
                )
            )

        await self.database.run(write, write=True)

    async def event(self, tenant_id: int, uuid: str) -> EventRecord:
        row = await self.database.first(
            select(*_EVENT_COLUMNS).where(
                _EVENTS.c.tenant_id == tenant_id,
                _EVENTS.c.uuid == uuid,
                _EVENTS.c.status != PENDING_EVENT,
            )
        )
        if row is None:
            raise NotFound(f"el evento {uuid} no existe")
        return _event(row)

    async def event_xml(self, tenant_id: int, uuid: str) -> bytes:
        xml = await self.database.scalar(
            select(_EVENTS.c.signed_xml).where(
                _EVENTS.c.tenant_id == tenant_id,
                _EVENTS.c.uuid == uuid,
                _EVENTS.c.status != PENDING_EVENT,
            )
        )
        if xml is None:
            raise NotFound(f"el evento {uuid} no existe")
        return bytes(xml)

    async def events_on(self, tenant_id: int, cufe: str) -> list[EventRecord]:
        rows = await self.database.all(
            select(*_EVENT_COLUMNS)
            .where(
                _EVENTS.c.tenant_id == tenant_id,
                _EVENTS.c.invoice_cufe == cufe.lower(),
                _EVENTS.c.status != PENDING_EVENT,
            )
            .order_by(_EVENTS.c.id)
        )
        return [_event(row) for row in rows]
