"""The environment page against the simulator: the test set sent from the portal and
followed to DIAN's verdict, then the promote and demote steps (the same ``core.habilitacion``
operations as the CLI); a company ``operador`` cannot run them."""

from __future__ import annotations

import re

import pytest

from tests.core.web.portal_helpers import PASSWORD, form_token, sign_in

ADMIN = "admin@demo.example"
CLERK = "auxiliar@demo.example"


@pytest.fixture
async def signed_in_admin(client, ctx, demo_tenant):
    tenant = demo_tenant.tenant.id
    await ctx.users.create_user(email=ADMIN, password=PASSWORD, tenant=tenant, role="administrador")
    await ctx.users.create_user(email=CLERK, password=PASSWORD, tenant=tenant, role="operador")
    assert (await sign_in(client, ADMIN)).status_code == 303
    return demo_tenant


def verdict_of(html: str) -> str:
    found = re.search(r'id="test-set-verdict">([^<]+)<', html)
    assert found, "the page shows no test-set verdict"
    return found.group(1)


async def test_test_set_promote_and_demote_from_the_portal(client, ctx, signed_in_admin):
    tenant_id = signed_in_admin.tenant.id
    page = await client.get("/portal/ambiente")
    assert page.status_code == 200
    assert verdict_of(page.text) == "sin documentos enviados"

    csrf = await form_token(client, "/portal/ambiente")
    sent = await client.post("/portal/ambiente/set-de-pruebas", data={"csrf_token": csrf})
    assert sent.status_code == 303
    page = await client.get("/portal/ambiente")
    assert "aceptado por la DIAN" in page.text  # the flash and the verdict
    assert verdict_of(page.text) == "aceptado por la DIAN"

    promoted = await client.post("/portal/ambiente/promover", data={"csrf_token": csrf})
    assert promoted.status_code == 303
    assert (await ctx.tenants.get_tenant(tenant_id)).environment == "simulador_produccion"
    page = await client.get("/portal/ambiente")
    assert "pasó de simulador a simulador_produccion" in page.text
    production_ranges = await ctx.ranges.list_ranges(tenant_id, "simulador_produccion")
    assert any(r.range.document_type == "01" and r.range.technical_key for r in production_ranges)

    demoted = await client.post("/portal/ambiente/regresar", data={"csrf_token": csrf})
    assert demoted.status_code == 303
    assert (await ctx.tenants.get_tenant(tenant_id)).environment == "simulador"


async def test_a_company_operador_cannot_switch_environments(client, ctx, signed_in_admin):
    client.cookies.clear()
    assert (await sign_in(client, CLERK)).status_code == 303
    csrf = await form_token(client, "/portal/ambiente")
    for action in ("set-de-pruebas", "promover", "regresar"):
        answer = await client.post(f"/portal/ambiente/{action}", data={"csrf_token": csrf})
        assert answer.status_code == 403, action
    assert (await ctx.tenants.get_tenant(signed_in_admin.tenant.id)).environment == "simulador"
