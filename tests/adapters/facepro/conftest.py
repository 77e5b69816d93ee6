"""FacEPro test helpers on top of ``core.testing``'s fixtures (app, client, ctx, demo_tenant).

``other_tenant`` is a second company that can issue, so tests can check tenant isolation.
"""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.context import AppContext
from core.demo import DemoSetup, add_demo_range
from core.model import Address, Party
from core.signing.testcerts import generate_test_pkcs12
from core.validation.nit import check_digit

OTHER_NIT = "900373115"
OTHER_NAME = "OTRA EMPRESA SAS"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def issuing_tenant(
    ctx: AppContext,
    nit: str,
    name: str,
    range_types: tuple[str, ...] = ("01", "91", "92"),
    **options: object,
) -> str:
    """A simulador tenant with certificate and ranges (01/91/92 unless ``range_types`` says
    otherwise); returns a FacEPro token."""
    tenants = ctx.tenants
    tenant = await tenants.create_tenant(
        nit=nit,
        dv=check_digit(nit),
        party=Party(
            organization_type="1",
            id_type="31",
            id_number=nit,
            dv=check_digit(nit),
            name=name,
            tax_level_codes=("O-13",),
            tax_scheme="01",
            address=Address(
                municipality_code="05001",
                city_name="Medellín",
                department_code="05",
                department_name="Antioquia",
                line="Calle 10 # 20-30",
            ),
        ),
        environment="simulador",
        software_id=str(uuid.uuid4()),
        software_pin="54321",
        test_set_id=str(uuid.uuid4()),
        **options,  # type: ignore[arg-type]
    )
    pkcs12, password = generate_test_pkcs12(nit=nit, name=name)
    await ctx.certificates.attach_certificate(tenant.id, pkcs12, password)
    for type_code in range_types:
        await add_demo_range(ctx.ranges, tenant.id, ctx.registry.document_types.get(type_code))
    credential = await ctx.credentials.issue_credential(tenant.id, "facepro", "Luis Alberto")
    return credential.token


@pytest.fixture
def demo_token(demo_tenant: DemoSetup) -> str:
    return demo_tenant.credentials["facepro"].token


@pytest.fixture
async def other_token(client: AsyncTestClient[Litestar], ctx: AppContext) -> str:
    return await issuing_tenant(ctx, OTHER_NIT, OTHER_NAME)
