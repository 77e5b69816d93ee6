"""The Factus sign-in values a client configures: printed once by ``pasarela credentials
create --dialect factus`` and written by ``serve --demo``; both sign in for real."""

from __future__ import annotations

import json

import httpx

from core.testing import run_pasarela, serving_gateway
from tests.adapters.factus.conftest import bearer, password_form, request_token

LOGIN_FIELDS = {"client_id", "client_secret", "username", "password"}


async def test_credentials_create_prints_client_and_user_once(client, settings, demo_tenant):
    done = run_pasarela(
        settings, "credentials", "create", "--dialect", "factus", "--tenant", "900373076"
    )
    assert done.returncode == 0, done.stderr
    login = json.loads(done.stdout)
    assert set(login) == LOGIN_FIELDS
    assert "shown only this time" in done.stderr
    for value in login.values():
        assert value not in done.stderr
    token = await request_token(client, login)
    answer = await client.get("/v1/company", headers=bearer(token["access_token"]))
    assert answer.status_code == 200

    listed = run_pasarela(settings, "credentials", "list", "--tenant", "900373076")
    assert listed.returncode == 0
    assert login["client_secret"] not in listed.stdout
    assert login["password"] not in listed.stdout


def test_other_dialects_still_print_their_token(settings, demo_tenant):
    done = run_pasarela(
        settings, "credentials", "create", "--dialect", "facepro", "--tenant", "900373076"
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert "|" in token and not token.startswith("{")


def test_serve_demo_writes_the_factus_login_that_signs_in(tmp_path):
    out = tmp_path / "credentials.json"
    with serving_gateway(tmp_path, "--demo", "--credentials-out", str(out)) as (base_url, _):
        document = json.loads(out.read_text())
        login = document["factus"]
        assert set(login) == LOGIN_FIELDS
        with httpx.Client(base_url=base_url, timeout=30) as http:
            granted = http.post("/oauth/token", data=password_form(login))
            assert granted.status_code == 200, granted.text
            token = granted.json()["access_token"]
            company = http.get("/v1/company", headers=bearer(token))
            assert company.status_code == 200
            assert company.json()["data"]["nit"] == document["tenant"]["nit"]
            assert company.headers["x-ratelimit-limit"] == "80"
