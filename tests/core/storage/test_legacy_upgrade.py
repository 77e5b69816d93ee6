"""A database made by the first release (core at 0001, the simulator's tables from its old
``create_all``) upgrades in place on SQLite and PostgreSQL: the data stays and the gateway keeps
serving the clients it had, with the tokens they hold."""

from __future__ import annotations

from pathlib import Path

import httpx
import sqlalchemy as sa

from core.context import AppContext
from core.contracts import CHANNEL_INVOICES
from core.plugins import build_registry, get_plugin_manager
from core.storage.engine import create_engine
from core.storage.migrate import current_revisions, pending_revisions, upgrade
from core.testing import make_test_settings
from core.web.app import create_app
from plugins.environments.simulador.store import SimulatorStore
from tests.core.storage.legacy_schema import (
    LEGACY_CORE_REVISION,
    LEGACY_SIMULATOR_TABLES,
    NAME,
    SOFTWARE_ID,
    SOFTWARE_PIN,
    LegacyDatabase,
    build_legacy_database,
)
from tests.core.storage.test_storage_migrations import schema_snapshot

INVOICE = """{
  "adquiriente": {"tipo_persona": "2", "tipo_documento": "13", "numero_documento": "71234567",
                  "razon_social": "JUAN PEREZ", "responsabilidad_fiscal": "R-99-PN"},
  "lineas": [{"codigo": "P1", "descripcion": "Producto 1", "cantidad": 2, "precio": 50000,
              "iva_pct": 19}]
}"""


async def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            tables = ("tenants", "credentials", "documents", "resolutions", "certificates")
            return {
                table: (await conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}"))).scalar_one()
                for table in (*tables, *LEGACY_SIMULATOR_TABLES)
            }
    finally:
        await engine.dispose()


async def test_the_legacy_fixture_is_the_first_release(database_url: str) -> None:
    legacy = await build_legacy_database(database_url)
    assert current_revisions(database_url) == (LEGACY_CORE_REVISION,)
    counts = await row_counts(database_url)
    assert counts["sim_companies"] == counts["sim_documents"] == counts["documents"] == 1
    assert legacy.facepro_token.split("|", 1)[0].isdigit()


async def test_upgrade_keeps_the_data_and_the_gateway_keeps_serving(
    database_url: str, tmp_path: Path
) -> None:
    legacy = await build_legacy_database(database_url)
    before = await row_counts(database_url)
    trees = build_registry(get_plugin_manager()).migrations

    upgrade(database_url, trees)

    assert pending_revisions(database_url, trees) == ()
    assert "simulador_0002" in current_revisions(database_url)
    assert await row_counts(database_url) == before  # adopted, not recreated
    assert (await schema_snapshot(database_url))[1] == []  # the same schema as a fresh database
    store = SimulatorStore(database_url)
    try:
        assert await store.company_name(legacy.nit) == NAME
    finally:
        await store.dispose()
    await gateway_still_serves(legacy, tmp_path)


async def gateway_still_serves(legacy: LegacyDatabase, tmp_path: Path) -> None:
    """The old token authenticates, the old document reads, a new invoice continues the
    range and is accepted by the simulated DIAN, which knows the company from before."""
    settings = make_test_settings(tmp_path, database_url=legacy.url, secret_key=legacy.secret_key)
    app = create_app(settings)
    ctx: AppContext = app.state.ctx
    await ctx.start()
    try:
        tenant = (await ctx.credentials.authenticate("facepro", legacy.facepro_token)).tenant
        assert (tenant.nit, tenant.party.name) == (legacy.nit, NAME)
        # the three permission flags became permission ids; the one software, the invoice
        # channel's, its PIN still encrypted with the same key
        assert tenant.permissions == {"facturas", "notas_credito"}
        assert set(tenant.software) == {CHANNEL_INVOICES}
        software = tenant.software[CHANNEL_INVOICES]
        assert (software.id, software.pin) == (SOFTWARE_ID, SOFTWARE_PIN)
        headers = {
            "Authorization": f"Bearer {legacy.facepro_token}",
            "Content-Type": "application/json",
        }
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.public_url) as http:
            old = await http.get(f"/api/v1/documentos/{legacy.document_uuid}", headers=headers)
            assert old.status_code == 200, old.text
            assert old.json()["data"]["numero_completo"] == legacy.document_number
            issued = await http.post("/api/v1/documentos", content=INVOICE, headers=headers)
            assert issued.status_code == 201, issued.text
            data = issued.json()["data"]
            assert data["consecutivo"] == legacy.next_number
            assert data["estado"] == "aceptado", data
    finally:
        await ctx.close()
