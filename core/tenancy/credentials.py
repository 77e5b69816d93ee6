"""API credentials per dialect, their token schemes, and authentication.

Only the SHA-256 of a token's secret is stored (tokens are long random strings, so a plain
hash is enough), and a presented token is found by that hash: a lookup never parses an id out
of what the client sent. Token schemes, declared by each dialect:

``par``    ``<id>|<secret>``: the hash is of the text after the first ``|``; the text before it
           must then equal the found credential's id (compared as text, never converted).
``opaco``  an opaque token: one issued here, or one the client already has from its former
           provider (imported, so it keeps working); the hash is of the whole token.
``oauth``  an access token granted to a credential for a while (``expires_at``); the hash is
           of the whole token. Revoking the credential revokes its access tokens.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Iterable, Sequence
from typing import Any, Final

import msgspec
from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.clock import now_bogota
from core.contracts import TokenScheme
from core.errors import AuthenticationFailed, ConfigurationError, NotFound
from core.model import TenantView
from core.secrets import SecretBox, hash_token_secret, new_token_secret
from core.storage.database import Database
from core.tenancy.records import CredentialRecord, IssuedCredential
from core.tenancy.rows import CREDENTIALS, TENANTS, insert_returning_id, tenant_row, tenant_view

TOKEN_SCHEMES: Final = ("par", "opaco", "oauth")
MIN_IMPORTED_TOKEN = 24  # shorter tokens are guessable; providers issue far longer ones
MAX_TOKEN = 512  # longer bearer values are refused before hashing
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)  # last_used is refreshed at most once a minute
_INVALID = "credenciales inválidas"


class Authenticated(msgspec.Struct, frozen=True, kw_only=True):
    """Who is behind a request: the tenant and the credential that authenticated it."""

    tenant: TenantView
    credential_id: int
    label: str | None
    scheme: str
    # For an access token (``oauth``): the credential it was granted to, i.e. the API user.
    parent_id: int | None = None


class Credentials:
    """Issue, import, grant, revoke and authenticate credentials."""

    def __init__(self, database: Database, secret_box: SecretBox) -> None:
        self._db = database
        self._box = secret_box

    async def issue_credential(
        self,
        tenant_id: int,
        dialect: str,
        label: str | None = None,
        *,
        scheme: TokenScheme = "par",
    ) -> IssuedCredential:
        """A new credential for one dialect; its token is returned once and only hashed.
        (``oauth`` tokens are granted to a credential with ``grant_access_token``.)"""
        if scheme == "oauth":
            raise ConfigurationError("un token OAuth se concede a una credencial existente")
        secret = new_token_secret() if scheme == "par" else secrets.token_urlsafe(48)

        def store(conn: Connection) -> tuple[int, int]:
            owner = int(tenant_row(conn, tenant_id).id)
            values = _values(owner, dialect, scheme, secret, label)
            return owner, insert_returning_id(conn, CREDENTIALS, values)

        owner, credential_id = await self._db.run(store, write=True)
        token = f"{credential_id}|{secret}" if scheme == "par" else secret
        return IssuedCredential(
            id=credential_id, tenant_id=owner, dialect=dialect, scheme=scheme, token=token
        )

    async def import_token(
        self, tenant_id: int, dialect: str, token: str, label: str | None = None
    ) -> CredentialRecord:
        """Keep a token the client already has from another provider (scheme ``opaco``), so a
        migrating client changes only its base URL. Only its hash is stored."""
        token = token.strip()
        if not MIN_IMPORTED_TOKEN <= len(token) <= MAX_TOKEN or not token.isascii():
            raise ConfigurationError(
                f"el token debe tener entre {MIN_IMPORTED_TOKEN} y {MAX_TOKEN} caracteres ASCII"
            )

        def store(conn: Connection) -> int:
            owner = int(tenant_row(conn, tenant_id).id)
            return insert_returning_id(
                conn, CREDENTIALS, _values(owner, dialect, "opaco", token, label)
            )

        try:
            credential_id = await self._db.run(store, write=True)
        except IntegrityError:
            raise ConfigurationError("ese token ya está registrado") from None
        return await self._record(credential_id)

    async def grant_access_token(
        self, credential_id: int, lifetime: dt.timedelta, label: str | None = None
    ) -> IssuedCredential:
        """An expiring access token (scheme ``oauth``) for an active credential."""
        token = secrets.token_urlsafe(48)
        expires_at = now_bogota() + lifetime

        def store(conn: Connection) -> Any:
            parent = conn.execute(
                select(CREDENTIALS).where(
                    CREDENTIALS.c.id == credential_id, CREDENTIALS.c.revoked_at.is_(None)
                )
            ).first()
            if parent is None:
                raise NotFound(f"la credencial {credential_id} no existe o fue revocada")
            values = _values(parent.tenant_id, parent.dialect, "oauth", token, label)
            values.update(expires_at=expires_at, parent_id=parent.id)
            return parent, insert_returning_id(conn, CREDENTIALS, values)

        parent, access_id = await self._db.run(store, write=True)
        return IssuedCredential(
            id=access_id,
            tenant_id=parent.tenant_id,
            dialect=parent.dialect,
            scheme="oauth",
            token=token,
            expires_at=expires_at,
        )

    async def revoke_credential(self, credential_id: int, *, tenant_id: int | None = None) -> None:
        """Revoke a credential and the access tokens granted to it (again is harmless).
        Raises ``NotFound`` for an unknown id, or one not of ``tenant_id`` when given."""

        def revoke(conn: Connection) -> None:
            columns = CREDENTIALS.c
            query = select(columns.id).where(columns.id == credential_id)
            if tenant_id is not None:
                query = query.where(columns.tenant_id == tenant_id)
            found = conn.execute(query).scalar()
            if found is None:
                raise NotFound(f"la credencial {credential_id} no existe")
            conn.execute(
                update(CREDENTIALS)
                .where(
                    or_(columns.id == credential_id, columns.parent_id == credential_id),
                    columns.revoked_at.is_(None),
                )
                .values(revoked_at=now_bogota())
            )

        await self._db.run(revoke, write=True)

    async def list_credentials(self, tenant_id: int) -> list[CredentialRecord]:
        """The tenant's credentials (access tokens excluded), oldest first."""
        columns = CREDENTIALS.c
        query = (
            select(CREDENTIALS)
            .where(columns.tenant_id == tenant_id, columns.parent_id.is_(None))
            .order_by(columns.id)
        )
        return [_credential_record(r) for r in await self._db.all(query)]

    async def authenticate(
        self, dialect: str, token: str, schemes: Sequence[TokenScheme] = ("par",)
    ) -> Authenticated:
        """The tenant and credential behind a token of ``dialect`` in one of ``schemes``.

        Raises ``AuthenticationFailed`` for a malformed, unknown, revoked, expired or
        other-dialect token and for an inactive tenant (one message for all: never tell which).
        """
        token = token.strip()
        if not token or len(token) > MAX_TOKEN:
            raise AuthenticationFailed(_INVALID)
        candidates = list(_lookups(token, schemes))
        if not candidates:
            raise AuthenticationFailed(_INVALID)
        now = now_bogota()
        for scheme, secret_hash, public_id in candidates:
            found = await self._db.first(
                _CREDENTIAL_AND_TENANT,
                {"secret_hash": secret_hash, "dialect": dialect, "scheme": scheme},
            )
            if found is None:
                continue
            if public_id is not None and not hmac.compare_digest(
                public_id.encode(), str(found.credential_id).encode()
            ):
                continue
            if found.status != "activo" or (
                found.expires_at is not None and found.expires_at <= now
            ):
                break
            if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
                await self._db.run(_touch, found.credential_id, now, write=True)
            return Authenticated(
                tenant=tenant_view(found, self._box),
                credential_id=found.credential_id,
                label=found.label,
                scheme=scheme,
                parent_id=found.parent_id,
            )
        raise AuthenticationFailed(_INVALID)

    async def _record(self, credential_id: int) -> CredentialRecord:
        row = await self._db.first(select(CREDENTIALS).where(CREDENTIALS.c.id == credential_id))
        if row is None:
            raise NotFound(f"la credencial {credential_id} no existe")
        return _credential_record(row)


def _lookups(token: str, schemes: Iterable[TokenScheme]) -> Iterable[tuple[str, str, str | None]]:
    """(scheme, hash to look up, public id that must match) for each scheme the token fits."""
    for scheme in schemes:
        if scheme == "par":
            public_id, sep, secret = token.partition("|")
            if sep and public_id and secret:
                yield scheme, hash_token_secret(secret), public_id
        else:
            yield scheme, hash_token_secret(token), None


def _values(
    tenant_id: int, dialect: str, scheme: str, secret: str, label: str | None
) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "dialect": dialect,
        "scheme": scheme,
        "secret_hash": hash_token_secret(secret),
        "label": label,
        "created_at": now_bogota(),
    }


def _touch(conn: Connection, credential_id: int, now: dt.datetime) -> None:
    conn.execute(
        update(CREDENTIALS).where(CREDENTIALS.c.id == credential_id).values(last_used_at=now)
    )


def _credential_record(r: Any) -> CredentialRecord:
    return CredentialRecord(
        id=r.id,
        tenant_id=r.tenant_id,
        dialect=r.dialect,
        scheme=r.scheme,
        label=r.label,
        created_at=r.created_at,
        revoked_at=r.revoked_at,
        last_used_at=r.last_used_at,
        expires_at=r.expires_at,
    )


# Built once (building a statement costs more than running it on SQLite).
_CREDENTIAL_AND_TENANT: Final = (
    select(
        CREDENTIALS.c.id.label("credential_id"),
        CREDENTIALS.c.label,
        CREDENTIALS.c.last_used_at,
        CREDENTIALS.c.expires_at,
        CREDENTIALS.c.parent_id,
        *TENANTS.c,
    )
    .join_from(CREDENTIALS, TENANTS, TENANTS.c.id == CREDENTIALS.c.tenant_id)
    .where(
        CREDENTIALS.c.secret_hash == bindparam("secret_hash"),
        CREDENTIALS.c.dialect == bindparam("dialect"),
        CREDENTIALS.c.scheme == bindparam("scheme"),
        CREDENTIALS.c.revoked_at.is_(None),
    )
)
