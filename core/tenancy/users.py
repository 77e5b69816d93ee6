"""Portal accounts: who signs in to the portal, with which password, for which tenant.

A user belongs to one tenant (role ``administrador`` or ``operador``) or, with no tenant, is
the gateway's operator (role ``pasarela``). Passwords are kept only as argon2 hashes
(pwdlib). Failed sign-ins are stored in the database, so throttling holds across every
gateway process: ``MAX_FAILURES_PER_ACCOUNT`` failures for one e-mail, or
``MAX_FAILURES_PER_ADDRESS`` from one client address, within ``FAILURE_WINDOW`` refuse further
attempts (right password included) until the window has passed.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from typing import Any, Final

import msgspec
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.clock import now_bogota
from core.errors import AuthenticationFailed, ConfigurationError, LoginThrottled, NotFound
from core.secrets import hash_token_secret
from core.storage.database import Database
from core.storage.tables import PortalLoginFailure, PortalResetToken, PortalSession, PortalUser
from core.tenancy.rows import insert_returning_id, tenant_row

USERS: Final = PortalUser.__table__
FAILURES: Final = PortalLoginFailure.__table__
RESETS: Final = PortalResetToken.__table__
SESSIONS: Final = PortalSession.__table__

TENANT_ROLES: Final = ("administrador", "operador")
OPERATOR_ROLE: Final = "pasarela"
MIN_PASSWORD = 10
MAX_PASSWORD = 200
MAX_FAILURES_PER_ACCOUNT: Final = 5
MAX_FAILURES_PER_ADDRESS: Final = 30
MAX_RESETS_PER_ACCOUNT: Final = 3  # reset links asked for one e-mail per window
FAILURE_WINDOW: Final = dt.timedelta(minutes=15)
RESET_LIFETIME: Final = dt.timedelta(hours=1)
_WRONG = "correo o contraseña incorrectos"
_HASHER: Final = PasswordHash((Argon2Hasher(),))


class UserRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    tenant_id: int | None
    email: str
    role: str
    active: bool
    created_at: dt.datetime

    @property
    def is_operator(self) -> bool:
        """The gateway's operator (no tenant)."""
        return self.tenant_id is None

    @property
    def is_admin(self) -> bool:
        """May change the tenant's set-up (the operator may too)."""
        return self.role in ("administrador", OPERATOR_ROLE)


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ConfigurationError(
            f"la contraseña debe tener entre {MIN_PASSWORD} y {MAX_PASSWORD} caracteres"
        )


def normalized_email(email: str) -> str:
    address = email.strip().lower()
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or len(address) > 320 or " " in address:
        raise ConfigurationError(f"correo electrónico inválido: {email!r}")
    return address


class PortalUsers:
    """Create users, check passwords (throttled), change and reset passwords."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create_user(
        self, *, email: str, password: str, tenant: int | str | None, role: str
    ) -> UserRecord:
        """A user of ``tenant`` (id, NIT or uuid) with a tenant role, or the gateway's operator
        (``tenant=None``, role ``pasarela``). ``ConfigurationError`` for a taken e-mail."""
        address = normalized_email(email)
        check_password_rules(password)
        if tenant is None and role != OPERATOR_ROLE:
            raise ConfigurationError(f"el operador de la pasarela tiene el rol {OPERATOR_ROLE!r}")
        if tenant is not None and role not in TENANT_ROLES:
            raise ConfigurationError(
                f"rol desconocido {role!r} (válidos: {', '.join(TENANT_ROLES)})"
            )
        hashed = _HASHER.hash(password)
        now = now_bogota()

        def store(conn: Connection) -> int:
            owner = None if tenant is None else int(tenant_row(conn, tenant).id)
            values = {
                "tenant_id": owner,
                "email": address,
                "role": role,
                "password_hash": hashed,
                "active": True,
                "created_at": now,
                "password_changed_at": now,
            }
            return insert_returning_id(conn, USERS, values)

        try:
            user_id = await self._db.run(store, write=True)
        except IntegrityError:
            raise ConfigurationError(f"ya existe un usuario con el correo {address}") from None
        return await self.get_user(user_id)

    async def get_user(self, user_id: int) -> UserRecord:
        row = await self._db.first(select(USERS).where(USERS.c.id == user_id))
        if row is None:
            raise NotFound(f"el usuario {user_id} no existe")
        return user_record(row)

    async def find_user(self, email: str) -> UserRecord | None:
        row = await self._db.first(select(USERS).where(USERS.c.email == email.strip().lower()))
        return None if row is None else user_record(row)

    async def list_users(self, tenant_id: int) -> list[UserRecord]:
        query = select(USERS).where(USERS.c.tenant_id == tenant_id).order_by(USERS.c.id)
        return [user_record(row) for row in await self._db.all(query)]

    async def authenticate(self, email: str, password: str, address: str | None) -> UserRecord:
        """The active user with this e-mail and password. ``LoginThrottled`` after too many
        failures (even for the right password); ``AuthenticationFailed`` otherwise."""
        email = email.strip().lower()[:320]
        keys = [f"email:{email}"] + ([f"ip:{address}"] if address else [])
        now = now_bogota()
        wait = await self._db.run(_throttle_wait, keys, now)
        if wait:
            raise LoginThrottled(wait)
        row = await self._db.first(select(USERS).where(USERS.c.email == email))
        valid = _HASHER.verify(password[:MAX_PASSWORD], row.password_hash if row else _dummy_hash())
        if row is None or not valid or not row.active:
            await self._db.run(_record_failure, keys, now, write=True)
            raise AuthenticationFailed(_WRONG)
        await self._db.run(_forget_failures, f"email:{email}", write=True)
        return user_record(row)

    async def change_password(self, user_id: int, current: str, new: str) -> None:
        """Change a password knowing the current one (``AuthenticationFailed`` otherwise)."""
        row = await self._db.first(select(USERS).where(USERS.c.id == user_id))
        if row is None or not _HASHER.verify(current[:MAX_PASSWORD], row.password_hash):
            raise AuthenticationFailed("la contraseña actual no es correcta")
        await self.set_password(user_id, new)

    async def set_password(self, user_id: int, new: str) -> None:
        """Set a new password; every open session of the user ends."""
        check_password_rules(new)
        hashed = _HASHER.hash(new)

        def store(conn: Connection) -> None:
            changed = conn.execute(
                update(USERS)
                .where(USERS.c.id == user_id)
                .values(password_hash=hashed, password_changed_at=now_bogota())
            )
            if changed.rowcount != 1:
                raise NotFound(f"el usuario {user_id} no existe")
            conn.execute(delete(SESSIONS).where(SESSIONS.c.user_id == user_id))

        await self._db.run(store, write=True)

    async def set_active(self, user_id: int, active: bool) -> None:
        await self._db.run(_set_active, user_id, active, write=True)

    async def issue_reset_token(self, email: str) -> tuple[UserRecord, str] | None:
        """A one-time reset token for the user with this e-mail (``None`` when there is none:
        callers answer the same either way). Only its hash is stored. ``LoginThrottled``
        after ``MAX_RESETS_PER_ACCOUNT`` links within ``FAILURE_WINDOW``."""
        user = await self.find_user(email)
        if user is None or not user.active:
            return None
        keys, now = [f"reset:{user.email}"], now_bogota()
        wait = await self._db.run(_throttle_wait, keys, now)
        if wait:
            raise LoginThrottled(wait)
        await self._db.run(_record_failure, keys, now, write=True)  # counts the links asked
        token = secrets.token_urlsafe(32)
        values = {
            "token_hash": hash_token_secret(token),
            "user_id": user.id,
            "expires_at": now_bogota() + RESET_LIFETIME,
            "used_at": None,
        }
        await self._db.run(_insert, RESETS, values, write=True)
        return user, token

    async def reset_password(self, token: str, new: str) -> UserRecord:
        """Set a new password with a reset token (once; ``AuthenticationFailed`` for an
        unknown, used or expired one)."""
        check_password_rules(new)
        now = now_bogota()

        def consume(conn: Connection) -> int | None:
            used = conn.execute(
                update(RESETS)
                .where(
                    RESETS.c.token_hash == hash_token_secret(token.strip()),
                    RESETS.c.used_at.is_(None),
                    RESETS.c.expires_at > now,
                )
                .values(used_at=now)
                .returning(RESETS.c.user_id)
            ).first()
            return None if used is None else int(used.user_id)

        user_id = await self._db.run(consume, write=True)
        if user_id is None:
            raise AuthenticationFailed("el enlace para restablecer la contraseña no es válido")
        await self.set_password(user_id, new)
        return await self.get_user(user_id)


_LIMITS: Final = {
    "email": MAX_FAILURES_PER_ACCOUNT,
    "ip": MAX_FAILURES_PER_ADDRESS,
    "reset": MAX_RESETS_PER_ACCOUNT,
}


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so both answers take as long."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _throttle_wait(conn: Connection, keys: list[str], now: dt.datetime) -> int:
    """Seconds until the next attempt is allowed for any of ``keys`` (0: allowed now)."""
    since = now - FAILURE_WINDOW
    wait = 0
    for key in keys:
        limit = _LIMITS[key.partition(":")[0]]
        count, oldest = conn.execute(
            select(func.count(), func.min(FAILURES.c.at)).where(
                FAILURES.c.key == key, FAILURES.c.at > since
            )
        ).one()
        if count >= limit and oldest is not None:
            wait = max(wait, int((oldest + FAILURE_WINDOW - now).total_seconds()) + 1)
    return wait


def _record_failure(conn: Connection, keys: list[str], now: dt.datetime) -> None:
    conn.execute(insert(FAILURES), [{"key": key, "at": now} for key in keys])
    conn.execute(delete(FAILURES).where(FAILURES.c.at < now - FAILURE_WINDOW))


def _forget_failures(conn: Connection, key: str) -> None:
    conn.execute(delete(FAILURES).where(FAILURES.c.key == key))


def _set_active(conn: Connection, user_id: int, active: bool) -> None:
    conn.execute(update(USERS).where(USERS.c.id == user_id).values(active=active))


def _insert(conn: Connection, table: Any, values: dict[str, Any]) -> None:
    conn.execute(insert(table).values(**values))


def user_record(row: Any) -> UserRecord:
    return UserRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        email=row.email,
        role=row.role,
        active=row.active,
        created_at=row.created_at,
    )
