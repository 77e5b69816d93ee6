"""What the engine knows about an issuing company (tenant) at issue time.

These are read-only views handed to the pipeline and to plugins; the storage layer owns the rows.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from core.model.document import Party


class Software(msgspec.Struct, frozen=True, kw_only=True):
    """Software registered at DIAN for one channel: id (GUID), PIN, and the provider that owns
    it (DIAN registers one per channel: invoices, equivalent documents, support documents)."""

    id: str
    pin: str
    provider_nit: str  # NIT of the software owner (the tenant itself for "software propio")
    provider_dv: str
    test_set_id: str | None = None


class NumberingRange(msgspec.Struct, frozen=True, kw_only=True):
    """A DIAN numbering authorization (resolución) for one document type and environment."""

    id: int
    document_type: str  # 01, 91, 92, 20 ...
    environment: str
    resolution_number: str
    resolution_date: dt.date | None = None
    prefix: str
    from_number: int
    to_number: int
    valid_from: dt.date
    valid_to: dt.date
    technical_key: str | None = None  # only invoices' ranges carry one


class TenantView(msgspec.Struct, frozen=True, kw_only=True):
    """The tenant as the engine sees it: its party, software by channel, environment and the
    permissions it holds (ids declared by document kinds)."""

    id: int
    uuid: str
    nit: str
    dv: str
    party: Party
    environment: str  # habilitacion | produccion | simulador | a plugin's id
    software: dict[str, Software]  # by channel (core.contracts.CHANNEL_*)
    permissions: frozenset[str] = frozenset()
    status: str = "activo"
