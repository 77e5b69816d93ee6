"""FacEPro auth, /health and /me through the real app."""

from __future__ import annotations

import datetime as dt

from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.context import AppContext
from core.demo import DEMO_NAME, DEMO_NIT, DemoSetup
from tests.adapters.facepro.conftest import bearer

NOT_AUTHENTICATED = {"ok": False, "error": "No autenticado.", "codigo": "no_autenticado"}


async def test_health_is_public(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("status", "service", "version")} == {
        "status": "ok",
        "service": "FacEPro Cloud",
        "version": "v1",
    }
    assert dt.datetime.fromisoformat(body["time"]).utcoffset() == dt.timedelta(hours=-5)


async def test_me_seed_example(client: AsyncTestClient[Litestar], demo_tenant: DemoSetup) -> None:
    credential = demo_tenant.credentials["facepro"]
    # curl -H "Authorization: Bearer YOUR_TOKEN" https://facepro.cdpconsultores.com/api/v1/me
    response = await client.get("/api/v1/me", headers=bearer(credential.token))
    assert response.status_code == 200
    assert response.json() == {
        "user": {"id": credential.id, "name": "demo", "email": None},
        "tenant": {
            "id": demo_tenant.tenant.id,
            "uuid": demo_tenant.tenant.uuid,
            "nit": DEMO_NIT,
            "dv": demo_tenant.tenant.dv,
            "razon_social": DEMO_NAME,
            "estado": "activo",
        },
    }


async def test_missing_or_bad_tokens_get_401(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    ident, secret = demo_token.split("|")
    for headers in (
        {},
        {"Authorization": demo_token},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {ident}|{secret}x"},
        {"Authorization": f"Bearer 999|{secret}"},
        {"Authorization": "Bearer 7|aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"},
    ):
        for method, path in (
            ("GET", "/api/v1/me"),
            ("GET", "/api/v1/documentos"),
            ("POST", "/api/v1/documentos"),
            ("POST", "/api/v1/notas-credito"),
            ("GET", "/api/v1/documentos/550e8400-e29b-41d4-a716-446655440000/xml"),
        ):
            response = await client.request(method, path, headers=headers)
            assert response.status_code == 401, (headers, path)
            assert response.json() == NOT_AUTHENTICATED


async def test_revoked_and_other_dialect_tokens_are_refused(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_tenant: DemoSetup
) -> None:
    tenant_id = demo_tenant.tenant.id
    other_dialect = await ctx.credentials.issue_credential(tenant_id, "otro-dialecto")
    revoked = await ctx.credentials.issue_credential(tenant_id, "facepro")
    await ctx.credentials.revoke_credential(revoked.id)
    for token in (other_dialect.token, revoked.token):
        response = await client.get("/api/v1/me", headers=bearer(token))
        assert response.status_code == 401
        assert response.json() == NOT_AUTHENTICATED


async def test_authenticated_requests_are_audited(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_tenant: DemoSetup, demo_token: str
) -> None:
    before = await ctx.audit.count(demo_tenant.tenant.id)
    await client.get("/api/v1/me", headers=bearer(demo_token))
    await client.get("/api/v1/documentos?estado=otro", headers=bearer(demo_token))
    await client.get("/api/v1/me")  # not authenticated: logged, not audited
    assert await ctx.audit.count(demo_tenant.tenant.id) == before + 2


async def test_demo_credentials_entry(ctx: AppContext, demo_tenant: DemoSetup) -> None:
    from core.demo import credentials_document

    document = credentials_document(ctx, demo_tenant, "http://127.0.0.1:8000")
    assert document["facepro"] == {"token": demo_tenant.credentials["facepro"].token}
