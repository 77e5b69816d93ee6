"""Password reset and change: a link e-mailed through the company's SMTP server (a real local
aiosmtpd server) or printed by ``pasarela users reset-link``; each link works once, sets the
new password and ends the old one; ``pasarela users create`` makes an account that signs in."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from aiosmtpd.controller import Controller

from core.testing import free_port, run_pasarela
from tests.core.web.portal_helpers import PASSWORD, csrf_of, form_token, sign_in

ADMIN = "admin@demo.example"
NEW_PASSWORD = "otra-clave-bastante-larga"
LINK = re.compile(r"(http://testserver\.local/portal/restablecer/[A-Za-z0-9_-]+)")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
async def admin(ctx, demo_tenant):
    await ctx.users.create_user(
        email=ADMIN, password=PASSWORD, tenant=demo_tenant.tenant.id, role="administrador"
    )
    return demo_tenant


async def reset_with(client, link: str, password: str):
    path = link.removeprefix("http://testserver.local")
    token = await form_token(client, path)
    return await client.post(
        path,
        data={"csrf_token": token, "new_password": password, "confirm_password": password},
    )


async def test_a_reset_link_is_e_mailed_through_the_company_smtp_and_works_once(client, ctx, admin):
    inbox, port = Inbox(), free_port()
    await ctx.smtp.configure(
        admin.tenant.id,
        host="127.0.0.1",
        port=port,
        security="none",
        user=None,
        password=None,
        from_address="facturacion@empresa-demo.co",
        deliver_by_default=False,
    )
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        token = await form_token(client, "/portal/olvide")
        asked = await client.post("/portal/olvide", data={"csrf_token": token, "email": ADMIN})
        unknown = await client.post(
            "/portal/olvide", data={"csrf_token": token, "email": "nadie@ninguna.example"}
        )
    finally:
        server.stop()
    assert asked.status_code == unknown.status_code == 200
    assert "le llegará un enlace" in asked.text and "le llegará un enlace" in unknown.text
    assert len(inbox.messages) == 1  # none for the address without an account
    message = inbox.messages[0]
    assert message["To"] == ADMIN
    assert message["Subject"] == "Pasarela Demo S.A.S.: restablecer la contraseña del portal"
    link = LINK.search(message.get_content()).group(1)

    assert (await reset_with(client, link, NEW_PASSWORD)).status_code == 303
    assert (await sign_in(client, ADMIN, PASSWORD)).status_code == 401
    assert (await sign_in(client, ADMIN, NEW_PASSWORD)).status_code == 303
    client.cookies.clear()
    again = await reset_with(client, link, "una-tercera-clave-larga")
    assert again.status_code == 400
    assert "no es válido" in again.text


async def test_the_operator_command_prints_a_reset_link_and_creates_users(
    client, ctx, admin, settings, tmp_path
):
    password_file = tmp_path / "clave.txt"
    password_file.write_text(PASSWORD + "\n")
    created = run_pasarela(
        settings,
        "users", "create", "--tenant", admin.tenant.nit, "--email", "Auxiliar@Demo.example",
        "--role", "operador", "--password-file", str(password_file),
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert '"email":"auxiliar@demo.example"' in created.stdout
    assert '"role":"operador"' in created.stdout
    assert (await sign_in(client, "auxiliar@demo.example")).status_code == 303
    client.cookies.clear()

    printed = run_pasarela(settings, "users", "reset-link", "--email", ADMIN)
    assert printed.returncode == 0, printed.stderr
    link = LINK.fullmatch(printed.stdout.strip()).group(1)
    assert (await reset_with(client, link, NEW_PASSWORD)).status_code == 303
    assert (await sign_in(client, ADMIN, NEW_PASSWORD)).status_code == 303

    missing = run_pasarela(settings, "users", "reset-link", "--email", "nadie@ninguna.example")
    assert missing.returncode == 1
    assert "no hay un usuario activo" in missing.stderr


async def test_changing_the_password_ends_the_session(client, admin):
    assert (await sign_in(client, ADMIN)).status_code == 303
    page = await client.get("/portal/clave")
    changed = await client.post(
        "/portal/clave",
        data={
            "csrf_token": csrf_of(page.text),
            "password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 303
    assert (await client.get("/portal")).status_code == 303  # signed out
    assert (await sign_in(client, ADMIN, NEW_PASSWORD)).status_code == 303
