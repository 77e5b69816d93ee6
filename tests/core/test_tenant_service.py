"""TenantService on SQLite and PostgreSQL: credentials, secrets at rest, quotas, ranges."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from sqlalchemy import func, select

from core.clock import BOGOTA
from core.contracts import Environment, Provisioning
from core.errors import (
    AuthenticationFailed,
    CertificateError,
    ConfigurationError,
    NotFound,
    NumberingExhausted,
    QuotaExceeded,
)
from core.model import Address, Party
from core.secrets import SecretBox, key_from_text
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.storage.engine import create_engine, create_sessionmaker
from core.storage.tables import AuditEntry
from core.tenants import (
    PERMISSIONS,
    TenantService,
    parse_token,
    required_permission,
)
from core.testing import migrate_test_database

PIN = "pin-secreto-73519"
SUPPLIER = Party(
    organization_type="1",
    id_type="31",
    id_number="900373076",
    dv="5",
    name="Ferretería La Esquina SAS",
    tax_level_codes=("O-13",),
    tax_scheme="01",
    address=Address(municipality_code="11001", city_name="Bogotá", department_code="11"),
)


async def make_tenant(service: TenantService, nit: str = "900373076", **extra: object):
    party = SUPPLIER if nit == SUPPLIER.id_number else None
    return await service.create_tenant(
        nit=nit,
        dv="5",
        party=party,
        name=None if party else f"Empresa {nit}",
        software_id="56f2ae4e-9812-4fad-9255-08fcfcd5ccb0",
        software_pin=PIN,
        environment="simulador",
        **extra,  # type: ignore[arg-type]
    )


async def test_tenant_is_created_and_found_by_id_uuid_and_nit(
    tenant_service: TenantService,
) -> None:
    created = await make_tenant(tenant_service, test_set_id="set-1")
    assert created.party == SUPPLIER
    assert created.permissions == dict.fromkeys(PERMISSIONS, True)
    assert (created.provider_nit, created.provider_dv) == ("900373076", "5")
    for ref in (created.id, created.uuid, "900373076", "900373076-5"):
        assert (await tenant_service.get_tenant(ref)).id == created.id
    with pytest.raises(NotFound):
        await tenant_service.get_tenant("800999999")
    with pytest.raises(ConfigurationError, match="ya existe"):
        await make_tenant(tenant_service)

    view = await tenant_service.tenant_view(created.id)
    assert view.party == SUPPLIER
    assert view.software.pin == PIN
    assert view.software.test_set_id == "set-1"
    assert view.permissions == frozenset(PERMISSIONS)
    assert [t.nit for t in await tenant_service.list_tenants()] == ["900373076"]


async def test_update_changes_permissions_quotas_and_name(tenant_service: TenantService) -> None:
    tenant = await make_tenant(tenant_service, monthly_limit=10)
    updated = await tenant_service.update_tenant(
        tenant.id,
        name="Ferretería Renovada SAS",
        permissions={"permite_notas_debito": False},
        yearly_limit=100,
    )
    assert updated.name == updated.party.name == "Ferretería Renovada SAS"
    assert updated.party.address == SUPPLIER.address
    assert updated.permissions["permite_notas_debito"] is False
    assert (updated.monthly_limit, updated.yearly_limit) == (10, 100)
    cleared = await tenant_service.update_tenant(tenant.id, monthly_limit=None)
    assert (cleared.monthly_limit, cleared.yearly_limit) == (None, 100)
    view = await tenant_service.tenant_view(tenant.id)
    assert view.permissions == {"permite_facturas", "permite_notas_credito"}
    assert required_permission("92") == "permite_notas_debito"
    with pytest.raises(ConfigurationError, match="permisos desconocidos"):
        await tenant_service.update_tenant(tenant.id, permissions={"permite_todo": True})


async def test_credential_issue_authenticate_revoke(tenant_service: TenantService) -> None:
    tenant = await make_tenant(tenant_service)
    issued = await tenant_service.issue_credential(tenant.id, "facepro", label="ERP")
    assert issued.token == f"{issued.id}|{issued.secret}"
    assert len(issued.secret) == 40
    assert parse_token(issued.token) == (issued.id, issued.secret)

    view = await tenant_service.authenticate("facepro", issued.token)
    assert (view.id, view.nit, view.software.pin) == (tenant.id, "900373076", PIN)
    [listed] = await tenant_service.list_credentials(tenant.id)
    assert listed.last_used_at is not None and listed.revoked_at is None

    for dialect, token in (
        ("apidian", issued.token),  # another dialect's credential
        ("facepro", f"{issued.id}|{issued.secret[:-1]}x"),
        ("facepro", f"{issued.id + 1}|{issued.secret}"),
        ("facepro", issued.secret),
        ("facepro", ""),
    ):
        with pytest.raises(AuthenticationFailed):
            await tenant_service.authenticate(dialect, token)

    await tenant_service.revoke_credential(issued.id)
    await tenant_service.revoke_credential(issued.id)  # again: harmless
    with pytest.raises(AuthenticationFailed):
        await tenant_service.authenticate("facepro", issued.token)
    with pytest.raises(NotFound):
        await tenant_service.revoke_credential(issued.id + 100)

    other = await tenant_service.issue_credential(tenant.id, "facepro")
    await tenant_service.update_tenant(tenant.id, status="suspendido")
    with pytest.raises(AuthenticationFailed):
        await tenant_service.authenticate("facepro", other.token)


async def test_audit_rows_are_recorded(tenant_service: TenantService) -> None:
    tenant = await make_tenant(tenant_service)
    await tenant_service.audit(
        tenant_id=tenant.id,
        credential_id=7,
        dialect="facepro",
        method="POST",
        path="/api/v1/invoices",
        status=201,
        duration_ms=12.5,
        ip="127.0.0.1",
    )
    assert await tenant_service.count_audit(tenant.id) == 1


async def test_audit_rows_are_written_in_batches_without_being_asked(
    tenant_service: TenantService, sessionmaker, monkeypatch
) -> None:
    """A burst of requests costs one transaction; the rows land within the flush delay even
    when nobody reads the log, and ``flush_audit`` (the app context's close) writes the rest."""
    tenant = await make_tenant(tenant_service)

    async def rows_in_database() -> int:
        async with sessionmaker() as session:
            query = select(func.count()).select_from(AuditEntry)
            return int(await session.scalar(query.where(AuditEntry.tenant_id == tenant.id)))

    async def request(path: str) -> None:
        await tenant_service.audit(
            tenant_id=tenant.id,
            credential_id=1,
            dialect="facepro",
            method="GET",
            path=path,
            status=200,
            duration_ms=1.0,
        )

    monkeypatch.setattr("core.tenants.AUDIT_FLUSH_DELAY_S", 1.0)  # room for a slow machine
    for n in range(5):
        await request(f"/api/v1/documentos/{n}")
    assert await rows_in_database() == 0  # waiting for their batch
    for _ in range(100):  # the batch's timer writes them; nobody asks
        if await rows_in_database() == 5:
            break
        await asyncio.sleep(0.1)
    assert await rows_in_database() == 5
    await request("/api/v1/me")
    await tenant_service.flush_audit()
    assert await rows_in_database() == 6


async def test_secrets_are_encrypted_at_rest(sqlite_url: str, tmp_path: Path) -> None:
    migrate_test_database(sqlite_url)
    engine = create_engine(sqlite_url)
    box = SecretBox(key_from_text("clave de pruebas"))
    service = TenantService(create_sessionmaker(engine), box, settings=Settings())
    tenant = await make_tenant(service)
    p12, password = generate_test_pkcs12(
        nit="900373076", name="Ferretería", password="contraseña-del-certificado-91"
    )
    info = await service.attach_certificate(tenant.id, p12, password)
    issued = await service.issue_credential(tenant.id, "facepro")
    assert await service.load_certificate(tenant.id) == (p12, password)
    assert (await service.tenant_view(tenant.id)).software.pin == PIN
    assert info.not_after > dt.datetime.now(BOGOTA)
    await engine.dispose()

    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
    assert b"900373076" in raw  # the bytes read are the database's
    for secret in (password, PIN, issued.secret, issued.token):
        assert secret.encode() not in raw
    key, cert, _ = pkcs12.load_key_and_certificates(p12, password.encode())
    assert cert is not None and cert.public_bytes(Encoding.DER) not in raw

    other_box = SecretBox(key_from_text("otra clave"))
    engine = create_engine(sqlite_url)
    try:
        stranger = TenantService(create_sessionmaker(engine), other_box, settings=Settings())
        with pytest.raises(ConfigurationError, match="clave secreta"):
            await stranger.load_certificate(tenant.id)
    finally:
        await engine.dispose()


async def test_a_wrong_certificate_password_stores_nothing(tenant_service: TenantService) -> None:
    tenant = await make_tenant(tenant_service)
    p12, _ = generate_test_pkcs12(nit="900373076", name="Ferretería")
    with pytest.raises(CertificateError):
        await tenant_service.attach_certificate(tenant.id, p12, "no-es-la-clave")
    with pytest.raises(ConfigurationError, match="no tiene certificado"):
        await tenant_service.load_certificate(tenant.id)


async def test_monthly_and_yearly_quotas(tenant_service: TenantService) -> None:
    tenant = await make_tenant(tenant_service, monthly_limit=2, yearly_limit=3)
    november = dt.datetime(2026, 11, 30, 18, 0, tzinfo=BOGOTA)
    await tenant_service.consume_quota(tenant.id, november)
    await tenant_service.consume_quota(tenant.id, november)
    with pytest.raises(QuotaExceeded) as month_full:
        await tenant_service.consume_quota(tenant.id, november)
    assert (month_full.value.used, month_full.value.limit) == (2, 2)
    assert month_full.value.period == "mensual"
    assert month_full.value.retry_after_s == 6 * 3600  # until 2026-12-01 00:00 -05:00

    december = dt.datetime(2026, 12, 1, 9, 0, tzinfo=BOGOTA)
    await tenant_service.consume_quota(tenant.id, december)
    with pytest.raises(QuotaExceeded) as year_full:
        await tenant_service.consume_quota(tenant.id, december)
    assert (year_full.value.used, year_full.value.limit, year_full.value.period) == (3, 3, "anual")
    assert year_full.value.retry_after_s == 31 * 86400 - 9 * 3600

    status = await tenant_service.quota_status(tenant.id, december)
    assert (status.monthly_used, status.yearly_used) == (1, 3)  # refused ones are not counted


async def test_quota_holds_under_concurrency(tenant_service: TenantService) -> None:
    tenant = await make_tenant(tenant_service, monthly_limit=5)
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BOGOTA)

    async def attempt() -> bool:
        try:
            await tenant_service.consume_quota(tenant.id, now)
        except QuotaExceeded:
            return False
        return True

    results = await asyncio.gather(*(attempt() for _ in range(20)))
    assert results.count(True) == 5
    assert (await tenant_service.quota_status(tenant.id, now)).monthly_used == 5


async def test_active_range_selection(tenant_service: TenantService) -> None:
    tenant = await make_tenant(tenant_service)
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
        }
        return await tenant_service.add_resolution(tenant.id, **{**base, **fields})  # type: ignore[arg-type]

    with pytest.raises(ConfigurationError, match="no hay una resolución"):
        await tenant_service.active_range(tenant.id, "01", "simulador", today)
    await add(resolution_number="vencida", valid_to=dt.date(2026, 6, 30))
    await add(resolution_number="futura", valid_from=dt.date(2026, 12, 1))
    await add(resolution_number="agotada", from_number=1, to_number=10, next_number=11)
    await add(resolution_number="otro-ambiente", environment="produccion")
    await add(resolution_number="nota", document_type="91", prefix="NC", technical_key=None)
    chosen = await add(resolution_number="vigente", prefix="FE", technical_key="fc8e")
    await add(resolution_number="siguiente")

    active = await tenant_service.active_range(tenant.id, "01", "simulador", today)
    assert active == chosen
    assert (active.prefix, active.technical_key, active.environment) == ("FE", "fc8e", "simulador")
    note = await tenant_service.active_range(tenant.id, "91", "simulador", today)
    assert note.resolution_number == "nota"
    assert (
        await tenant_service.active_range(tenant.id, "01", "produccion", today)
    ).prefix == "SETP"
    assert (
        await tenant_service.active_range(tenant.id, "01", "simulador", dt.date(2026, 3, 1))
    ).resolution_number == "vencida"

    only_used_up = await make_tenant(tenant_service, nit="800197268")
    await tenant_service.add_resolution(
        only_used_up.id,
        document_type="01",
        resolution_number="18760000009",
        prefix="X",
        from_number=5,
        to_number=5,
        next_number=6,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 1, 1),
    )
    with pytest.raises(NumberingExhausted, match="agotó su rango"):
        await tenant_service.active_range(only_used_up.id, "01", "simulador", today)
    with pytest.raises(ConfigurationError):
        await tenant_service.add_resolution(
            tenant.id,
            document_type="01",
            resolution_number="x",
            from_number=10,
            to_number=1,
            valid_from=today,
            valid_to=today,
        )

    ranges = await tenant_service.list_ranges(tenant.id, "simulador")
    assert [r.remaining for r in ranges if r.range.resolution_number == "agotada"] == [0]


async def test_environment_provisioning(
    sessionmaker, secret_box: SecretBox, tmp_path: Path
) -> None:
    received: list[Provisioning] = []

    async def provision(settings: Settings, provisioning: Provisioning) -> None:
        received.append(provisioning)

    environments = {
        "simulador": Environment(
            id="simulador",
            title="Simulador",
            profile_execution_id="2",
            soap_url=None,
            qr_base_url="https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=",
            provision=provision,
        ),
        "habilitacion": Environment(
            id="habilitacion",
            title="Habilitación",
            profile_execution_id="2",
            soap_url="https://vpfe-hab.dian.gov.co/WcfDianCustomerServices.svc",
            qr_base_url="https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=",
        ),
    }
    service = TenantService(sessionmaker, secret_box, environments, settings=Settings())
    tenant = await make_tenant(service)
    assert received[-1].tenant.nit == "900373076"
    assert (received[-1].ranges, received[-1].certificate_der) == ([], None)

    numbering = await service.add_resolution(
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

    p12, password = generate_test_pkcs12(nit="900373076", name="Ferretería")
    await service.attach_certificate(tenant.id, p12, password)
    _, cert, _ = pkcs12.load_key_and_certificates(p12, password.encode())
    assert cert is not None
    assert received[-1].certificate_der == cert.public_bytes(Encoding.DER)

    calls = len(received)
    await service.switch_environment(tenant.id, "habilitacion")  # no provision hook there
    assert len(received) == calls
    assert (await service.tenant_view(tenant.id)).environment == "habilitacion"
    with pytest.raises(ConfigurationError, match="ambiente desconocido"):
        await service.switch_environment(tenant.id, "marte")

    await service.switch_environment(tenant.id, "simulador")
    assert received[-1].ranges == [numbering]  # ranges stay with their environment
    assert await service.provision_all() == 1
