"""Factus' OAuth2: password and refresh-token grants as Passport answers them, expiring
access tokens, rotating refresh tokens, everything stored hashed, 401 in Factus' shape."""

from __future__ import annotations

import hashlib

import httpx
from sqlalchemy import select, text

from adapters.factus.settings import FactusSettings, configure
from adapters.factus.tables import CLIENTS, REFRESH_TOKENS
from core.demo import issue_for_dialect
from tests.adapters.factus.conftest import bearer, password_form, request_token

UNAUTHENTICATED = {"message": "Unauthenticated."}
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client authentication failed",
    "message": "Client authentication failed",
}
INVALID_CREDENTIALS = {
    "error": "invalid_grant",
    "error_description": "The user credentials were incorrect.",
    "message": "The user credentials were incorrect.",
}


def refresh_form(login: dict[str, str], refresh_token: str) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "client_id": login["client_id"],
        "client_secret": login["client_secret"],
        "refresh_token": refresh_token,
    }


async def company(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/v1/company", headers=bearer(token))


async def test_password_grant_form_encoded_gives_a_bearer_that_opens_v1(client, factus_login):
    answer = await client.post("/oauth/token", data=password_form(factus_login))
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert set(body) == {"token_type", "expires_in", "access_token", "refresh_token"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    assert body["access_token"] != body["refresh_token"]
    shown = await company(client, body["access_token"])
    assert shown.status_code == 200
    assert shown.json()["data"]["nit"] == "900373076"


async def test_password_grant_multipart_as_the_docs_send_it(client, factus_login):
    files = {key: (None, value) for key, value in password_form(factus_login).items()}
    answer = await client.post("/oauth/token", files=files)
    assert answer.status_code == 200, answer.text
    assert (await company(client, answer.json()["access_token"])).status_code == 200


async def test_wrong_user_credentials_are_passports_invalid_grant(client, factus_login):
    for field, value in (("password", "otra-clave"), ("username", "otro@example.com")):
        answer = await client.post(
            "/oauth/token", data=password_form(factus_login) | {field: value}
        )
        assert (answer.status_code, answer.json()) == (400, INVALID_CREDENTIALS)


async def test_wrong_client_is_passports_invalid_client(client, factus_login):
    for field, value in (
        ("client_secret", "x" * 64),
        ("client_id", "00000000-0000-0000-0000-000000000000"),
    ):
        answer = await client.post(
            "/oauth/token", data=password_form(factus_login) | {field: value}
        )
        assert (answer.status_code, answer.json()) == (401, INVALID_CLIENT)


async def test_missing_parameter_and_unknown_grant(client, factus_login):
    form = password_form(factus_login)
    del form["username"]
    answer = await client.post("/oauth/token", data=form)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert answer.json()["hint"] == "Check the `username` parameter"
    answer = await client.post("/oauth/token", data=form | {"grant_type": "client_credentials"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"
    answer = await client.post("/oauth/token", content=b"", headers={"Accept": "application/json"})
    assert (answer.status_code, answer.json()["error"]) == (400, "unsupported_grant_type")


async def test_missing_wrong_or_client_secret_bearer_is_401_unauthenticated(client, factus_login):
    missing = await client.get("/v1/company", headers={"Accept": "application/json"})
    wrong = await company(client, "no-es-un-token")
    # the client secret is a credential, not an access token: it opens nothing under /v1
    secret = await company(client, factus_login["client_secret"])
    for answer in (missing, wrong, secret):
        assert (answer.status_code, answer.json()) == (401, UNAUTHENTICATED)
        assert answer.headers["www-authenticate"] == "Bearer"


async def test_an_expired_access_token_is_refused_and_refresh_gives_a_new_one(
    client, ctx, factus_login
):
    configure(ctx, FactusSettings(token_lifetime_s=0))  # expires the moment it is granted
    expired = await request_token(client, factus_login)
    assert expired["expires_in"] == 0
    answer = await company(client, expired["access_token"])
    assert (answer.status_code, answer.json()) == (401, UNAUTHENTICATED)

    configure(ctx, FactusSettings(token_lifetime_s=600))
    answer = await client.post(
        "/oauth/token", data=refresh_form(factus_login, expired["refresh_token"])
    )
    assert answer.status_code == 200, answer.text
    fresh = answer.json()
    assert fresh["expires_in"] == 600
    assert fresh["refresh_token"] != expired["refresh_token"]
    assert (await company(client, fresh["access_token"])).status_code == 200


async def test_refresh_tokens_rotate_and_a_used_one_stops_working(client, factus_login):
    first = await request_token(client, factus_login)
    answer = await client.post(
        "/oauth/token", data=refresh_form(factus_login, first["refresh_token"])
    )
    assert answer.status_code == 200
    second = answer.json()
    # the old access token went with the refresh token it came with
    assert (await company(client, first["access_token"])).status_code == 401
    assert (await company(client, second["access_token"])).status_code == 200

    again = await client.post(
        "/oauth/token", data=refresh_form(factus_login, first["refresh_token"])
    )
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid.",
        "hint": "Token has been revoked",
        "message": "The refresh token is invalid.",
    }
    unknown = await client.post("/oauth/token", data=refresh_form(factus_login, "def50200abc"))
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")
    answer = await client.post(
        "/oauth/token", data=refresh_form(factus_login, second["refresh_token"])
    )
    assert answer.status_code == 200


async def test_a_refresh_token_is_bound_to_its_client(client, ctx, demo_tenant, factus_login):
    other = await issue_for_dialect(
        ctx, demo_tenant.tenant.id, ctx.registry.dialects.get("factus"), "otro"
    )
    tokens = await request_token(client, factus_login)
    answer = await client.post(
        "/oauth/token", data=refresh_form(dict(other.details), tokens["refresh_token"])
    )
    assert answer.status_code == 400
    assert answer.json()["hint"] == "Token is not linked to client"


async def test_revoking_the_credential_revokes_its_tokens(client, ctx, demo_tenant, factus_login):
    tokens = await request_token(client, factus_login)
    await ctx.credentials.revoke_credential(demo_tenant.credentials["factus"].id)
    assert (await company(client, tokens["access_token"])).status_code == 401
    for form in (
        password_form(factus_login),
        refresh_form(factus_login, tokens["refresh_token"]),
    ):
        answer = await client.post("/oauth/token", data=form)
        assert (answer.status_code, answer.json()) == (401, INVALID_CLIENT)


async def test_secrets_are_stored_only_as_hashes(client, ctx, factus_login):
    tokens = await request_token(client, factus_login)
    secrets_given = [
        factus_login["client_secret"],
        factus_login["password"],
        tokens["access_token"],
        tokens["refresh_token"],
    ]

    def dump(conn) -> str:
        rows = []
        for table in ("credentials", "factus_clients", "factus_refresh_tokens"):
            rows += [repr(tuple(r)) for r in conn.execute(text(f"SELECT * FROM {table}"))]
        return "\n".join(rows)

    stored = await ctx.database.run(dump)
    for secret in secrets_given:
        assert secret not in stored
        assert hashlib.sha256(secret.encode()).hexdigest() in stored
    client_row = await ctx.database.first(select(CLIENTS))
    assert client_row.username == factus_login["username"]
    assert await ctx.database.scalar(select(REFRESH_TOKENS.c.token_hash)) == (
        hashlib.sha256(tokens["refresh_token"].encode()).hexdigest()
    )
