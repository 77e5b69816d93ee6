"""E-mail to the buyer, through a real local SMTP server (aiosmtpd): a document accepted by
the in-process simulator for a tenant with SMTP configured and ``deliver_by_default`` ends
with exactly one message (subject, one ZIP with the AttachedDocument, valid and carrying the
CUFE, and the PDF); transient SMTP trouble is retried, a refused recipient is not, a buyer
without an address gets no job, and the SMTP password is stored encrypted."""

from __future__ import annotations

import asyncio
import email
import io
import json
import time
import zipfile
from email import policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core.context import AppContext
from core.delivery.emails import Delivery
from core.settings import Settings
from core.storage.tables import JobRow
from core.testing import dian_xsd_dir, free_port, make_test_settings
from core.ubl.schemas import schema_errors
from core.xml_parsing import parse_xml
from tests.adapters.facepro.test_facepro_documents import (
    CURL_INVOICE,
    SEED_INVOICE,
    issue_invoice,
)

NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
XSD_DIR = dian_xsd_dir()
WAIT_S = 30.0  # a deadline for the job worker, not a performance assertion
SMTP_USER, SMTP_PASSWORD = "facturacion", "clave-smtp-secreta-7731"


class Inbox:
    """An aiosmtpd handler that keeps what arrived; it can refuse the recipient (550) or
    answer 421 to the first ``busy`` messages."""

    def __init__(self, *, busy: int = 0, refuse: bool = False) -> None:
        self.busy = busy
        self.refuse = refuse
        self.messages: list[bytes] = []
        self.recipients: list[str] = []
        self.data_attempts = 0
        self.rcpt_attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.rcpt_attempts += 1
        if self.refuse:
            return "550 5.1.1 el buzón no existe"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.data_attempts += 1
        if self.busy > 0:
            self.busy -= 1
            return "421 4.3.2 servicio no disponible, intente luego"
        self.messages.append(envelope.content)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """Only the configured login: proves the stored password decrypts to what was set."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok)


def smtp_server(inbox: Inbox, port: int) -> Controller:
    return Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path, retry_interval_s=0.05, retry_max_backoff_s=0.5)


async def configure_smtp(ctx: AppContext, tenant_id: int, port: int) -> None:
    await ctx.smtp.configure(
        tenant_id,
        host="127.0.0.1",
        port=port,
        security="none",
        user=SMTP_USER,
        password=SMTP_PASSWORD,
        from_address="facturacion@empresa-demo.co",
        deliver_by_default=True,
    )


async def settled(ctx: AppContext, tenant_id: int, uuid: str, *states: str) -> Delivery:
    """The document's delivery once it reaches one of ``states`` (or the deadline)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        delivery = await ctx.deliveries.status(tenant_id, uuid)
        if delivery.status in states or time.monotonic() > deadline:
            return delivery
        await asyncio.sleep(0.05)


async def email_jobs(ctx: AppContext) -> list[Any]:
    return await ctx.database.all(select(JobRow).where(JobRow.kind == "delivery.email"))


async def test_an_accepted_invoice_is_e_mailed_once_with_its_zip(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    tenant_id = demo_tenant.tenant.id
    inbox, port = Inbox(), free_port()
    await configure_smtp(ctx, tenant_id, port)
    server = smtp_server(inbox, port)
    server.start()
    try:
        invoice = await issue_invoice(client, demo_token, SEED_INVOICE)
        assert invoice["estado"] == "aceptado"
        delivery = await settled(
            ctx, tenant_id, invoice["tracking_id"], "enviado", "fallido", "sin_correo"
        )
        await asyncio.sleep(0.3)  # a second message would arrive meanwhile
    finally:
        server.stop()
    assert delivery.status == "enviado", delivery
    assert delivery.sent_to == "juan@correo.com" and delivery.sent_at is not None
    assert delivery.last_error is None
    assert len(inbox.messages) == 1 and inbox.recipients == ["juan@correo.com"]
    assert await email_jobs(ctx) == []

    message = email.message_from_bytes(inbox.messages[0], policy=policy.default)
    tenant = await ctx.tenants.tenant_view(tenant_id)
    trade_name = tenant.party.trade_name or tenant.party.name
    assert message["Subject"] == (
        f"{tenant.nit};{tenant.party.name};{invoice['numero_completo']};01;{trade_name}"
    )
    assert message["To"] == "juan@correo.com"
    assert message["From"] == "facturacion@empresa-demo.co"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert invoice["cufe"] in body and "representación gráfica" in body
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_content_type() == "application/zip"
    zip_bytes = attachments[0].get_content()
    assert len(zip_bytes) < 2 * 1024 * 1024
    assert attachments[0].get_filename().startswith("ad") and zip_bytes[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        names = archive.namelist()
        xml_name = next(n for n in names if n.endswith(".xml"))
        pdf_name = next(n for n in names if n.endswith(".pdf"))
        assert len(names) == 2
        xml, pdf = archive.read(xml_name), archive.read(pdf_name)
    assert xml_name.startswith("ad")
    root = parse_xml(xml)
    if XSD_DIR:
        assert schema_errors(root, XSD_DIR) == []
    assert root.findtext("cbc:UUID", namespaces=NS) == invoice["cufe"]
    stored = await ctx.documents.documents.get(tenant_id, invoice["tracking_id"])
    assert xml == stored.attached_document.encode("utf-8")
    assert pdf.startswith(b"%PDF")


async def test_an_smtp_server_busy_twice_still_delivers_exactly_one_message(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    tenant_id = demo_tenant.tenant.id
    inbox, port = Inbox(busy=2), free_port()
    await configure_smtp(ctx, tenant_id, port)
    server = smtp_server(inbox, port)
    server.start()
    try:
        invoice = await issue_invoice(client, demo_token, SEED_INVOICE)
        delivery = await settled(
            ctx, tenant_id, invoice["tracking_id"], "enviado", "fallido", "sin_correo"
        )
        await asyncio.sleep(0.3)
    finally:
        server.stop()
    assert delivery.status == "enviado", delivery
    assert inbox.data_attempts == 3 and len(inbox.messages) == 1


async def test_an_unreachable_smtp_server_leaves_it_pending_with_the_error_until_it_is_up(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    tenant_id = demo_tenant.tenant.id
    inbox, port = Inbox(), free_port()
    await configure_smtp(ctx, tenant_id, port)  # nothing listens there yet
    invoice = await issue_invoice(client, demo_token, SEED_INVOICE)
    assert invoice["estado"] == "aceptado"  # the request did not wait for the e-mail
    deadline = time.monotonic() + WAIT_S
    delivery = await ctx.deliveries.status(tenant_id, invoice["tracking_id"])
    while delivery.last_error is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        delivery = await ctx.deliveries.status(tenant_id, invoice["tracking_id"])
    assert delivery.status == "pendiente"
    assert "inalcanzable" in (delivery.last_error or "")
    record = await ctx.documents.get(tenant_id, invoice["tracking_id"])
    assert record.status == "aceptado"

    server = smtp_server(inbox, port)
    server.start()
    try:
        delivery = await settled(
            ctx, tenant_id, invoice["tracking_id"], "enviado", "fallido", "sin_correo"
        )
        await asyncio.sleep(0.3)
    finally:
        server.stop()
    assert delivery.status == "enviado" and delivery.last_error is None
    assert len(inbox.messages) == 1


async def test_a_refused_recipient_is_recorded_and_not_retried(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    tenant_id = demo_tenant.tenant.id
    inbox, port = Inbox(refuse=True), free_port()
    await configure_smtp(ctx, tenant_id, port)
    server = smtp_server(inbox, port)
    server.start()
    try:
        invoice = await issue_invoice(client, demo_token, SEED_INVOICE)
        delivery = await settled(
            ctx, tenant_id, invoice["tracking_id"], "enviado", "fallido", "sin_correo"
        )
        await asyncio.sleep(0.5)  # several backoffs: a retry would show here
    finally:
        server.stop()
    assert delivery.status == "fallido"
    assert "550" in (delivery.last_error or "") and delivery.sent_at is None
    assert inbox.rcpt_attempts == 1 and inbox.messages == []
    jobs = await email_jobs(ctx)
    assert [(job.status, job.attempts) for job in jobs] == [("failed", 1)]


async def test_a_buyer_without_e_mail_gets_no_job_and_the_document_says_so(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    tenant_id = demo_tenant.tenant.id
    await configure_smtp(ctx, tenant_id, free_port())
    assert "email" not in json.loads(CURL_INVOICE)["adquiriente"]
    invoice = await issue_invoice(client, demo_token, CURL_INVOICE)
    assert invoice["estado"] == "aceptado"
    delivery = await ctx.deliveries.status(tenant_id, invoice["tracking_id"])
    assert delivery == Delivery(status="sin_correo")
    assert await email_jobs(ctx) == []


async def test_without_deliver_by_default_nothing_is_sent(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    tenant_id = demo_tenant.tenant.id
    await ctx.smtp.configure(
        tenant_id,
        host="127.0.0.1",
        port=free_port(),
        security="none",
        user=None,
        password=None,
        from_address="facturacion@empresa-demo.co",
        deliver_by_default=False,
    )
    invoice = await issue_invoice(client, demo_token, SEED_INVOICE)
    assert await ctx.deliveries.status(tenant_id, invoice["tracking_id"]) == Delivery(status=None)
    assert await email_jobs(ctx) == []


async def test_the_smtp_password_is_stored_encrypted(
    client: AsyncTestClient[Litestar], ctx: AppContext, settings: Settings, demo_tenant
) -> None:
    await configure_smtp(ctx, demo_tenant.tenant.id, free_port())
    view = await ctx.smtp.view(demo_tenant.tenant.id)
    assert view is not None and view.has_password and view.user == SMTP_USER
    assert SMTP_PASSWORD not in repr(await ctx.smtp.settings(demo_tenant.tenant.id))
    database_file = Path(settings.database_url.removeprefix("sqlite:///"))
    await ctx.engine.dispose()  # everything written reaches the file
    data = b"".join(p.read_bytes() for p in database_file.parent.glob(database_file.name + "*"))
    assert SMTP_PASSWORD.encode() not in data
    assert SMTP_USER.encode() in data  # the file is the right one
