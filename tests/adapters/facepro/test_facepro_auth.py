"""FacEPro auth, /health and /me through the real app."""

from __future__ import annotations

import datetime as dt

from tests.adapters.facepro.conftest import Gateway

NOT_AUTHENTICATED = {"ok": False, "error": "No autenticado.", "codigo": "no_autenticado"}


async def test_health_is_public(gateway: Gateway) -> None:
    response = await gateway.client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("status", "service", "version")} == {
        "status": "ok",
        "service": "FacEPro Cloud",
        "version": "v1",
    }
    assert dt.datetime.fromisoformat(body["time"]).utcoffset() == dt.timedelta(hours=-5)


async def test_me_returns_user_and_tenant(gateway: Gateway) -> None:
    token = await gateway.tenant_token(
        "901234567", "1", "MI EMPRESA SAS", environment="habilitacion"
    )
    response = await gateway.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    tenant = body["tenant"]
    assert body["user"] == {"id": int(token.split("|")[0]), "name": "Luis Alberto", "email": None}
    assert {k: tenant[k] for k in ("nit", "dv", "razon_social", "estado")} == {
        "nit": "901234567",
        "dv": "1",
        "razon_social": "MI EMPRESA SAS",
        "estado": "activo",
    }
    assert isinstance(tenant["id"], int) and len(tenant["uuid"]) == 36


async def test_missing_or_bad_tokens_get_401(gateway: Gateway) -> None:
    token = await gateway.tenant_token(
        "901234567", "1", "MI EMPRESA SAS", environment="habilitacion"
    )
    ident, secret = token.split("|")
    for headers in (
        {},
        {"Authorization": token},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {ident}|{secret}x"},
        {"Authorization": f"Bearer 999|{secret}"},
        {"Authorization": "Bearer 7|aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"},
    ):
        for method, path in (
            ("GET", "/api/v1/me"),
            ("GET", "/api/v1/documentos"),
            ("POST", "/api/v1/documentos"),
            ("GET", "/api/v1/documentos/550e8400-e29b-41d4-a716-446655440000/xml"),
        ):
            response = await gateway.client.request(method, path, headers=headers)
            assert response.status_code == 401, (headers, path)
            assert response.json() == NOT_AUTHENTICATED


async def test_token_of_another_dialect_is_refused(gateway: Gateway) -> None:
    tenant = await gateway.ctx.tenants.create_tenant(
        nit="900373115",
        dv="2",
        name="OTRA SAS",
        software_id="x",
        software_pin="1",
        environment="habilitacion",
    )
    other = await gateway.ctx.tenants.issue_credential(tenant.id, "apidian")
    response = await gateway.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {other.token}"}
    )
    assert response.status_code == 401


async def test_authenticated_requests_are_audited(gateway: Gateway) -> None:
    token = await gateway.tenant_token(
        "901234567", "1", "MI EMPRESA SAS", environment="habilitacion"
    )
    headers = {"Authorization": f"Bearer {token}"}
    await gateway.client.get("/api/v1/me", headers=headers)
    await gateway.client.get("/api/v1/documentos?estado=otro", headers=headers)
    tenant_id = (await gateway.ctx.tenants.list_tenants())[0].id
    assert await gateway.ctx.tenants.count_audit(tenant_id) == 2
