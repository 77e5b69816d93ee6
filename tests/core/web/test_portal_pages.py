"""What the portal's pages do, through the real app: the operator creates a company with its
administrator, sets its quota and permissions and suspends it (its API tokens stop working);
a company's documents are filtered by estado, kind, number and buyer; its SMTP settings keep
the password unseen; a company ``operador`` changes no set-up."""

from __future__ import annotations

import pytest

from tests.core.web.portal_helpers import FACTURA, PASSWORD, csrf_of, form_token, sign_in

ADMIN = "admin@demo.example"
OPERATOR = "operador@pasarela.example"


@pytest.fixture
async def users(ctx, demo_tenant):
    tenant = demo_tenant.tenant.id
    await ctx.users.create_user(email=ADMIN, password=PASSWORD, tenant=tenant, role="administrador")
    await ctx.users.create_user(
        email="auxiliar@demo.example", password=PASSWORD, tenant=tenant, role="operador"
    )
    await ctx.users.create_user(email=OPERATOR, password=PASSWORD, tenant=None, role="pasarela")
    return demo_tenant


async def test_the_operator_creates_limits_and_suspends_a_company(client, ctx, users):
    assert (await sign_in(client, OPERATOR)).status_code == 303
    csrf = await form_token(client, "/portal/operador")
    created = await client.post(
        "/portal/operador/empresas",
        data={
            "csrf_token": csrf,
            "nit": "800197268",
            "name": "Nueva Empresa S.A.S.",
            "environment": "habilitacion",
            "admin_email": "jefe@nueva.example",
            "admin_password": PASSWORD,
        },
    )
    assert created.status_code == 303
    tenant = await ctx.tenants.get_tenant("800197268")
    assert (tenant.dv, tenant.environment) == ("4", "habilitacion")
    page = await client.get("/portal/operador")
    assert "Empresa 800197268 creada." in page.text
    assert "la empresa no tiene certificado de firma" in page.text  # its readiness

    demo = users.tenant
    changed = await client.post(
        f"/portal/operador/empresas/{demo.id}",
        data={
            "csrf_token": csrf,
            "status": "inactivo",
            "permissions": ["facturas"],
            "monthly_limit": "100",
            "yearly_limit": "",
        },
    )
    assert changed.status_code == 303
    updated = await ctx.tenants.get_tenant(demo.id)
    assert (updated.status, updated.permissions) == ("inactivo", ("facturas",))
    assert (updated.monthly_limit, updated.yearly_limit) == (100, None)
    token = users.credentials["facepro"].token
    refused = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401

    client.cookies.clear()
    assert (await sign_in(client, "jefe@nueva.example")).status_code == 303
    assert "Nueva Empresa S.A.S." in (await client.get("/portal")).text


async def test_documents_are_filtered_by_estado_kind_number_and_buyer(client, users):
    token = users.credentials["facepro"].token
    headers = {"Authorization": f"Bearer {token}"}
    numbers = []
    for _ in range(2):
        issued = await client.post("/api/v1/documentos", json=FACTURA, headers=headers)
        assert issued.status_code == 201, issued.text
        numbers.append(issued.json()["data"]["numero_completo"])
    assert (await sign_in(client, ADMIN)).status_code == 303

    def listed(html: str) -> set[str]:
        return {n for n in numbers if f">{n}</a>" in html}

    assert listed((await client.get("/portal/documentos")).text) == set(numbers)
    assert listed((await client.get("/portal/documentos?estado=aceptado&tipo=01")).text) == set(
        numbers
    )
    assert not listed((await client.get("/portal/documentos?estado=rechazado")).text)
    assert not listed((await client.get("/portal/documentos?tipo=91")).text)
    assert listed((await client.get(f"/portal/documentos?numero={numbers[1]}")).text) == {
        numbers[1]
    }
    assert listed((await client.get("/portal/documentos?comprador=71234567")).text) == set(numbers)
    assert listed((await client.get("/portal/documentos?comprador=juan")).text) == set(numbers)
    assert not listed((await client.get("/portal/documentos?comprador=maria")).text)
    assert not listed(
        (await client.get("/portal/documentos?desde=2000-01-01&hasta=2000-12-31")).text
    )


async def test_smtp_settings_never_show_the_password(client, ctx, users):
    assert (await sign_in(client, ADMIN)).status_code == 303
    csrf = await form_token(client, "/portal/correo")
    saved = await client.post(
        "/portal/correo",
        data={
            "csrf_token": csrf,
            "host": "smtp.example.com",
            "port": "587",
            "security": "starttls",
            "user": "facturas",
            "password": "clave-smtp-muy-secreta",
            "from_address": "facturas@demo.example",
            "deliver_by_default": "1",
        },
    )
    assert saved.status_code == 303
    page = await client.get("/portal/correo")
    assert "Servidor de correo guardado." in page.text
    assert "clave-smtp-muy-secreta" not in page.text
    stored = await ctx.smtp.settings(users.tenant.id)
    assert stored.password == "clave-smtp-muy-secreta" and stored.view.deliver_by_default
    # saved again without a password: the stored one is kept
    again = await client.post(
        "/portal/correo",
        data={
            "csrf_token": csrf,
            "host": "smtp2.example.com",
            "port": "465",
            "security": "tls",
            "user": "facturas",
            "from_address": "facturas@demo.example",
        },
    )
    assert again.status_code == 303
    stored = await ctx.smtp.settings(users.tenant.id)
    assert (stored.view.host, stored.password) == ("smtp2.example.com", "clave-smtp-muy-secreta")


async def test_a_company_operador_reads_but_changes_no_set_up(client, ctx, users):
    assert (await sign_in(client, "auxiliar@demo.example")).status_code == 303
    assert (await client.get("/portal/documentos")).status_code == 200
    page = await client.get("/portal/credenciales")
    assert "Generar token" not in page.text
    csrf = csrf_of(page.text)
    for path, data in (
        ("/portal/credenciales", {"dialect": "facepro"}),
        ("/portal/empresa", {"name": "Otro nombre"}),
        ("/portal/dian/software", {"channel": "facturacion", "software_id": "x"}),
    ):
        answer = await client.post(path, data={"csrf_token": csrf, **data})
        assert answer.status_code == 403, path
    assert (await ctx.tenants.get_tenant(users.tenant.id)).name == "Pasarela Demo S.A.S."


async def test_an_administrator_adds_and_deactivates_the_companys_users(client, ctx, users):
    assert (await sign_in(client, ADMIN)).status_code == 303
    csrf = await form_token(client, "/portal/usuarios")
    added = await client.post(
        "/portal/usuarios",
        data={
            "csrf_token": csrf,
            "email": "contador@demo.example",
            "role": "operador",
            "password": PASSWORD,
        },
    )
    assert added.status_code == 303
    user = await ctx.users.find_user("contador@demo.example")
    assert (user.tenant_id, user.role) == (users.tenant.id, "operador")
    own = await ctx.users.find_user(ADMIN)
    refused = await client.post(f"/portal/usuarios/{own.id}/desactivar", data={"csrf_token": csrf})
    assert refused.status_code == 409  # not oneself
    operator = await ctx.users.find_user(OPERATOR)  # not the company's: as if it did not exist
    hidden = await client.post(
        f"/portal/usuarios/{operator.id}/desactivar", data={"csrf_token": csrf}
    )
    assert hidden.status_code == 404
    assert (await ctx.users.get_user(operator.id)).active
    off = await client.post(f"/portal/usuarios/{user.id}/desactivar", data={"csrf_token": csrf})
    assert off.status_code == 303
    client.cookies.clear()
    assert (await sign_in(client, "contador@demo.example")).status_code == 401
