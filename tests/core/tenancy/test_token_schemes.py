"""Token schemes: a token is found by the hash of what the client presents, never by an id
parsed out of it; imported tokens keep working; OAuth access tokens expire and die with their
credential."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.errors import AuthenticationFailed, ConfigurationError, NotFound
from core.storage.tables import Credential
from core.web.context import AppContext
from tests.core.tenancy.conftest import make_tenant

# What a migrating APIDIAN client already has: a long opaque company token.
APIDIAN_TOKEN = "e2b4c9f1d0a74f5c8b3e6a9d2c1f0e7b6a5d4c3b2a19f8e7d6c5b4a392817060"


async def stored_hashes(ctx: AppContext) -> list[str]:
    rows = await ctx.database.all(select(Credential.__table__.c.secret_hash))
    return [r.secret_hash for r in rows]


async def test_an_imported_opaque_token_authenticates_only_its_dialect(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    record = await ctx.credentials.import_token(tenant.id, "apidian", APIDIAN_TOKEN, "ERP")
    assert (record.scheme, record.dialect, record.label) == ("opaco", "apidian", "ERP")
    assert APIDIAN_TOKEN not in await stored_hashes(ctx)

    found = await ctx.credentials.authenticate("apidian", APIDIAN_TOKEN, ("opaco",))
    assert (found.tenant.id, found.credential_id, found.scheme) == (tenant.id, record.id, "opaco")
    for dialect, token, schemes in (
        ("facepro", APIDIAN_TOKEN, ("opaco",)),  # another dialect
        ("apidian", APIDIAN_TOKEN, ("par",)),  # the dialect does not take this scheme
        ("apidian", APIDIAN_TOKEN[:-1] + "1", ("opaco",)),
        ("apidian", f"{record.id}|{APIDIAN_TOKEN}", ("par", "opaco")),
    ):
        with pytest.raises(AuthenticationFailed):
            await ctx.credentials.authenticate(dialect, token, schemes)

    with pytest.raises(ConfigurationError, match="ya está registrado"):
        await ctx.credentials.import_token(tenant.id, "apidian", APIDIAN_TOKEN)
    with pytest.raises(ConfigurationError, match="entre 24 y 512"):
        await ctx.credentials.import_token(tenant.id, "apidian", "corto")


async def test_issued_opaque_tokens_are_long_and_random(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    one = await ctx.credentials.issue_credential(tenant.id, "apidian", scheme="opaco")
    two = await ctx.credentials.issue_credential(tenant.id, "apidian", scheme="opaco")
    assert one.token != two.token and len(one.token) >= 60 and "|" not in one.token
    found = await ctx.credentials.authenticate("apidian", two.token, ("opaco",))
    assert found.credential_id == two.id


async def test_oauth_access_tokens_expire_and_die_with_their_credential(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    client = await ctx.credentials.issue_credential(tenant.id, "factus", scheme="opaco")
    access = await ctx.credentials.grant_access_token(client.id, dt.timedelta(hours=1))
    assert access.scheme == "oauth" and access.expires_at is not None
    found = await ctx.credentials.authenticate("factus", access.token, ("oauth",))
    assert (found.tenant.id, found.credential_id) == (tenant.id, access.id)
    assert found.parent_id == client.id  # the credential (API user) it was granted to
    with pytest.raises(AuthenticationFailed):  # a client secret is not an access token
        await ctx.credentials.authenticate("factus", client.token, ("oauth",))
    # access tokens are not listed as credentials of their own
    assert [c.id for c in await ctx.credentials.list_credentials(tenant.id)] == [client.id]

    expired = await ctx.credentials.grant_access_token(client.id, dt.timedelta(seconds=-1))
    with pytest.raises(AuthenticationFailed):
        await ctx.credentials.authenticate("factus", expired.token, ("oauth",))

    await ctx.credentials.revoke_credential(client.id)
    with pytest.raises(AuthenticationFailed):
        await ctx.credentials.authenticate("factus", access.token, ("oauth",))
    with pytest.raises(NotFound):
        await ctx.credentials.grant_access_token(client.id, dt.timedelta(hours=1))


async def test_oversized_or_blank_tokens_are_refused_without_a_lookup(ctx: AppContext) -> None:
    for token in ("", "   ", "x" * 513, "1|" + "x" * 600):
        with pytest.raises(AuthenticationFailed):
            await ctx.credentials.authenticate("facepro", token)
