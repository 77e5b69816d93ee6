"""The portal's protections against the real app: sign-in required, wrong passwords, login
throttling, CSRF on every form, and tenant isolation (another tenant's data is a 404, URL
guessing included); every portal request lands in the audit log with its user."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.storage.tables import AuditEntry
from core.tenancy.users import MAX_FAILURES_PER_ACCOUNT
from core.web.portal.session import SESSION_COOKIE
from tests.core.web.portal_helpers import FACTURA, PASSWORD, csrf_of, form_token, sign_in

ADMIN = "admin@empresa-a.example"
OTHER = "admin@empresa-b.example"
OPERATOR = "operador@pasarela.example"


@pytest.fixture
async def accounts(ctx, demo_tenant):
    """Tenant A (the demo company) and tenant B, an administrator each, and the operator."""
    other = await ctx.tenants.create_tenant(nit="800197268", dv="4", name="Otra Empresa S.A.S.")
    await ctx.users.create_user(
        email=ADMIN, password=PASSWORD, tenant=demo_tenant.tenant.id, role="administrador"
    )
    await ctx.users.create_user(
        email=OTHER, password=PASSWORD, tenant=other.id, role="administrador"
    )
    await ctx.users.create_user(email=OPERATOR, password=PASSWORD, tenant=None, role="pasarela")
    return demo_tenant, other


@pytest.mark.parametrize(
    "path", ["/portal", "/portal/documentos", "/portal/credenciales", "/portal/operador"]
)
async def test_pages_redirect_to_sign_in_without_a_session(client, path):
    answer = await client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal/login"


async def test_sign_in_sets_a_protected_session_cookie_and_sign_out_ends_it(client, accounts):
    answer = await sign_in(client, ADMIN)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/portal" in cookie
    home = await client.get("/portal")
    assert home.status_code == 200
    assert "Pasarela Demo S.A.S." in home.text
    out = await client.post("/portal/salir", data={"csrf_token": csrf_of(home.text)})
    assert out.status_code == 303
    assert (await client.get("/portal")).status_code == 303


async def test_a_wrong_password_is_refused_without_a_session(client, accounts):
    answer = await sign_in(client, ADMIN, "no-es-la-clave-correcta")
    assert answer.status_code == 401
    assert "correo o contraseña incorrectos" in answer.text
    assert f"{SESSION_COOKIE}=" not in answer.headers.get("set-cookie", "")
    unknown = await sign_in(client, "nadie@ninguna.example", "no-es-la-clave-correcta")
    assert unknown.status_code == 401
    assert "correo o contraseña incorrectos" in unknown.text  # same answer: no account probing
    assert (await client.get("/portal")).status_code == 303


async def test_sign_in_is_throttled_after_repeated_failures(client, accounts):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert (await sign_in(client, ADMIN, "no-es-la-clave-correcta")).status_code == 401
    throttled = await sign_in(client, ADMIN)  # the right password, refused now
    assert throttled.status_code == 429
    assert "demasiados intentos fallidos" in throttled.text
    assert (await client.get("/portal")).status_code == 303
    assert (await sign_in(client, OTHER)).status_code == 303  # another account is not locked


async def test_throttling_is_shared_through_the_database(client, accounts, ctx):
    """A failure recorded by one process counts for every other (the count is in the DB)."""
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(Exception, match="incorrectos"):
            await ctx.users.authenticate(ADMIN, "no-es-la-clave-correcta", "10.1.1.1")
    assert (await sign_in(client, ADMIN)).status_code == 429


async def test_forms_without_the_session_csrf_token_are_refused(client, accounts, ctx):
    demo, _ = accounts
    assert (await sign_in(client, ADMIN)).status_code == 303
    before = await ctx.credentials.list_credentials(demo.tenant.id)
    missing = await client.post("/portal/credenciales", data={"dialect": "facepro"})
    assert missing.status_code == 403
    assert "Formulario rechazado" in missing.text
    forged = await client.post(
        "/portal/credenciales", data={"dialect": "facepro", "csrf_token": "adivinado"}
    )
    assert forged.status_code == 403
    credential = before[0].id
    revoke = await client.post(f"/portal/credenciales/{credential}/revocar", data={})
    assert revoke.status_code == 403
    assert await ctx.credentials.list_credentials(demo.tenant.id) == before  # nothing changed
    token = await form_token(client, "/portal/credenciales")
    issued = await client.post(
        "/portal/credenciales", data={"dialect": "facepro", "csrf_token": token}
    )
    assert issued.status_code == 200
    assert len(await ctx.credentials.list_credentials(demo.tenant.id)) == len(before) + 1


async def test_the_sign_in_form_needs_its_csrf_cookie(client, accounts):
    page = await client.get("/portal/login")
    client.cookies.clear()  # a cross-site form carries the token but not our cookie
    answer = await client.post(
        "/portal/login",
        data={"csrf_token": csrf_of(page.text), "email": ADMIN, "password": PASSWORD},
    )
    assert answer.status_code == 403
    assert f"{SESSION_COOKIE}=" not in answer.headers.get("set-cookie", "")


async def test_another_tenants_data_is_not_found_by_url_guessing(client, accounts, ctx):
    demo, _ = accounts
    token = demo.credentials["facepro"].token
    issued = await client.post(
        "/api/v1/documentos", json=FACTURA, headers={"Authorization": f"Bearer {token}"}
    )
    assert issued.status_code == 201, issued.text
    uuid = issued.json()["data"]["tracking_id"]
    credential = demo.credentials["facepro"].id
    demo_range = (await ctx.ranges.list_ranges(demo.tenant.id))[0].range.id

    assert (await sign_in(client, OTHER)).status_code == 303
    for path in (
        f"/portal/documentos/{uuid}",
        f"/portal/documentos/{uuid}/xml",
        f"/portal/documentos/{uuid}/pdf",
        f"/portal/documentos/{uuid}/attached",
    ):
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert "No encontrado" in answer.text
    listing = await client.get("/portal/documentos")
    assert uuid not in listing.text
    csrf = await form_token(client, "/portal/credenciales")
    for path in (
        f"/portal/documentos/{uuid}/consultar",
        f"/portal/documentos/{uuid}/reenviar",
        f"/portal/credenciales/{credential}/revocar",
        f"/portal/dian/rangos/{demo_range}/retirar",
    ):
        answer = await client.post(path, data={"csrf_token": csrf})
        assert answer.status_code == 404, path
    assert not any(c.revoked_at for c in await ctx.credentials.list_credentials(demo.tenant.id))
    assert all(r.retired_at is None for r in await ctx.ranges.list_ranges(demo.tenant.id))
    # the owner sees it
    client.cookies.clear()
    assert (await sign_in(client, ADMIN)).status_code == 303
    mine = await client.get(f"/portal/documentos/{uuid}")
    assert mine.status_code == 200
    assert "aceptado" in mine.text


async def test_operator_pages_are_the_operators_only(client, accounts):
    assert (await sign_in(client, ADMIN)).status_code == 303
    assert (await client.get("/portal/operador")).status_code == 403
    client.cookies.clear()
    answer = await sign_in(client, OPERATOR)
    assert answer.headers["location"] == "/portal/operador"
    page = await client.get("/portal/operador")
    assert page.status_code == 200
    assert "900373076" in page.text and "800197268" in page.text
    assert (await client.get("/portal/documentos")).status_code == 403  # no tenant of its own


async def test_every_portal_request_is_audited_with_its_user(client, accounts, ctx):
    demo, _ = accounts
    assert (await sign_in(client, ADMIN)).status_code == 303
    assert (await client.get("/portal/documentos")).status_code == 200
    await ctx.audit.flush()
    user = await ctx.users.find_user(ADMIN)
    async with ctx.sessionmaker() as session:
        rows = (
            await session.execute(select(AuditEntry).where(AuditEntry.user_id == user.id))
        ).scalars()
        seen = {(row.method, row.path, row.tenant_id, row.dialect) for row in rows}
    assert ("POST", "/portal/login", demo.tenant.id, "portal") in seen
    assert ("GET", "/portal/documentos", demo.tenant.id, "portal") in seen
    page = await client.get("/portal/auditoria")
    assert "/portal/documentos" in page.text
