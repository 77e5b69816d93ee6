"""``POST /v1/bills/send-email/{number}``: the document's e-mail (AttachedDocument and PDF in
one ZIP) through the company's SMTP server, to the address given."""

from __future__ import annotations

import email
import io
import zipfile
from email import policy
from pathlib import Path

import httpx
import pytest

from core.context import AppContext
from core.demo import DemoSetup
from core.settings import Settings
from core.testing import free_port, make_test_settings
from tests.adapters.facepro.test_facepro_email import Inbox, configure_smtp, settled, smtp_server
from tests.adapters.factus.test_factus_seed import BILL_REQUEST, bearer, create_bill, token

__all__ = ["token"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path, retry_interval_s=0.05, retry_max_backoff_s=0.5)


async def test_send_email_delivers_to_the_address_given(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    tenant_id = demo_tenant.tenant.id
    inbox, port = Inbox(), free_port()
    await configure_smtp(ctx, tenant_id, port)
    server = smtp_server(inbox, port)
    server.start()
    try:
        body = dict(BILL_REQUEST, send_email=False)  # not e-mailed on acceptance
        bill = (await create_bill(client, token, body))["data"]["bill"]
        assert bill["send_email"] == 0

        answer = await client.post(
            f"/v1/bills/send-email/{bill['number']}",
            json={"email": "contabilidad@cliente.co"},
            headers=bearer(token),
        )

        assert answer.status_code == 200
        assert answer.json() == {"status": "OK", "message": "Factura enviada al cliente con éxito"}
        stored = await ctx.documents.documents.get_by_id(tenant_id, bill["id"])
        delivery = await settled(ctx, tenant_id, stored.uuid, "enviado", "fallido")
        assert (delivery.status, delivery.sent_to) == ("enviado", "contabilidad@cliente.co")
    finally:
        server.stop()
    assert inbox.recipients == ["contabilidad@cliente.co"]
    message = email.message_from_bytes(inbox.messages[0], policy=policy.default)
    assert bill["number"] in str(message["Subject"])
    attachment = next(part for part in message.iter_attachments())
    names = zipfile.ZipFile(io.BytesIO(attachment.get_content())).namelist()
    assert sorted(n[-4:] for n in names) == [".pdf", ".xml"]
