"""Tenants (issuing companies), their certificates, numbering ranges, API credentials and quotas.

One service for the CLI (``pasarela tenants|tokens``), ``serve --demo``, the web app and the
dialects. Every method runs its own short transaction, a unit of work of
``core.storage.database``, so callers hold no database state and get frozen msgspec Structs back
(never rows).

Hot path of an API request: ``authenticate(dialect, token)`` (one read), then ``count_quota``,
number allocation and ``DocumentRepository.insert_pending`` in one write transaction, and an
audit row written with others in a batch.

Secrets: the software PIN, the PKCS#12 and its password are encrypted with ``SecretBox``;
credential secrets are stored only as SHA-256 hashes and shown once, when issued.

Provisioning: whenever a tenant's environment, ranges or certificate change, the registered
``Environment.provision`` of the tenant's environment (if any) is awaited with a
``Provisioning`` — that is how the simulator learns what DIAN's portal would know.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import logging
import math
import time
import uuid as uuid_module
from collections.abc import Mapping, Sequence
from typing import Any, Final

import msgspec
from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import BOGOTA, now_bogota
from core.contracts import Environment, Provisioning
from core.errors import (
    AuthenticationFailed,
    ConfigurationError,
    NoNumberingRange,
    NotFound,
    NumberingExhausted,
    QuotaExceeded,
)
from core.model import NumberingRange, Party, Software, TenantView
from core.secrets import SecretBox, hash_token_secret, new_token_secret, token_secret_matches
from core.settings import Settings
from core.storage.database import database_for
from core.storage.tables import AuditEntry, Certificate, Credential, QuotaUsage, Resolution, Tenant

log = logging.getLogger(__name__)

PERMISSIONS: Final = ("permite_facturas", "permite_notas_credito", "permite_notas_debito")
_PERMISSION_BY_TYPE: Final = {
    **dict.fromkeys(("01", "02", "03", "04", "20"), "permite_facturas"),
    **dict.fromkeys(("91", "94"), "permite_notas_credito"),
    **dict.fromkeys(("92", "93"), "permite_notas_debito"),
}
AUDIT_FLUSH_DELAY_S = 0.2  # audit rows wait at most this long for their batch
AUDIT_BATCH_MAX = 256
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)  # last_used is refreshed at most once a minute


def required_permission(type_code: str) -> str | None:
    """The tenant permission a document type needs (``None``: no flag governs it)."""
    return _PERMISSION_BY_TYPE.get(type_code)


MAX_CREDENTIAL_ID = 2**63 - 1  # BIGINT


def parse_token(token: str) -> tuple[int, str] | None:
    """Split a ``"<id>|<secret>"`` token; ``None`` when it is not shaped like one.

    The id must be ASCII digits within a database integer (``²`` or ``٣`` pass ``isdigit``;
    ``9223372036854775808`` overflows the column): anything else is simply not a token.
    """
    ident, sep, secret = token.strip().partition("|")
    if not sep or not secret or not (ident.isascii() and ident.isdigit()) or len(ident) > 19:
        return None
    value = int(ident)
    return (value, secret) if value <= MAX_CREDENTIAL_ID else None


class _Unchanged:
    """Marks an optional argument of ``update_tenant`` that was not given (None means 'clear')."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()


class CertificateInfo(msgspec.Struct, frozen=True, kw_only=True):
    fingerprint: str  # SHA-256 hex of the certificate DER
    subject: str
    not_after: dt.datetime


class TenantRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A tenant as administrators see it (the engine uses ``TenantView``)."""

    id: int
    uuid: str
    nit: str
    dv: str
    name: str
    party: Party
    environment: str
    software_id: str
    provider_nit: str
    provider_dv: str
    test_set_id: str | None
    permissions: dict[str, bool]
    monthly_limit: int | None
    yearly_limit: int | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    certificate: CertificateInfo | None = None


class RangeRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A numbering range and how far it has been used."""

    range: NumberingRange
    next_number: int

    @property
    def remaining(self) -> int:
        return max(0, self.range.to_number - self.next_number + 1)


class CredentialRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    tenant_id: int
    dialect: str
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class IssuedCredential(msgspec.Struct, frozen=True, kw_only=True):
    """A new credential: ``token`` (``"<id>|<secret>"``) is shown once and never stored."""

    id: int
    tenant_id: int
    dialect: str
    secret: str
    token: str


class QuotaStatus(msgspec.Struct, frozen=True, kw_only=True):
    monthly_used: int
    monthly_limit: int | None
    yearly_used: int
    yearly_limit: int | None


def period_keys(now: dt.datetime) -> tuple[str, str]:
    """Quota periods of a moment, in Bogota time: (``2026-11``, ``2026``)."""
    local = now.astimezone(BOGOTA)
    return f"{local.year:04d}-{local.month:02d}", f"{local.year:04d}"


def seconds_until_next_period(now: dt.datetime, period: str) -> int:
    """Seconds from ``now`` until the next month (``mensual``) or year (``anual``) starts."""
    local = now.astimezone(BOGOTA)
    if period == "anual" or local.month == 12:
        start = dt.datetime(local.year + 1, 1, 1, tzinfo=BOGOTA)
    else:
        start = dt.datetime(local.year, local.month + 1, 1, tzinfo=BOGOTA)
    return max(1, math.ceil((start - local).total_seconds()))


class TenantService:
    """Create and configure tenants, issue and check credentials, count quotas.

    ``environments`` (the registry's environments, a mapping or ``Catalog`` by id) is used to
    check environment ids and to provision; it may be assigned after construction.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        secret_box: SecretBox,
        registry_environments: Mapping[str, Environment] | Any | None = None,
        *,
        settings: Settings,
    ) -> None:
        self._db = database_for(sessionmaker)
        self._audit_pending: list[dict[str, Any]] = []
        self._audit_timer: tuple[asyncio.TimerHandle, asyncio.AbstractEventLoop] | None = None
        self._audit_tasks: set[asyncio.Task[None]] = set()
        self._box = secret_box
        self.environments = registry_environments
        self.settings = settings
        # (tenant, type, environment, date) -> (active range, monotonic time it was read)
        self._active_ranges: dict[tuple[int, str, str, dt.date], tuple[NumberingRange, float]] = {}

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        environments: Mapping[str, Environment] | Any | None = None,
    ) -> TenantService:
        return cls(sessionmaker, SecretBox.from_settings(settings), environments, settings=settings)

    # ----------------------------------------------------------------- tenants

    async def create_tenant(
        self,
        *,
        nit: str,
        dv: str,
        software_id: str,
        software_pin: str,
        name: str | None = None,
        party: Party | None = None,
        environment: str = "habilitacion",
        provider_nit: str | None = None,
        provider_dv: str | None = None,
        test_set_id: str | None = None,
        permissions: Mapping[str, bool] | None = None,
        monthly_limit: int | None = None,
        yearly_limit: int | None = None,
        status: str = "activo",
        uuid: str | None = None,
    ) -> TenantRecord:
        """Register a company. Give ``party`` (full supplier data) or at least ``name``.

        ``provider_nit``/``provider_dv`` default to the tenant's own (software propio);
        ``permissions`` defaults to every flag in ``PERMISSIONS`` allowed.
        """
        nit, dv = nit.strip(), dv.strip()
        party = self._party_for(nit, dv, party, name)
        self._check_environment(environment)
        now = now_bogota()
        values: dict[str, Any] = {
            "uuid": uuid or str(uuid_module.uuid4()),
            "nit": nit,
            "dv": dv,
            "name": party.name,
            "party": msgspec.to_builtins(party),
            "environment": environment,
            "software_id": software_id,
            "software_pin": self._box.encrypt(software_pin.encode()),
            "provider_nit": provider_nit or nit,
            "provider_dv": provider_dv or dv,
            "test_set_id": test_set_id,
            "monthly_limit": _limit(monthly_limit),
            "yearly_limit": _limit(yearly_limit),
            "status": status,
            "created_at": now,
            "updated_at": now,
        }
        values.update(_permission_values(permissions, defaults=True))
        try:
            tenant_id = await self._db.run(_insert_returning_id, _TENANTS, values, write=True)
        except IntegrityError:
            raise ConfigurationError(f"ya existe una empresa con NIT {nit}") from None
        await self.provision(tenant_id)
        return await self.get_tenant(tenant_id)

    async def update_tenant(
        self,
        tenant_id: int,
        *,
        name: str | None = None,
        party: Party | None = None,
        permissions: Mapping[str, bool] | None = None,
        monthly_limit: int | None | _Unchanged = UNCHANGED,
        yearly_limit: int | None | _Unchanged = UNCHANGED,
        software_id: str | None = None,
        software_pin: str | None = None,
        provider_nit: str | None = None,
        provider_dv: str | None = None,
        test_set_id: str | None | _Unchanged = UNCHANGED,
        status: str | None = None,
    ) -> TenantRecord:
        """Change what is given; quotas and test set id accept ``None`` to clear them."""

        def change(conn: Connection) -> Any:
            row = _tenant_row(conn, tenant_id)
            values: dict[str, Any] = {"updated_at": now_bogota()}
            if party is not None or name is not None:
                current = msgspec.convert(row.party, Party)
                new_party = party or msgspec.structs.replace(current, name=name)
                if name is not None and party is not None:
                    new_party = msgspec.structs.replace(party, name=name)
                new_party = self._party_for(row.nit, row.dv, new_party, None)
                values["party"] = msgspec.to_builtins(new_party)
                values["name"] = new_party.name
            values.update(_permission_values(permissions, defaults=False))
            if not isinstance(monthly_limit, _Unchanged):
                values["monthly_limit"] = _limit(monthly_limit)
            if not isinstance(yearly_limit, _Unchanged):
                values["yearly_limit"] = _limit(yearly_limit)
            if not isinstance(test_set_id, _Unchanged):
                values["test_set_id"] = test_set_id
            if software_id is not None:
                values["software_id"] = software_id
            if software_pin is not None:
                values["software_pin"] = self._box.encrypt(software_pin.encode())
            if provider_nit is not None:
                values["provider_nit"] = provider_nit
            if provider_dv is not None:
                values["provider_dv"] = provider_dv
            if status is not None:
                values["status"] = status
            conn.execute(update(_TENANTS).where(_TENANTS.c.id == row.id).values(**values))
            return row

        row = await self._db.run(change, write=True)
        await self.provision(row.id)
        return await self.get_tenant(row.id)

    async def get_tenant(self, ref: int | str) -> TenantRecord:
        """A tenant by id (an ``int``), uuid, or NIT (``"900373076"`` or ``"900373076-5"``).
        Raises ``NotFound``."""

        def read(conn: Connection) -> TenantRecord:
            row = _tenant_row(conn, ref)
            certificate = conn.execute(
                select(_CERTIFICATES).where(_CERTIFICATES.c.tenant_id == row.id)
            ).first()
            return _tenant_record(row, certificate)

        return await self._db.run(read)

    async def list_tenants(self) -> list[TenantRecord]:
        def read(conn: Connection) -> list[TenantRecord]:
            rows = conn.execute(select(_TENANTS).order_by(_TENANTS.c.id)).all()
            certs = {c.tenant_id: c for c in conn.execute(select(_CERTIFICATES)).all()}
            return [_tenant_record(row, certs.get(row.id)) for row in rows]

        return await self._db.run(read)

    async def tenant_view(self, tenant_id: int) -> TenantView:
        """The engine's read-only view: party, software (PIN decrypted), permissions."""
        return self._view(await self._db.run(_tenant_row, tenant_id))

    async def switch_environment(self, tenant_id: int, env_id: str) -> TenantRecord:
        """Move a tenant to another environment. Its documents stay; ranges are per environment,
        so the new environment needs its own (``add_resolution``)."""
        self._check_environment(env_id)

        def switch(conn: Connection) -> Any:
            row = _tenant_row(conn, tenant_id)
            conn.execute(
                update(_TENANTS)
                .where(_TENANTS.c.id == row.id)
                .values(environment=env_id, updated_at=now_bogota())
            )
            return row

        row = await self._db.run(switch, write=True)
        await self.provision(row.id)
        return await self.get_tenant(row.id)

    # ------------------------------------------------------------- certificates

    async def attach_certificate(
        self, tenant_id: int, pkcs12: bytes, password: str
    ) -> CertificateInfo:
        """Store (or replace) the tenant's signing certificate, encrypted with its password.

        The PKCS#12 is opened first, so a wrong password or a damaged file raises
        ``CertificateError`` (Spanish message) and nothing is stored.
        """
        from core.signing.certificates import load_pkcs12

        identity = load_pkcs12(pkcs12, password)
        info = CertificateInfo(
            fingerprint=hashlib.sha256(identity.der).hexdigest(),
            subject=identity.certificate.subject.rfc4514_string()[:500],
            not_after=identity.certificate.not_valid_after_utc.astimezone(BOGOTA),
        )
        values = {
            "pkcs12": self._box.encrypt(pkcs12),
            "password": self._box.encrypt(password.encode()),
            "fingerprint": info.fingerprint,
            "subject": info.subject,
            "not_after": info.not_after,
            "created_at": now_bogota(),
        }

        def store(conn: Connection) -> int:
            row = _tenant_row(conn, tenant_id)
            existing = conn.execute(
                select(_CERTIFICATES.c.id).where(_CERTIFICATES.c.tenant_id == row.id)
            ).scalar()
            if existing is None:
                conn.execute(insert(_CERTIFICATES).values(tenant_id=row.id, **values))
            else:
                conn.execute(
                    update(_CERTIFICATES).where(_CERTIFICATES.c.id == existing).values(**values)
                )
            return int(row.id)

        owner = await self._db.run(store, write=True)
        await self.provision(owner, certificate_der=identity.der)
        return info

    async def load_certificate(self, tenant_id: int) -> tuple[bytes, str]:
        """The tenant's PKCS#12 bytes and password, decrypted (parse them through
        ``core.signing.certificates.CertificateCache``). ``ConfigurationError`` if none."""
        query = select(_CERTIFICATES.c.pkcs12, _CERTIFICATES.c.password).where(
            _CERTIFICATES.c.tenant_id == tenant_id
        )
        found = await self._db.first(query)
        if found is None:
            raise ConfigurationError(
                "la empresa no tiene certificado de firma: cárguelo con "
                "'pasarela tenants certificate'"
            )
        return self._box.decrypt(found.pkcs12), self._box.decrypt(found.password).decode()

    # ---------------------------------------------------------- numbering ranges

    async def add_resolution(
        self,
        tenant_id: int,
        *,
        document_type: str,
        resolution_number: str,
        from_number: int,
        to_number: int,
        valid_from: dt.date,
        valid_to: dt.date,
        prefix: str = "",
        resolution_date: dt.date | None = None,
        technical_key: str | None = None,
        environment: str | None = None,
        next_number: int | None = None,
    ) -> NumberingRange:
        """Add a numbering range (defaults: the tenant's current environment, numbering from
        ``from_number``; give ``next_number`` to continue a range already in use elsewhere)."""
        start = from_number if next_number is None else next_number
        if not 0 <= from_number <= to_number:
            raise ConfigurationError("el rango debe cumplir 0 <= desde <= hasta")
        if not from_number <= start <= to_number + 1:
            raise ConfigurationError("el siguiente número debe estar dentro del rango")
        if valid_from > valid_to:
            raise ConfigurationError("la vigencia del rango termina antes de empezar")

        def insert_range(conn: Connection) -> tuple[Any, str, NumberingRange]:
            row = _tenant_row(conn, tenant_id)
            env = environment or row.environment
            self._check_environment(env)
            created = conn.execute(
                insert(_RESOLUTIONS)
                .values(
                    tenant_id=row.id,
                    environment=env,
                    document_type=document_type,
                    resolution_number=resolution_number,
                    resolution_date=resolution_date,
                    prefix=prefix,
                    from_number=from_number,
                    to_number=to_number,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    technical_key=technical_key,
                    next_number=start,
                    created_at=now_bogota(),
                )
                .returning(*_RESOLUTIONS.c)
            ).one()
            return row, env, _numbering_range(created)

        row, env, numbering = await self._db.run(insert_range, write=True)
        self._active_ranges.clear()
        if env == row.environment:
            await self.provision(row.id)
        return numbering

    async def list_ranges(
        self, tenant_id: int, environment: str | None = None
    ) -> list[RangeRecord]:
        """Every range of the tenant (of one environment when given), oldest first."""
        query = select(_RESOLUTIONS).where(_RESOLUTIONS.c.tenant_id == tenant_id)
        if environment is not None:
            query = query.where(_RESOLUTIONS.c.environment == environment)
        rows = await self._db.all(query.order_by(_RESOLUTIONS.c.id))
        return [RangeRecord(range=_numbering_range(r), next_number=r.next_number) for r in rows]

    async def active_range(
        self,
        tenant_id: int,
        document_type: str,
        environment: str,
        on_date: dt.date,
        *,
        max_age_s: float = 0.0,
    ) -> NumberingRange:
        """The range that numbers the next ``document_type`` document on ``on_date``: valid on
        that date, with numbers left; the first registered wins. Raises ``NoNumberingRange``
        when no range is valid, ``NumberingExhausted`` when the valid ones are used up.

        ``max_age_s`` > 0 accepts an answer this process read that recently (the issuing hot
        path: one query less per document). A cached range stays the right one while it has
        numbers, since ranges are only ever added and a later one never wins over it; when it
        runs out the atomic allocation raises ``NumberingExhausted`` and the caller asks again
        with ``forget_active_range``. Adding a range here clears the cache; one added by another
        process is seen within ``max_age_s``.
        """
        key = (tenant_id, document_type, environment, on_date)
        if max_age_s > 0:
            cached = self._active_ranges.get(key)
            if cached is not None and time.monotonic() - cached[1] < max_age_s:
                return cached[0]
        found = await self._read_active_range(tenant_id, document_type, environment, on_date)
        if len(self._active_ranges) > 4096:
            self._active_ranges.clear()
        self._active_ranges[key] = (found, time.monotonic())
        return found

    def forget_active_range(
        self, tenant_id: int, document_type: str, environment: str, on_date: dt.date
    ) -> None:
        """Drop a cached ``active_range`` answer (its range ran out of numbers)."""
        self._active_ranges.pop((tenant_id, document_type, environment, on_date), None)

    async def _read_active_range(
        self, tenant_id: int, document_type: str, environment: str, on_date: dt.date
    ) -> NumberingRange:
        columns = _RESOLUTIONS.c
        query = (
            select(_RESOLUTIONS)
            .where(
                columns.tenant_id == tenant_id,
                columns.environment == environment,
                columns.document_type == document_type,
                columns.valid_from <= on_date,
                columns.valid_to >= on_date,
            )
            .order_by(columns.id)
        )
        rows = await self._db.all(query)
        for row in rows:
            if row.next_number <= row.to_number:
                return _numbering_range(row)
        if rows:
            last = rows[-1]
            raise NumberingExhausted(
                f"la resolución {last.resolution_number} (prefijo {last.prefix or 'sin prefijo'}) "
                f"agotó su rango para el tipo de documento {document_type}: registre una nueva"
            )
        raise NoNumberingRange(document_type, environment, on_date)

    # ---------------------------------------------------------------- credentials

    async def issue_credential(
        self, tenant_id: int, dialect: str, label: str | None = None
    ) -> IssuedCredential:
        """A new API credential for one dialect; its secret is returned once and only hashed."""
        secret = new_token_secret()

        def insert_credential(conn: Connection) -> tuple[int, int]:
            owner = int(_tenant_row(conn, tenant_id).id)
            values = {
                "tenant_id": owner,
                "dialect": dialect,
                "secret_hash": hash_token_secret(secret),
                "label": label,
                "created_at": now_bogota(),
            }
            return owner, _insert_returning_id(conn, _CREDENTIALS, values)

        owner, credential_id = await self._db.run(insert_credential, write=True)
        return IssuedCredential(
            id=credential_id,
            tenant_id=owner,
            dialect=dialect,
            secret=secret,
            token=f"{credential_id}|{secret}",
        )

    async def revoke_credential(self, credential_id: int) -> None:
        """Revoke a credential (again is harmless). Raises ``NotFound`` for an unknown id."""

        def revoke(conn: Connection) -> None:
            columns = _CREDENTIALS.c
            found = conn.execute(select(columns.id).where(columns.id == credential_id)).scalar()
            if found is None:
                raise NotFound(f"la credencial {credential_id} no existe")
            conn.execute(
                update(_CREDENTIALS)
                .where(columns.id == credential_id, columns.revoked_at.is_(None))
                .values(revoked_at=now_bogota())
            )

        await self._db.run(revoke, write=True)

    async def list_credentials(self, tenant_id: int) -> list[CredentialRecord]:
        query = (
            select(_CREDENTIALS)
            .where(_CREDENTIALS.c.tenant_id == tenant_id)
            .order_by(_CREDENTIALS.c.id)
        )
        rows = await self._db.all(query)
        return [
            CredentialRecord(
                id=r.id,
                tenant_id=r.tenant_id,
                dialect=r.dialect,
                label=r.label,
                created_at=r.created_at,
                revoked_at=r.revoked_at,
                last_used_at=r.last_used_at,
            )
            for r in rows
        ]

    async def authenticate(self, dialect: str, token: str) -> TenantView:
        """The tenant behind a ``"<id>|<secret>"`` token of ``dialect``.

        Raises ``AuthenticationFailed`` for a malformed, unknown, revoked or other-dialect token
        and for an inactive tenant (one message for all: never tell which). ``parse_token``
        gives the credential id for the audit log.
        """
        parsed = parse_token(token)
        if parsed is None:
            raise AuthenticationFailed("credenciales inválidas")
        credential_id, secret = parsed
        found = await self._db.first(
            _CREDENTIAL_AND_TENANT, {"credential_id": credential_id, "credential_dialect": dialect}
        )
        if (
            found is None
            or not token_secret_matches(secret, found.secret_hash)
            or found.status != "activo"
        ):
            raise AuthenticationFailed("credenciales inválidas")
        view = self._view(found)
        now = now_bogota()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            await self._db.run(_touch_credential, credential_id, now, write=True)
        return view

    # --------------------------------------------------------------------- quotas

    async def consume_quota(self, tenant_id: int, now: dt.datetime) -> None:
        """Count one document in the tenant's month and year; atomically refuse it when a limit
        is reached (``QuotaExceeded``; nothing is counted then). Usage is counted even for
        tenants without limits, for reporting. The issuing path counts inside the transaction
        that stores the document instead (``count_quota``)."""
        await self._db.run(count_quota, tenant_id, now, write=True)

    async def quota_status(self, tenant_id: int, now: dt.datetime) -> QuotaStatus:
        month_key, year_key = period_keys(now)

        def read(conn: Connection) -> tuple[Any, dict[str, int]]:
            row = _tenant_row(conn, tenant_id)
            result = conn.execute(
                select(_QUOTA_USAGE.c.period_key, _QUOTA_USAGE.c.count).where(
                    _QUOTA_USAGE.c.tenant_id == row.id,
                    _QUOTA_USAGE.c.period_key.in_((month_key, year_key)),
                )
            )
            return row, {key: count for key, count in result}

        row, counts = await self._db.run(read)
        return QuotaStatus(
            monthly_used=counts.get(month_key, 0),
            monthly_limit=row.monthly_limit,
            yearly_used=counts.get(year_key, 0),
            yearly_limit=row.yearly_limit,
        )

    # ---------------------------------------------------------------------- audit

    async def record_audit(
        self,
        *,
        tenant_id: int | None,
        credential_id: int | None,
        dialect: str | None,
        method: str,
        path: str,
        status: int,
        duration_ms: float,
        ip: str | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """One audit row for an authenticated request (``status`` is the HTTP status).

        Rows are written in batches: one transaction at most every ``AUDIT_FLUSH_DELAY_S`` (or
        every ``AUDIT_BATCH_MAX`` rows) instead of one per request. ``flush_audit`` writes
        what is waiting; reading the log here and closing the app context flush first, so
        only a killed process can lose the last fraction of a second of audit rows.
        """
        entry = {
            "at": at or now_bogota(),
            "tenant_id": tenant_id,
            "credential_id": credential_id,
            "dialect": dialect,
            "method": method,
            "path": path[:500],
            "status_code": status,
            "ip": ip,
            "duration_ms": duration_ms,
        }
        self._audit_pending.append(entry)
        if len(self._audit_pending) >= AUDIT_BATCH_MAX:
            await self.flush_audit()
            return
        loop = asyncio.get_running_loop()
        if self._audit_timer is None or self._audit_timer[1] is not loop:
            handle = loop.call_later(AUDIT_FLUSH_DELAY_S, self._flush_audit_soon)
            self._audit_timer = (handle, loop)

    def _flush_audit_soon(self) -> None:
        self._audit_timer = None
        task = asyncio.get_running_loop().create_task(self.flush_audit())
        self._audit_tasks.add(task)
        task.add_done_callback(self._audit_tasks.discard)

    async def flush_audit(self) -> None:
        """Write the audit rows waiting for their batch (a failure is logged, never raised:
        an audit row must not turn a served request into an error)."""
        if self._audit_timer is not None:
            self._audit_timer[0].cancel()
            self._audit_timer = None
        entries, self._audit_pending = self._audit_pending, []
        if not entries:
            return
        try:
            await self._db.run(_insert_audit, entries, write=True)
        except Exception:
            log.exception("audit write failed", extra={"rows": len(entries)})

    audit = record_audit  # the name core.web.audit calls

    async def count_audit(self, tenant_id: int) -> int:
        await self.flush_audit()
        table = AuditEntry.__table__
        query = select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
        return int(await self._db.scalar(query) or 0)

    # --------------------------------------------------------------- provisioning

    async def provision(self, tenant_id: int, *, certificate_der: bytes | None = None) -> bool:
        """Hand the tenant's current setup to its environment's ``provision`` hook, if any.

        Returns whether a hook ran. Called by every method that changes what DIAN's portal would
        know; call it at start-up (``provision_all``) for environments that keep state in memory.
        """
        environment = self._environment(await self._environment_id(tenant_id))
        if environment is None or environment.provision is None:
            return False
        view = await self.tenant_view(tenant_id)
        ranges = [r.range for r in await self.list_ranges(tenant_id, view.environment)]
        if certificate_der is None:
            certificate_der = await self._certificate_der(tenant_id)
        await environment.provision(
            self.settings,
            Provisioning(tenant=view, ranges=ranges, certificate_der=certificate_der),
        )
        return True

    async def provision_all(self) -> int:
        """Provision every active tenant; returns how many hooks ran."""
        ran = 0
        for tenant in await self.list_tenants():
            if tenant.status == "activo" and await self.provision(tenant.id):
                ran += 1
        return ran

    # ------------------------------------------------------------------- helpers

    def _view(self, row: Any) -> TenantView:
        """From a result row of the ``tenants`` columns."""
        return TenantView(
            id=row.id,
            uuid=row.uuid,
            nit=row.nit,
            dv=row.dv,
            party=msgspec.convert(row.party, Party),
            environment=row.environment,
            software=Software(
                id=row.software_id,
                pin=self._box.decrypt(row.software_pin).decode(),
                provider_nit=row.provider_nit,
                provider_dv=row.provider_dv,
                test_set_id=row.test_set_id,
            ),
            permissions=frozenset(p for p in PERMISSIONS if getattr(row, p)),
            status=row.status,
        )

    @staticmethod
    def _party_for(nit: str, dv: str, party: Party | None, name: str | None) -> Party:
        if party is None:
            if not name:
                raise ConfigurationError("indique la razón social (name) o los datos completos")
            return Party(organization_type="1", id_type="31", id_number=nit, dv=dv, name=name)
        if party.id_number != nit:
            raise ConfigurationError(
                f"el NIT de los datos de la empresa ({party.id_number}) no coincide con {nit}"
            )
        if party.dv is None:
            party = msgspec.structs.replace(party, dv=dv)
        return party

    def _environment(self, env_id: str) -> Environment | None:
        envs = self.environments
        if envs is None or env_id not in envs:
            return None
        return envs.get(env_id)  # type: ignore[no-any-return]

    def _check_environment(self, env_id: str) -> None:
        if self.environments is not None and env_id not in self.environments:
            known = ", ".join(sorted(e if isinstance(e, str) else e.id for e in self.environments))
            raise ConfigurationError(f"ambiente desconocido {env_id!r} (disponibles: {known})")

    async def _environment_id(self, tenant_id: int) -> str:
        return str((await self._db.run(_tenant_row, tenant_id)).environment)

    async def _certificate_der(self, tenant_id: int) -> bytes | None:
        try:
            pkcs12, password = await self.load_certificate(tenant_id)
        except ConfigurationError:
            return None
        from core.signing.certificates import load_pkcs12

        return load_pkcs12(pkcs12, password).der


# Built once (building a statement costs more than running it on SQLite).
_INSERT_AUDIT: Final = insert(AuditEntry.__table__)  # one row per authenticated request
_TENANTS: Final = Tenant.__table__
_QUOTA_USAGE: Final = QuotaUsage.__table__
_CREDENTIALS: Final = Credential.__table__
_CERTIFICATES: Final = Certificate.__table__
_RESOLUTIONS: Final = Resolution.__table__
_CREDENTIAL_AND_TENANT: Final = (
    select(_CREDENTIALS.c.secret_hash, _CREDENTIALS.c.last_used_at, *_TENANTS.c)
    .join_from(_CREDENTIALS, _TENANTS, _TENANTS.c.id == _CREDENTIALS.c.tenant_id)
    .where(
        _CREDENTIALS.c.id == bindparam("credential_id"),
        _CREDENTIALS.c.dialect == bindparam("credential_dialect"),
        _CREDENTIALS.c.revoked_at.is_(None),
    )
)
_TENANT_LIMITS: Final = select(_TENANTS.c.monthly_limit, _TENANTS.c.yearly_limit).where(
    _TENANTS.c.id == bindparam("limits_tenant_id")
)


def _tenant_row(conn: Connection, ref: int | str) -> Any:
    """A ``tenants`` row by id, uuid or NIT (with or without its DV); ``NotFound``."""
    columns = _TENANTS.c
    if isinstance(ref, int):
        condition = columns.id == ref
    elif len(ref) == 36 and ref.count("-") == 4:
        condition = columns.uuid == ref
    else:
        condition = columns.nit == ref.split("-", 1)[0].strip()
    row = conn.execute(select(_TENANTS).where(condition)).first()
    if row is None:
        raise NotFound(f"la empresa {ref} no existe")
    return row


def _insert_returning_id(conn: Connection, table: Any, values: Mapping[str, Any]) -> int:
    return int(conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())


def count_quota(conn: Connection, tenant_id: int, now: dt.datetime) -> None:
    """``TenantService.consume_quota`` inside the caller's transaction (a unit of work for
    ``core.storage.database``): the issuing path stores the document in the same one, so a
    refused document stores nothing and a failed insert counts nothing."""
    month_key, year_key = period_keys(now)
    limits = conn.execute(_TENANT_LIMITS, {"limits_tenant_id": tenant_id}).one_or_none()
    if limits is None:
        raise NotFound(f"la empresa {tenant_id} no existe")
    for key, limit, period in (
        (month_key, limits.monthly_limit, "mensual"),
        (year_key, limits.yearly_limit, "anual"),
    ):
        if not _count_one(conn, tenant_id, key, limit):
            used = conn.execute(
                select(QuotaUsage.count).where(
                    QuotaUsage.tenant_id == tenant_id, QuotaUsage.period_key == key
                )
            ).scalar()
            assert limit is not None
            raise QuotaExceeded(used or 0, limit, period, seconds_until_next_period(now, period))


def _count_one(conn: Connection, tenant_id: int, period_key: str, limit: int | None) -> bool:
    """Add one to a period's count unless it reached ``limit``; whether it was added."""
    if limit is not None and limit <= 0:
        return False
    statement = _count_statement(conn.dialect.name, limited=limit is not None)
    parameters: dict[str, Any] = {"tenant_id": tenant_id, "period_key": period_key}
    if limit is not None:
        parameters["quota_limit"] = limit
    return conn.execute(statement, parameters).scalar_one_or_none() is not None


def _touch_credential(conn: Connection, credential_id: int, now: dt.datetime) -> None:
    conn.execute(
        update(Credential.__table__)
        .where(Credential.__table__.c.id == credential_id)
        .values(last_used_at=now)
    )


def _insert_audit(conn: Connection, entries: list[dict[str, Any]]) -> None:
    conn.execute(_INSERT_AUDIT, entries)


@functools.cache
def _count_statement(dialect: str, *, limited: bool) -> Any:
    """The upsert ``_count_one`` runs, built once (building it is costlier than running it)."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(_QUOTA_USAGE).values(
        tenant_id=bindparam("tenant_id"), period_key=bindparam("period_key"), count=1
    )
    return statement.on_conflict_do_update(
        index_elements=[_QUOTA_USAGE.c.tenant_id, _QUOTA_USAGE.c.period_key],
        set_={"count": _QUOTA_USAGE.c.count + 1},
        where=(_QUOTA_USAGE.c.count < bindparam("quota_limit")) if limited else None,
    ).returning(_QUOTA_USAGE.c.count)


def _limit(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise ConfigurationError("un límite de documentos no puede ser negativo")
    return value


def _permission_values(
    permissions: Mapping[str, bool] | None, *, defaults: bool
) -> dict[str, bool]:
    given = dict(permissions or {})
    unknown = set(given) - set(PERMISSIONS)
    if unknown:
        raise ConfigurationError(
            f"permisos desconocidos: {', '.join(sorted(unknown))} "
            f"(válidos: {', '.join(PERMISSIONS)})"
        )
    if defaults:
        return {p: bool(given.get(p, True)) for p in PERMISSIONS}
    return {p: bool(v) for p, v in given.items()}


def _numbering_range(row: Any) -> NumberingRange:
    return NumberingRange(
        id=row.id,
        document_type=row.document_type,
        environment=row.environment,
        resolution_number=row.resolution_number,
        resolution_date=row.resolution_date,
        prefix=row.prefix,
        from_number=row.from_number,
        to_number=row.to_number,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        technical_key=row.technical_key,
    )


def _tenant_record(row: Any, cert: Any | None) -> TenantRecord:
    return TenantRecord(
        id=row.id,
        uuid=row.uuid,
        nit=row.nit,
        dv=row.dv,
        name=row.name,
        party=msgspec.convert(row.party, Party),
        environment=row.environment,
        software_id=row.software_id,
        provider_nit=row.provider_nit,
        provider_dv=row.provider_dv,
        test_set_id=row.test_set_id,
        permissions={p: bool(getattr(row, p)) for p in PERMISSIONS},
        monthly_limit=row.monthly_limit,
        yearly_limit=row.yearly_limit,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        certificate=None
        if cert is None
        else CertificateInfo(
            fingerprint=cert.fingerprint, subject=cert.subject, not_after=cert.not_after
        ),
    )


__all__: Sequence[str] = (
    "PERMISSIONS",
    "UNCHANGED",
    "CertificateInfo",
    "CredentialRecord",
    "IssuedCredential",
    "QuotaStatus",
    "RangeRecord",
    "TenantRecord",
    "TenantService",
    "parse_token",
    "period_keys",
    "required_permission",
)
