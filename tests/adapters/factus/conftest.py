"""Factus test helpers on top of ``core.testing``'s fixtures (app, client, ctx, demo_tenant).

``factus_login`` is the demo tenant's Factus sign-in (client id, secret, user, password, as
``serve --demo`` writes them); ``factus_token`` a fresh access token from ``/oauth/token``
and ``factus_headers`` the headers Factus' clients send with it.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest
import pytest_asyncio

from core.demo import DemoSetup


def password_form(login: Mapping[str, str]) -> dict[str, str]:
    return {
        "grant_type": "password",
        "client_id": login["client_id"],
        "client_secret": login["client_secret"],
        "username": login["username"],
        "password": login["password"],
    }


async def request_token(client: httpx.AsyncClient, login: Mapping[str, str]) -> dict:
    answer = await client.post(
        "/oauth/token", data=password_form(login), headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


@pytest.fixture
def factus_login(demo_tenant: DemoSetup) -> dict[str, str]:
    return dict(demo_tenant.credentials["factus"].details)


@pytest_asyncio.fixture
async def factus_token(client: httpx.AsyncClient, factus_login: dict[str, str]) -> dict:
    return await request_token(client, factus_login)


@pytest.fixture
def factus_headers(factus_token: dict) -> dict[str, str]:
    return bearer(factus_token["access_token"])
