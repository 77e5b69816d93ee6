"""What the tenancy services hand out: frozen Structs, never rows."""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec

from core.model import NumberingRange, Party


class _Unchanged:
    """Marks an optional argument that was not given (``None`` means 'clear')."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()
Unchanged = _Unchanged


class CertificateInfo(msgspec.Struct, frozen=True, kw_only=True):
    fingerprint: str  # SHA-256 hex of the certificate DER
    subject: str
    not_after: dt.datetime


class SoftwareInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A registered software as administrators see it (the PIN is never shown)."""

    channel: str
    id: str
    test_set_id: str | None = None


class TenantRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A tenant as administrators see it (the engine uses ``TenantView``)."""

    id: int
    uuid: str
    nit: str
    dv: str
    name: str
    party: Party
    environment: str
    software: tuple[SoftwareInfo, ...]
    provider_nit: str
    provider_dv: str
    permissions: tuple[str, ...]
    monthly_limit: int | None
    yearly_limit: int | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    certificate: CertificateInfo | None = None

    def software_for(self, channel: str) -> SoftwareInfo | None:
        return next((s for s in self.software if s.channel == channel), None)


class RangeRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A numbering range and how far it has been used."""

    range: NumberingRange
    next_number: int
    retired_at: dt.datetime | None = None
    created_at: dt.datetime | None = None

    @property
    def remaining(self) -> int:
        return max(0, self.range.to_number - self.next_number + 1)


class CredentialRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    tenant_id: int
    dialect: str
    scheme: str
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None = None


class IssuedCredential(msgspec.Struct, frozen=True, kw_only=True):
    """A new credential: ``token`` is what the client presents; shown once, never stored."""

    id: int
    tenant_id: int
    dialect: str
    scheme: str
    token: str
    expires_at: dt.datetime | None = None
    # What the dialect's clients configure besides (or instead of) ``token``, shown once:
    # filled by ``Dialect.complete_credential`` (e.g. client id and secret, user, password).
    details: dict[str, str] = msgspec.field(default_factory=dict)


class QuotaStatus(msgspec.Struct, frozen=True, kw_only=True):
    monthly_used: int
    monthly_limit: int | None
    yearly_used: int
    yearly_limit: int | None
