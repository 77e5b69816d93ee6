"""Tenancy fixtures: the composition root on a migrated database of each backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.model import Address, Party
from core.settings import Settings
from core.tenancy.records import TenantRecord
from core.web.context import AppContext

PIN = "pin-secreto-73519"


def settings_for(database_url: str, tmp_path: Path, secret_key: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=secret_key,
        secret_key_file=str(tmp_path / "pasarela.key"),
    )


@pytest.fixture
def ctx(db_ctx: AppContext) -> AppContext:
    return db_ctx


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


async def make_tenant(ctx: AppContext, nit: str = "900373076", **extra: object) -> TenantRecord:
    party = SUPPLIER if nit == SUPPLIER.id_number else None
    return await ctx.tenants.create_tenant(
        nit=nit,
        dv="5",
        party=party,
        name=None if party else f"Empresa {nit}",
        software_id="56f2ae4e-9812-4fad-9255-08fcfcd5ccb0",
        software_pin=PIN,
        **{"environment": "simulador", **extra},  # type: ignore[arg-type]
    )
