"""What the RADIAN services hand to dialects: event requests and records, received invoices.

Frozen msgspec Structs, never ORM rows; every read is scoped by tenant.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import msgspec

EventCode = Literal["030", "031", "032", "033", "034"]
"""030 acuse de recibo, 031 reclamo, 032 recibo del bien o servicio, 033 aceptación expresa
(sent by the buyer of an invoice), 034 aceptación tácita (sent by its issuer)."""

EventRole = Literal["adquiriente", "emisor"]
"""Who the tenant is on the invoice the event is about: its buyer (030-033) or issuer (034)."""

EventStatus = Literal["aceptado", "rechazado"]
"""DIAN's verdict on an event. A Regla 90 (the event was already registered, sent by another
system) is ``aceptado`` with ``registered_elsewhere`` set."""


class EventPerson(msgspec.Struct, frozen=True, kw_only=True):
    """The natural person who acts for the sender (``cac:IssuerParty/cac:Person``; required by
    030 and 032, optional otherwise). ``id_type`` is DIAN's identification type code (13
    cédula, 31 NIT ...); ``dv`` only with a NIT."""

    id_type: str
    id_number: str
    first_name: str
    last_name: str
    dv: str | None = None
    job_title: str | None = None
    department: str | None = None


class EventRequest(msgspec.Struct, frozen=True, kw_only=True):
    """An event a tenant asks to send on the invoice whose CUFE is ``cufe``.

    ``claim_concept`` is required by 031 (DIAN's codes 01-04: documento con inconsistencias,
    mercancía no entregada totalmente, mercancía entregada parcialmente, servicio no prestado)
    and refused on the others. ``note`` is free text added to the legal notes.
    """

    cufe: str
    code: EventCode
    claim_concept: str | None = None
    person: EventPerson | None = None
    note: str | None = None


class EventRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An event Pasarela sent (or found registered at DIAN) and DIAN's answer."""

    uuid: str  # tracking id of the event in Pasarela
    tenant_id: int
    environment: str
    role: EventRole
    code: EventCode
    name: str  # Spanish name of the event (catalog)
    number: str  # cbc:ID of the ApplicationResponse
    cude: str
    issue_datetime: dt.datetime  # America/Bogota
    invoice_cufe: str
    invoice_number: str
    invoice_type_code: str  # 01
    sender_nit: str
    receiver_nit: str
    claim_concept: str | None = None
    claim_concept_name: str | None = None
    person: EventPerson | None = None
    status: EventStatus
    registered_elsewhere: bool = False  # DIAN answered Regla 90: recorded as success
    received_id: int | None = None  # the received invoice it was sent on (buyer events)
    dian_status_code: str | None = None
    dian_status_description: str | None = None
    dian_message: str | None = None
    dian_errors: tuple[str, ...] = ()
    created_at: dt.datetime | None = None


class ReceivedInvoice(msgspec.Struct, frozen=True, kw_only=True):
    """An invoice a tenant received from a supplier, verified (signature, CUFE) and stored.

    ``number`` is the full number as in ``cbc:ID`` (prefix included). ``events`` are the
    events the tenant recorded on it, oldest first.
    """

    id: int
    tenant_id: int
    cufe: str
    type_code: str  # 01, 02, 03 ...
    number: str
    issue_date: dt.date
    issue_time: str  # as in the XML, with its offset (10:53:10-05:00)
    due_date: dt.date | None
    supplier_nit: str
    supplier_dv: str | None
    supplier_id_type: str  # schemeName of the supplier's CompanyID (31 = NIT)
    supplier_name: str
    customer_nit: str
    currency: str
    payment_form: str | None  # 1 contado, 2 crédito
    payment_method: str | None
    line_extension: Decimal
    tax_total: Decimal
    payable: Decimal
    environment: str  # cbc:ProfileExecutionID: 1 producción, 2 pruebas
    events: tuple[EventRecord, ...] = ()
    created_at: dt.datetime | None = None

    @property
    def has_claim(self) -> bool:
        return any(e.code == "031" and e.status == "aceptado" for e in self.events)


class ReceivedPage(msgspec.Struct, frozen=True, kw_only=True):
    """One page of a tenant's received invoices and how many match in all."""

    items: tuple[ReceivedInvoice, ...]
    total: int


class DianEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One event DIAN holds on an invoice (from GetStatusEvent), whoever sent it."""

    code: str
    name: str
    number: str
    cude: str
    issue_date: str
    issue_time: str
    sender_nit: str
    receiver_nit: str
    claim_concept: str | None = None


class DianEvents(msgspec.Struct, frozen=True, kw_only=True):
    """DIAN's answer to GetStatusEvent for a CUFE: its status fields and the events found."""

    cufe: str
    status_code: str | None
    status_description: str | None
    message: str | None
    events: tuple[DianEvent, ...] = ()
