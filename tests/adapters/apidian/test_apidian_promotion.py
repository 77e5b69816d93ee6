"""APIDIAN's "Paso a Producción" (``PUT /config/environment`` with 1) is core's promote: refused
until DIAN accepted the test set, then the production ranges come from GetNumberingRange;
``/numbering-range`` shows them; 3 brings a simulator company back (demote)."""

from __future__ import annotations

import httpx
from apidian_documents_support import apidian_token, bearer

from core.context import AppContext
from core.demo import DemoSetup
from core.habilitacion.runner import PollPolicy, run_test_set

__all__ = ["apidian_token"]

PUT = "/api/ubl2.1/config/environment"


async def test_paso_a_produccion_is_the_core_promote(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, apidian_token: str
) -> None:
    tenant = demo_tenant.tenant
    software = tenant.software_for("facturacion")
    assert software is not None and tenant.environment == "simulador"

    early = await client.put(PUT, json={"type_environment_id": 1}, headers=bearer(apidian_token))
    assert early.status_code == 400
    assert early.json() == {
        "success": False,
        "message": f"La DIAN no ha aceptado el set de pruebas {software.test_set_id} de la "
        f"empresa {tenant.nit}: envíelo con 'pasarela habilitacion run {tenant.nit}'; la "
        "empresa sigue en simulador.",
    }
    assert (await ctx.tenants.get_tenant(tenant.id)).environment == "simulador"

    policy = PollPolicy(first_delay_s=0.0, timeout_s=5.0)
    assert (await run_test_set(ctx, tenant.nit, composition={"01": 1}, poll=policy)).accepted

    answer = await client.put(PUT, json={"type_environment_id": 1}, headers=bearer(apidian_token))
    assert answer.status_code == 200, answer.text
    assert answer.json()["company"]["type_environment_id"] == 1
    assert (await ctx.tenants.get_tenant(tenant.id)).environment == "simulador_produccion"
    ranges = await ctx.ranges.list_ranges(tenant.id, "simulador_produccion")
    [production] = [r.range for r in ranges if r.range.prefix == "FE"]
    assert production.document_type == "01" and production.technical_key

    listed = await client.post(
        "/api/ubl2.1/numbering-range",
        json={"IDSoftware": software.id},
        headers=bearer(apidian_token),
    )
    assert listed.status_code == 200, listed.text
    # DIAN's answer as it came: the resolution the promotion stored, with its technical key
    assert production.resolution_number in listed.text
    assert production.technical_key in listed.text

    back = await client.put(PUT, json={"type_environment_id": 3}, headers=bearer(apidian_token))
    assert back.status_code == 200, back.text
    assert back.json()["company"]["type_environment_id"] == 3
    assert (await ctx.tenants.get_tenant(tenant.id)).environment == "simulador"
