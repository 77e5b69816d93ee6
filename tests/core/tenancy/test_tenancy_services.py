"""The tenancy services on SQLite and PostgreSQL, built by the composition root: tenants,
credentials, secrets at rest, quotas, ranges, audit and provisioning."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from sqlalchemy import func, select

from core.clock import BOGOTA
from core.contracts import CHANNEL_EQUIVALENT, CHANNEL_INVOICES, Environment, Provisioning
from core.errors import (
    AuthenticationFailed,
    CertificateError,
    ConfigurationError,
    NotFound,
    NumberingExhausted,
    QuotaExceeded,
)
from core.hookspecs import hookimpl
from core.plugins import get_plugin_manager
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.storage.tables import AuditEntry
from core.testing import migrate_test_database
from core.web.context import AppContext
from tests.core.tenancy.conftest import PIN, SUPPLIER, make_tenant, settings_for

# the built-in kinds declare them
PERMISSIONS = ("documentos_soporte", "facturas", "notas_credito", "notas_debito")


async def test_tenant_is_created_and_found_by_id_uuid_and_nit(
    ctx: AppContext,
) -> None:
    created = await make_tenant(ctx, test_set_id="set-1")
    assert created.party == SUPPLIER
    assert created.permissions == PERMISSIONS
    assert (created.provider_nit, created.provider_dv) == ("900373076", "5")
    for ref in (created.id, created.uuid, "900373076", "900373076-5"):
        assert (await ctx.tenants.get_tenant(ref)).id == created.id
    with pytest.raises(NotFound):
        await ctx.tenants.get_tenant("800999999")
    with pytest.raises(ConfigurationError, match="ya existe"):
        await make_tenant(ctx)

    view = await ctx.tenants.tenant_view(created.id)
    assert view.party == SUPPLIER
    assert view.software[CHANNEL_INVOICES].pin == PIN
    assert view.software[CHANNEL_INVOICES].test_set_id == "set-1"
    assert view.permissions == frozenset(PERMISSIONS)
    assert [t.nit for t in await ctx.tenants.list_tenants()] == ["900373076"]


async def test_update_changes_permissions_quotas_and_name(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx, monthly_limit=10)
    updated = await ctx.tenants.update_tenant(
        tenant.id,
        name="Ferretería Renovada SAS",
        permissions={"notas_debito": False},
        yearly_limit=100,
    )
    assert updated.name == updated.party.name == "Ferretería Renovada SAS"
    assert updated.party.address == SUPPLIER.address
    assert "notas_debito" not in updated.permissions
    assert (updated.monthly_limit, updated.yearly_limit) == (10, 100)
    cleared = await ctx.tenants.update_tenant(tenant.id, monthly_limit=None)
    assert (cleared.monthly_limit, cleared.yearly_limit) == (None, 100)
    view = await ctx.tenants.tenant_view(tenant.id)
    assert view.permissions == {"documentos_soporte", "facturas", "notas_credito"}
    assert ctx.registry.document_types.get("92").permission == "notas_debito"
    regranted = await ctx.tenants.update_tenant(tenant.id, permissions={"notas_debito": True})
    assert regranted.permissions == PERMISSIONS
    with pytest.raises(ConfigurationError, match="permisos desconocidos"):
        await ctx.tenants.update_tenant(tenant.id, permissions={"permite_todo": True})


async def test_credential_issue_authenticate_revoke(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    issued = await ctx.credentials.issue_credential(tenant.id, "facepro", label="ERP")
    public_id, _, secret = issued.token.partition("|")
    assert (public_id, len(secret), issued.scheme) == (str(issued.id), 40, "par")

    found = await ctx.credentials.authenticate("facepro", issued.token)
    view = found.tenant
    assert (view.id, view.nit, view.software[CHANNEL_INVOICES].pin) == (tenant.id, "900373076", PIN)
    assert (found.credential_id, found.label) == (issued.id, "ERP")
    [listed] = await ctx.credentials.list_credentials(tenant.id)
    assert listed.last_used_at is not None and listed.revoked_at is None

    for dialect, token in (
        ("apidian", issued.token),  # another dialect's credential
        ("facepro", f"{issued.id}|{secret[:-1]}{'y' if secret[-1] != 'y' else 'z'}"),
        ("facepro", f"{issued.id + 1}|{secret}"),
        ("facepro", f"0{issued.id}|{secret}"),  # the id is compared as text, never parsed
        ("facepro", secret),
        ("facepro", f"9223372036854775808|{secret}"),
        ("facepro", f"²|{secret}"),
        ("facepro", ""),
    ):
        with pytest.raises(AuthenticationFailed):
            await ctx.credentials.authenticate(dialect, token)

    await ctx.credentials.revoke_credential(issued.id)
    await ctx.credentials.revoke_credential(issued.id)  # again: harmless
    with pytest.raises(AuthenticationFailed):
        await ctx.credentials.authenticate("facepro", issued.token)
    with pytest.raises(NotFound):
        await ctx.credentials.revoke_credential(issued.id + 100)

    other = await ctx.credentials.issue_credential(tenant.id, "facepro")
    await ctx.tenants.update_tenant(tenant.id, status="suspendido")
    with pytest.raises(AuthenticationFailed):
        await ctx.credentials.authenticate("facepro", other.token)


async def test_audit_rows_are_recorded(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    await ctx.audit.record(
        tenant_id=tenant.id,
        credential_id=7,
        dialect="facepro",
        method="POST",
        path="/api/v1/invoices",
        status=201,
        duration_ms=12.5,
        ip="127.0.0.1",
    )
    assert await ctx.audit.count(tenant.id) == 1


async def test_audit_rows_are_written_in_batches_without_being_asked(
    ctx: AppContext, sessionmaker, monkeypatch
) -> None:
    """A burst of requests costs one transaction; the rows land within the flush delay even
    when nobody reads the log, and ``flush_audit`` (the app context's close) writes the rest."""
    tenant = await make_tenant(ctx)

    async def rows_in_database() -> int:
        async with sessionmaker() as session:
            query = select(func.count()).select_from(AuditEntry)
            return int(await session.scalar(query.where(AuditEntry.tenant_id == tenant.id)))

    async def request(path: str) -> None:
        await ctx.audit.record(
            tenant_id=tenant.id,
            credential_id=1,
            dialect="facepro",
            method="GET",
            path=path,
            status=200,
            duration_ms=1.0,
        )

    monkeypatch.setattr("core.tenancy.audit.AUDIT_FLUSH_DELAY_S", 1.0)  # room for a slow machine
    for n in range(5):
        await request(f"/api/v1/documentos/{n}")
    assert await rows_in_database() == 0  # waiting for their batch
    for _ in range(100):  # the batch's timer writes them; nobody asks
        if await rows_in_database() == 5:
            break
        await asyncio.sleep(0.1)
    assert await rows_in_database() == 5
    await request("/api/v1/me")
    await ctx.audit.flush()
    assert await rows_in_database() == 6


async def test_secrets_are_encrypted_at_rest(sqlite_url: str, tmp_path: Path) -> None:
    migrate_test_database(sqlite_url)
    ctx = AppContext.create(settings_for(sqlite_url, tmp_path, "clave de pruebas"))
    # habilitación: the simulated DIAN (environment simulador) keeps its own copy of the PIN,
    # as DIAN does; this test is about what the gateway stores
    tenant = await make_tenant(ctx, environment="habilitacion")
    p12, password = generate_test_pkcs12(
        nit="900373076", name="Ferretería", password="contraseña-del-certificado-91"
    )
    info = await ctx.certificates.attach_certificate(tenant.id, p12, password)
    issued = await ctx.credentials.issue_credential(tenant.id, "facepro")
    assert await ctx.certificates.load_certificate(tenant.id) == (p12, password)
    assert (await ctx.tenants.tenant_view(tenant.id)).software[CHANNEL_INVOICES].pin == PIN
    assert info.not_after > dt.datetime.now(BOGOTA)
    await ctx.close()

    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
    assert b"900373076" in raw  # the bytes read are the database's
    for secret in (password, PIN, issued.token, issued.token.partition("|")[2]):
        assert secret.encode() not in raw
    key, cert, _ = pkcs12.load_key_and_certificates(p12, password.encode())
    assert cert is not None and cert.public_bytes(Encoding.DER) not in raw

    stranger = AppContext.create(settings_for(sqlite_url, tmp_path, "otra clave"))
    try:
        with pytest.raises(ConfigurationError, match="clave secreta"):
            await stranger.certificates.load_certificate(tenant.id)
    finally:
        await stranger.close()


async def test_a_wrong_certificate_password_stores_nothing(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    p12, _ = generate_test_pkcs12(nit="900373076", name="Ferretería")
    with pytest.raises(CertificateError):
        await ctx.certificates.attach_certificate(tenant.id, p12, "no-es-la-clave")
    with pytest.raises(ConfigurationError, match="no tiene certificado"):
        await ctx.certificates.load_certificate(tenant.id)


async def test_monthly_and_yearly_quotas(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx, monthly_limit=2, yearly_limit=3)
    november = dt.datetime(2026, 11, 30, 18, 0, tzinfo=BOGOTA)
    await ctx.quotas.consume_quota(tenant.id, november)
    await ctx.quotas.consume_quota(tenant.id, november)
    with pytest.raises(QuotaExceeded) as month_full:
        await ctx.quotas.consume_quota(tenant.id, november)
    assert (month_full.value.used, month_full.value.limit) == (2, 2)
    assert month_full.value.period == "mensual"
    assert month_full.value.retry_after_s == 6 * 3600  # until 2026-12-01 00:00 -05:00

    december = dt.datetime(2026, 12, 1, 9, 0, tzinfo=BOGOTA)
    await ctx.quotas.consume_quota(tenant.id, december)
    with pytest.raises(QuotaExceeded) as year_full:
        await ctx.quotas.consume_quota(tenant.id, december)
    assert (year_full.value.used, year_full.value.limit, year_full.value.period) == (3, 3, "anual")
    assert year_full.value.retry_after_s == 31 * 86400 - 9 * 3600

    status = await ctx.quotas.quota_status(tenant.id, december)
    assert (status.monthly_used, status.yearly_used) == (1, 3)  # refused ones are not counted


async def test_quota_holds_under_concurrency(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx, monthly_limit=5)
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BOGOTA)

    async def attempt() -> bool:
        try:
            await ctx.quotas.consume_quota(tenant.id, now)
        except QuotaExceeded:
            return False
        return True

    results = await asyncio.gather(*(attempt() for _ in range(20)))
    assert results.count(True) == 5
    assert (await ctx.quotas.quota_status(tenant.id, now)).monthly_used == 5


async def test_active_range_selection(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    today = dt.date(2026, 11, 23)

    async def add(**fields: object):
        base = {
            "document_type": "01",
            "resolution_number": "18760000001",
            "prefix": "SETP",
            "from_number": 1,
            "to_number": 100,
            "valid_from": dt.date(2026, 1, 1),
            "valid_to": dt.date(2027, 1, 1),
            "technical_key": "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
        }
        return await ctx.ranges.add_resolution(tenant.id, **{**base, **fields})  # type: ignore[arg-type]

    with pytest.raises(ConfigurationError, match="no hay una resolución"):
        await ctx.ranges.active_range(tenant.id, "01", "simulador", today)
    await add(resolution_number="vencida", valid_to=dt.date(2026, 6, 30))
    await add(resolution_number="futura", valid_from=dt.date(2026, 12, 1))
    await add(resolution_number="agotada", from_number=1, to_number=10, next_number=11)
    await add(resolution_number="otro-ambiente", environment="produccion")
    await add(resolution_number="nota", document_type="91", prefix="NC", technical_key=None)
    chosen = await add(resolution_number="vigente", prefix="FE", technical_key="fc8e")
    await add(resolution_number="siguiente")

    active = await ctx.ranges.active_range(tenant.id, "01", "simulador", today)
    assert active == chosen
    assert (active.prefix, active.technical_key, active.environment) == ("FE", "fc8e", "simulador")
    note = await ctx.ranges.active_range(tenant.id, "91", "simulador", today)
    assert note.resolution_number == "nota"
    assert (await ctx.ranges.active_range(tenant.id, "01", "produccion", today)).prefix == "SETP"
    assert (
        await ctx.ranges.active_range(tenant.id, "01", "simulador", dt.date(2026, 3, 1))
    ).resolution_number == "vencida"

    only_used_up = await make_tenant(ctx, nit="800197268")
    await ctx.ranges.add_resolution(
        only_used_up.id,
        document_type="01",
        resolution_number="18760000009",
        prefix="X",
        from_number=5,
        to_number=5,
        next_number=6,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 1, 1),
        technical_key="fc8e",
    )
    with pytest.raises(NumberingExhausted, match="agotó su rango"):
        await ctx.ranges.active_range(only_used_up.id, "01", "simulador", today)
    with pytest.raises(ConfigurationError):
        await ctx.ranges.add_resolution(
            tenant.id,
            document_type="01",
            resolution_number="x",
            from_number=10,
            to_number=1,
            valid_from=today,
            valid_to=today,
        )

    ranges = await ctx.ranges.list_ranges(tenant.id, "simulador")
    assert [r.remaining for r in ranges if r.range.resolution_number == "agotada"] == [0]


class RecordingEnvironment:
    """A test environment plugin that records what it is provisioned with."""

    def __init__(self) -> None:
        self.received: list[Provisioning] = []

    async def provision(self, settings: Settings, provisioning: Provisioning) -> None:
        self.received.append(provisioning)

    @hookimpl
    def pasarela_register_environments(self, register) -> None:  # type: ignore[no-untyped-def]
        register(
            Environment(
                id="registro",
                title="Registro",
                profile_execution_id="2",
                soap_url=None,
                qr_base_url="https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=",
                provision=self.provision,
            )
        )


async def test_environment_provisioning(migrated_url: str, tmp_path: Path) -> None:
    recorder = RecordingEnvironment()
    ctx = AppContext.create(
        settings_for(migrated_url, tmp_path, "clave de pruebas"),
        plugin_manager=get_plugin_manager(extra_plugins=[recorder]),
    )
    received = recorder.received
    try:
        tenant = await make_tenant(ctx, environment="registro")
        assert received[-1].tenant.nit == "900373076"
        assert (received[-1].ranges, received[-1].certificate_der) == ([], None)

        numbering = await ctx.ranges.add_resolution(
            tenant.id,
            document_type="01",
            resolution_number="18760000001",
            prefix="SETP",
            from_number=990000000,
            to_number=995000000,
            valid_from=dt.date(2019, 1, 19),
            valid_to=dt.date(2030, 1, 19),
            technical_key="fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
        )
        assert received[-1].ranges == [numbering]
        assert received[-1].range_channels["20"] == CHANNEL_EQUIVALENT

        p12, password = generate_test_pkcs12(nit="900373076", name="Ferretería")
        await ctx.certificates.attach_certificate(tenant.id, p12, password)
        _, cert, _ = pkcs12.load_key_and_certificates(p12, password.encode())
        assert cert is not None
        assert received[-1].certificate_der == cert.public_bytes(Encoding.DER)

        calls = len(received)
        await ctx.tenants.switch_environment(tenant.id, "habilitacion")  # no provision hook
        assert len(received) == calls
        assert (await ctx.tenants.tenant_view(tenant.id)).environment == "habilitacion"
        with pytest.raises(ConfigurationError, match="ambiente desconocido"):
            await ctx.tenants.switch_environment(tenant.id, "marte")

        await ctx.tenants.switch_environment(tenant.id, "registro")
        assert received[-1].ranges == [numbering]  # ranges stay with their environment
        await ctx.ranges.retire_range(tenant.id, numbering.id)
        assert received[-1].ranges == []  # DIAN's portal no longer lists a retired range
        assert await ctx.provisioner.provision_all() == 1
    finally:
        await ctx.close()
