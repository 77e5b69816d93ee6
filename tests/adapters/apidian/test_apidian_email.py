"""``sendmail`` and ``sendmailtome``: an accepted document is e-mailed to the buyer and, with
``sendmailtome``, a copy to the company's own address, through the company's SMTP server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from apidian_documents_support import apidian_token, bearer, result, sample

from core.context import AppContext
from core.demo import DemoSetup
from core.settings import Settings
from core.testing import free_port, make_test_settings
from tests.adapters.facepro.test_facepro_email import Inbox, configure_smtp, smtp_server

__all__ = ["apidian_token"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path, retry_interval_s=0.05, retry_max_backoff_s=0.5)


async def wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(inbox.messages) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("to_me", [False, True])
async def test_sendmailtome_copies_the_company(
    client: httpx.AsyncClient,
    ctx: AppContext,
    demo_tenant: DemoSetup,
    apidian_token: str,
    to_me: bool,
) -> None:
    inbox, port = Inbox(), free_port()
    await configure_smtp(ctx, demo_tenant.tenant.id, port)
    server = smtp_server(inbox, port)
    server.start()
    try:
        body = sample("invoice", sendmail=True, sendmailtome=to_me)
        response = await client.post(
            "/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token)
        )
        assert response.status_code == 200, response.text
        assert result(response.json())["IsValid"] == "true"
        await wait_for(inbox, 2 if to_me else 1)
    finally:
        server.stop()
    view = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    company = view.party.contact.email
    buyer = body["customer"]["email"]
    expected = sorted([buyer, company] if to_me else [buyer])
    assert sorted(inbox.recipients) == expected
