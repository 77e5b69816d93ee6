"""The RADIAN event service: build, check, sign, send and record events 030-034."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from core.clock import now_bogota
from core.radian.records import DianEvents, EventRecord, EventRequest


class EventService:
    """Events a tenant sends on invoices: as the buyer of a received invoice (030-033) or as
    the issuer of one it issued through Pasarela (034).

    ``clock`` gives the current Bogotá time (tests move it to reach the 034 term).
    """

    def __init__(self, *, clock: Callable[[], dt.datetime] = now_bogota) -> None:
        self.clock = clock

    async def send(self, tenant_id: int, request: EventRequest, *, dialect: str) -> EventRecord:
        """Check the rules, then build, sign, send and record the event.

        An event already recorded (accepted) for this tenant, CUFE and code is returned as it
        is, nothing is sent again. Refusals raise ``EventRefused`` (rule id + Spanish message)
        before anything is sent; ``NotFound`` never (an unknown CUFE is a refusal);
        ``DianUnavailable`` when DIAN cannot be reached (nothing recorded).
        """
        raise NotImplementedError

    async def get(self, tenant_id: int, uuid: str) -> EventRecord:
        """One recorded event by its tracking id (``NotFound`` for another tenant's)."""
        raise NotImplementedError

    async def list_for_invoice(self, tenant_id: int, cufe: str) -> list[EventRecord]:
        """The events this tenant recorded on the invoice ``cufe``, oldest first."""
        raise NotImplementedError

    async def signed_xml(self, tenant_id: int, uuid: str) -> bytes:
        """The signed ApplicationResponse of a recorded event."""
        raise NotImplementedError

    async def dian_events(self, tenant_id: int, cufe: str) -> DianEvents:
        """Ask DIAN (GetStatusEvent) which events it holds on ``cufe``, whoever sent them."""
        raise NotImplementedError
