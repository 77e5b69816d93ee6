"""Tenants: the issuing companies, their software per DIAN channel, permissions and limits."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from typing import Any

import msgspec
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.clock import now_bogota
from core.contracts import CHANNEL_INVOICES
from core.errors import ConfigurationError
from core.model import Party, TenantView
from core.representation.logo import check_logo
from core.secrets import SecretBox
from core.storage.database import Database
from core.storage.tables import TenantLogo
from core.tenancy.records import (
    UNCHANGED,
    CertificateInfo,
    SoftwareInfo,
    TenantRecord,
    Unchanged,
)
from core.tenancy.rows import (
    CERTIFICATES,
    TENANTS,
    encrypted_pin,
    insert_returning_id,
    software_entry,
    tenant_row,
    tenant_view,
)

LOGOS = TenantLogo.__table__
OnChange = Callable[[int], Awaitable[None]]


class TenantService:
    """Create, configure and read tenants.

    ``environments``: the environment ids a tenant may be in. ``permissions``: the permission
    ids the installed document kinds declare (a new tenant holds them all unless told
    otherwise). ``on_change(tenant_id)`` is awaited after every change DIAN's portal would
    know of (provisioning).
    """

    def __init__(
        self,
        database: Database,
        secret_box: SecretBox,
        *,
        environments: Collection[str],
        permissions: Collection[str],
        on_change: OnChange | None = None,
    ) -> None:
        self._db = database
        self._box = secret_box
        self.environments = frozenset(environments)
        self.permissions = frozenset(permissions)
        self._on_change = on_change

    async def create_tenant(
        self,
        *,
        nit: str,
        dv: str,
        software_id: str | None = None,
        software_pin: str | None = None,
        name: str | None = None,
        party: Party | None = None,
        environment: str = "habilitacion",
        provider_nit: str | None = None,
        provider_dv: str | None = None,
        test_set_id: str | None = None,
        channel: str = CHANNEL_INVOICES,
        permissions: Iterable[str] | None = None,
        monthly_limit: int | None = None,
        yearly_limit: int | None = None,
        status: str = "activo",
        uuid: str | None = None,
    ) -> TenantRecord:
        """Register a company with the software of one channel (``channel``; add others with
        ``update_tenant(channel=...)``), or with none yet (neither id nor PIN: it cannot issue
        until one is registered). Give ``party`` (full data) or at least ``name``.

        ``provider_nit``/``provider_dv`` default to the tenant's own (software propio);
        ``permissions`` defaults to every permission the installed document kinds declare.
        """
        nit, dv = nit.strip(), dv.strip()
        if (software_id is None) != (software_pin is None):
            raise ConfigurationError("indique el id y el PIN del software, o ninguno de los dos")
        party = _party_for(nit, dv, party, name)
        self._check_environment(environment)
        granted = self.permissions if permissions is None else self._known(permissions)
        now = now_bogota()
        values: dict[str, Any] = {
            "uuid": uuid or str(uuid_module.uuid4()),
            "nit": nit,
            "dv": dv,
            "name": party.name,
            "party": msgspec.to_builtins(party),
            "environment": environment,
            "software": {}
            if software_id is None or software_pin is None
            else {channel: software_entry(self._box, software_id, software_pin, test_set_id)},
            "provider_nit": provider_nit or nit,
            "provider_dv": provider_dv or dv,
            "permissions": sorted(granted),
            "monthly_limit": _limit(monthly_limit),
            "yearly_limit": _limit(yearly_limit),
            "status": status,
            "created_at": now,
            "updated_at": now,
        }
        try:
            tenant_id = await self._db.run(insert_returning_id, TENANTS, values, write=True)
        except IntegrityError:
            raise ConfigurationError(f"ya existe una empresa con NIT {nit}") from None
        await self._changed(tenant_id)
        return await self.get_tenant(tenant_id)

    async def update_tenant(
        self,
        tenant_id: int,
        *,
        name: str | None = None,
        party: Party | None = None,
        permissions: Mapping[str, bool] | None = None,
        monthly_limit: int | None | Unchanged = UNCHANGED,
        yearly_limit: int | None | Unchanged = UNCHANGED,
        channel: str = CHANNEL_INVOICES,
        software_id: str | None = None,
        software_pin: str | None = None,
        test_set_id: str | None | Unchanged = UNCHANGED,
        provider_nit: str | None = None,
        provider_dv: str | None = None,
        status: str | None = None,
    ) -> TenantRecord:
        """Change what is given. ``permissions`` grants (``True``) or revokes (``False``)
        permission ids. ``software_id``/``software_pin``/``test_set_id`` are the software of
        ``channel`` (a channel not registered yet needs both id and PIN); quotas and the test
        set id accept ``None`` to clear them."""
        changes = self._known(permissions or {})

        def change(conn: Connection) -> Any:
            row = tenant_row(conn, tenant_id)
            values: dict[str, Any] = {"updated_at": now_bogota()}
            if party is not None or name is not None:
                current = msgspec.convert(row.party, Party)
                new_party = party or msgspec.structs.replace(current, name=name)
                if name is not None and party is not None:
                    new_party = msgspec.structs.replace(party, name=name)
                new_party = _party_for(row.nit, row.dv, new_party, None)
                values["party"] = msgspec.to_builtins(new_party)
                values["name"] = new_party.name
            if permissions:
                held = set(row.permissions or ())
                held |= {p for p in changes if permissions[p]}
                held -= {p for p in changes if not permissions[p]}
                values["permissions"] = sorted(held)
            if not isinstance(monthly_limit, Unchanged):
                values["monthly_limit"] = _limit(monthly_limit)
            if not isinstance(yearly_limit, Unchanged):
                values["yearly_limit"] = _limit(yearly_limit)
            software = self._software_change(row, channel, software_id, software_pin, test_set_id)
            if software is not None:
                values["software"] = software
            if provider_nit is not None:
                values["provider_nit"] = provider_nit
            if provider_dv is not None:
                values["provider_dv"] = provider_dv
            if status is not None:
                values["status"] = status
            conn.execute(update(TENANTS).where(TENANTS.c.id == row.id).values(**values))
            return row

        row = await self._db.run(change, write=True)
        await self._changed(row.id)
        return await self.get_tenant(row.id)

    async def get_tenant(self, ref: int | str) -> TenantRecord:
        """A tenant by id (an ``int``), uuid, or NIT (``"900373076"`` or ``"900373076-5"``).
        Raises ``NotFound``."""

        def read(conn: Connection) -> TenantRecord:
            row = tenant_row(conn, ref)
            certificate = conn.execute(
                select(CERTIFICATES).where(CERTIFICATES.c.tenant_id == row.id)
            ).first()
            return _tenant_record(row, certificate)

        return await self._db.run(read)

    async def list_tenants(self) -> list[TenantRecord]:
        def read(conn: Connection) -> list[TenantRecord]:
            rows = conn.execute(select(TENANTS).order_by(TENANTS.c.id)).all()
            certs = {c.tenant_id: c for c in conn.execute(select(CERTIFICATES)).all()}
            return [_tenant_record(row, certs.get(row.id)) for row in rows]

        return await self._db.run(read)

    async def tenant_view(self, tenant_id: int) -> TenantView:
        """The engine's read-only view: party, software by channel (PINs decrypted),
        permissions."""
        return tenant_view(await self._db.run(tenant_row, tenant_id), self._box)

    async def switch_environment(self, tenant_id: int, env_id: str) -> TenantRecord:
        """Move a tenant to another environment. Its documents stay; ranges are per environment,
        so the new environment needs its own."""
        self._check_environment(env_id)

        def switch(conn: Connection) -> Any:
            row = tenant_row(conn, tenant_id)
            conn.execute(
                update(TENANTS)
                .where(TENANTS.c.id == row.id)
                .values(environment=env_id, updated_at=now_bogota())
            )
            return row

        row = await self._db.run(switch, write=True)
        await self._changed(row.id)
        return await self.get_tenant(row.id)

    async def set_logo(self, tenant_id: int, image: bytes) -> str:
        """Store the image the tenant prints on its PDFs, replacing any earlier one; returns
        its media type. ``InvalidLogo`` (Spanish) when it is not a PNG or JPEG image that can
        be drawn, or is over 1 MB."""
        media_type = check_logo(image)

        def store(conn: Connection) -> None:
            row = tenant_row(conn, tenant_id)
            values = {"image": image, "media_type": media_type, "updated_at": now_bogota()}
            changed = conn.execute(
                update(LOGOS).where(LOGOS.c.tenant_id == row.id).values(**values)
            )
            if not changed.rowcount:
                conn.execute(insert(LOGOS).values(tenant_id=row.id, **values))

        await self._db.run(store, write=True)
        return media_type

    async def logo(self, tenant_id: int) -> bytes | None:
        """The tenant's logo, or ``None`` when it has none."""
        return await self._db.scalar(select(LOGOS.c.image).where(LOGOS.c.tenant_id == tenant_id))

    def check_environment(self, env_id: str) -> None:
        """``ConfigurationError`` (Spanish) unless ``env_id`` is an installed environment."""
        self._check_environment(env_id)

    # ------------------------------------------------------------------- helpers

    async def _changed(self, tenant_id: int) -> None:
        if self._on_change is not None:
            await self._on_change(tenant_id)

    def _check_environment(self, env_id: str) -> None:
        if env_id not in self.environments:
            known = ", ".join(sorted(self.environments))
            raise ConfigurationError(f"ambiente desconocido {env_id!r} (disponibles: {known})")

    def _known(self, permissions: Iterable[str]) -> set[str]:
        given = set(permissions)
        unknown = given - self.permissions
        if unknown:
            raise ConfigurationError(
                f"permisos desconocidos: {', '.join(sorted(unknown))} "
                f"(válidos: {', '.join(sorted(self.permissions))})"
            )
        return given

    def _software_change(
        self,
        row: Any,
        channel: str,
        software_id: str | None,
        software_pin: str | None,
        test_set_id: str | None | Unchanged,
    ) -> dict[str, Any] | None:
        if software_id is None and software_pin is None and isinstance(test_set_id, Unchanged):
            return None
        software = dict(row.software or {})
        current = software.get(channel)
        if current is None and (software_id is None or software_pin is None):
            raise ConfigurationError(
                f"el canal {channel!r} no tiene software registrado: indique su id y su PIN"
            )
        entry = dict(current or {})
        if software_id is not None:
            entry["id"] = software_id
        if software_pin is not None:
            entry["pin"] = encrypted_pin(self._box, software_pin)
        if not isinstance(test_set_id, Unchanged):
            entry["test_set_id"] = test_set_id
        entry.setdefault("test_set_id", None)
        software[channel] = entry
        return software


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


def _limit(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise ConfigurationError("un límite de documentos no puede ser negativo")
    return value


def _tenant_record(row: Any, cert: Any | None) -> TenantRecord:
    return TenantRecord(
        id=row.id,
        uuid=row.uuid,
        nit=row.nit,
        dv=row.dv,
        name=row.name,
        party=msgspec.convert(row.party, Party),
        environment=row.environment,
        software=tuple(
            SoftwareInfo(channel=channel, id=entry["id"], test_set_id=entry.get("test_set_id"))
            for channel, entry in sorted((row.software or {}).items())
        ),
        provider_nit=row.provider_nit,
        provider_dv=row.provider_dv,
        permissions=tuple(sorted(row.permissions or ())),
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
