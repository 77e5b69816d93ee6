"""Factus' OAuth2 server (Laravel Passport's password and refresh-token grants).

A Factus credential is a core credential of scheme ``opaco`` whose token is the OAuth
**client secret**; ``complete_credential`` gives it a client id, a user name and a password
(``factus_clients``). ``POST /oauth/token`` then grants:

- an **access token**: a core ``oauth`` token granted to the credential for
  ``PASARELA_FACTUS_TOKEN_LIFETIME`` seconds (``expires_in``), presented as the bearer of
  ``/v1``; only its hash is stored (core), and revoking the credential revokes it;
- a **refresh token**: hashed in ``factus_refresh_tokens``; exchanging it (once: a used one
  stops working) revokes the access token it came with and grants a new pair.

Failures raise ``OAuthError`` with Passport's error code, description and HTTP status.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec
from sqlalchemy import Connection, insert, select, update

from adapters.factus.tables import CLIENTS, REFRESH_TOKENS
from core.api import AppContext, AuthenticationFailed, IssuedCredential, NotFound

DIALECT = "factus"
TOKEN_TYPE = "Bearer"


class OAuthError(Exception):
    """A grant refused, as Passport answers it (``error``, ``error_description``, ``hint``)."""

    def __init__(self, status: int, error: str, description: str, hint: str = "") -> None:
        super().__init__(description)
        self.status, self.error, self.description, self.hint = status, error, description, hint

    def body(self) -> dict[str, str]:
        body = {"error": self.error, "error_description": self.description}
        if self.hint:
            body["hint"] = self.hint
        body["message"] = self.description
        return body


def invalid_request(parameter: str) -> OAuthError:
    return OAuthError(
        400,
        "invalid_request",
        "The request is missing a required parameter, includes an invalid parameter value, "
        "includes a parameter more than once, or is otherwise malformed.",
        f"Check the `{parameter}` parameter",
    )


def unsupported_grant_type() -> OAuthError:
    return OAuthError(
        400,
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
        "Check that all required parameters have been provided",
    )


INVALID_CLIENT = OAuthError(401, "invalid_client", "Client authentication failed")
INVALID_CREDENTIALS = OAuthError(400, "invalid_grant", "The user credentials were incorrect.")


def invalid_refresh_token(hint: str) -> OAuthError:
    return OAuthError(400, "invalid_grant", "The refresh token is invalid.", hint)


class TokenPair(msgspec.Struct, frozen=True, kw_only=True):
    """The body of a granted token, as Passport writes it."""

    token_type: str
    expires_in: int
    access_token: str
    refresh_token: str


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


async def complete_credential(ctx: AppContext, issued: IssuedCredential) -> Mapping[str, str]:
    """``Dialect.complete_credential``: the OAuth client and user of a new credential."""
    client_id = str(uuid.uuid4())
    password = secrets.token_urlsafe(24)
    tenant = await ctx.tenants.get_tenant(issued.tenant_id)
    username = f"api{issued.id}.{tenant.nit}@pasarela.local"
    values = {
        "credential_id": issued.id,
        "client_id": client_id,
        "username": username,
        "password_hash": secret_hash(password),
        "created_at": int(dt.datetime.now(dt.UTC).timestamp()),
    }
    await ctx.database.run(lambda conn: conn.execute(insert(CLIENTS).values(**values)), write=True)
    return {
        "client_id": client_id,
        "client_secret": issued.token,
        "username": username,
        "password": password,
    }


async def authenticate_client(ctx: AppContext, client_id: str, client_secret: str) -> Any:
    """The ``factus_clients`` row of a client whose secret matches; ``invalid_client``."""
    row = await ctx.database.first(select(CLIENTS).where(CLIENTS.c.client_id == client_id))
    if row is None:
        raise INVALID_CLIENT
    try:
        found = await ctx.credentials.authenticate(DIALECT, client_secret, ("opaco",))
    except AuthenticationFailed:
        raise INVALID_CLIENT from None
    if found.credential_id != row.credential_id:
        raise INVALID_CLIENT
    return row


async def password_grant(
    ctx: AppContext,
    form: Mapping[str, str],
    *,
    now: float,
    lifetime_s: int,
    refresh_lifetime_s: int,
) -> TokenPair:
    client = await authenticate_client(ctx, form["client_id"], form["client_secret"])
    username_ok = hmac.compare_digest(form["username"].encode(), client.username.encode())
    password_ok = hmac.compare_digest(secret_hash(form["password"]), client.password_hash)
    if not (username_ok and password_ok):
        raise INVALID_CREDENTIALS
    return await _grant(ctx, client.credential_id, now, lifetime_s, refresh_lifetime_s)


async def refresh_grant(
    ctx: AppContext,
    form: Mapping[str, str],
    *,
    now: float,
    lifetime_s: int,
    refresh_lifetime_s: int,
) -> TokenPair:
    client = await authenticate_client(ctx, form["client_id"], form["client_secret"])
    stamp = int(now)

    def use(conn: Connection) -> Any:
        columns = REFRESH_TOKENS.c
        row = conn.execute(
            select(REFRESH_TOKENS).where(columns.token_hash == secret_hash(form["refresh_token"]))
        ).first()
        if row is None:
            raise invalid_refresh_token("Cannot decrypt the refresh token")
        if row.credential_id != client.credential_id:
            raise invalid_refresh_token("Token is not linked to client")
        if row.used_at is not None:
            raise invalid_refresh_token("Token has been revoked")
        if row.expires_at <= stamp:
            raise invalid_refresh_token("Token has expired")
        used = conn.execute(
            update(REFRESH_TOKENS)
            .where(columns.id == row.id, columns.used_at.is_(None))
            .values(used_at=stamp)
        )
        if used.rowcount != 1:  # exchanged concurrently by another request
            raise invalid_refresh_token("Token has been revoked")
        return row

    used = await ctx.database.run(use, write=True)
    if used.access_token_id is not None:
        with contextlib.suppress(NotFound):
            await ctx.credentials.revoke_credential(used.access_token_id)
    try:
        return await _grant(ctx, client.credential_id, now, lifetime_s, refresh_lifetime_s)
    except NotFound:  # the credential was revoked meanwhile
        raise INVALID_CLIENT from None


async def _grant(
    ctx: AppContext, credential_id: int, now: float, lifetime_s: int, refresh_lifetime_s: int
) -> TokenPair:
    access = await ctx.credentials.grant_access_token(
        credential_id, dt.timedelta(seconds=lifetime_s)
    )
    refresh = secrets.token_urlsafe(48)
    values = {
        "credential_id": credential_id,
        "access_token_id": access.id,
        "token_hash": secret_hash(refresh),
        "expires_at": int(now) + refresh_lifetime_s,
        "created_at": int(now),
    }
    await ctx.database.run(
        lambda conn: conn.execute(insert(REFRESH_TOKENS).values(**values)), write=True
    )
    return TokenPair(
        token_type=TOKEN_TYPE,
        expires_in=lifetime_s,
        access_token=access.token,
        refresh_token=refresh,
    )
