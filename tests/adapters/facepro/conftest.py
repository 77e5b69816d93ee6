"""A real gateway app on a fresh SQLite database, and FacEPro tokens for two tenants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.settings import Settings
from core.storage.migrate import upgrade
from core.web.app import create_app
from core.web.context import AppContext


@dataclass
class Gateway:
    app: Litestar
    client: AsyncTestClient
    ctx: AppContext

    async def tenant_token(self, nit: str, dv: str, name: str, **options: object) -> str:
        options.setdefault("environment", "simulador")
        tenant = await self.ctx.tenants.create_tenant(
            nit=nit,
            dv=dv,
            name=name,
            software_id="a5a31c2e-6b32-4f1b-9f5e-0d3c1c8e7a11",
            software_pin="12345",
            **options,  # type: ignore[arg-type]
        )
        credential = await self.ctx.tenants.issue_credential(tenant.id, "facepro", "Luis Alberto")
        return credential.token


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    url = f"sqlite:///{tmp_path / 'facepro.db'}"
    upgrade(url)
    settings = Settings(database_url=url, secret_key="facepro-tests")
    app = create_app(settings)
    async with AsyncTestClient(app, base_url="https://facepro.test") as client:
        yield Gateway(app=app, client=client, ctx=app.state.ctx)
