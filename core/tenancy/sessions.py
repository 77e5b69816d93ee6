"""Portal sessions, kept server-side in the database (every gateway process sees them).

The browser's cookie carries a random token; the table holds its SHA-256 only, the session's
CSRF token (every form sends it back) and a one-time message for the next page.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Final

import msgspec
from sqlalchemy import Connection, delete, insert, select, update

from core.clock import now_bogota
from core.secrets import hash_token_secret
from core.storage.database import Database
from core.storage.tables import PortalSession, PortalUser
from core.tenancy.users import UserRecord, user_record

SESSIONS: Final = PortalSession.__table__
USERS: Final = PortalUser.__table__
SESSION_LIFETIME: Final = dt.timedelta(hours=8)


class OpenSession(msgspec.Struct, frozen=True, kw_only=True):
    """A signed-in browser: its user and the CSRF token its forms carry."""

    user: UserRecord
    csrf_token: str
    token_hash: str


class PortalSessions:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def open(self, user_id: int) -> str:
        """A new session for ``user_id``; returns the cookie's token (shown only here)."""
        token = secrets.token_urlsafe(32)
        now = now_bogota()
        values = {
            "token_hash": hash_token_secret(token),
            "user_id": user_id,
            "csrf_token": secrets.token_urlsafe(32),
            "flash": None,
            "created_at": now,
            "expires_at": now + SESSION_LIFETIME,
        }

        def store(conn: Connection) -> None:
            conn.execute(delete(SESSIONS).where(SESSIONS.c.expires_at < now))
            conn.execute(insert(SESSIONS).values(**values))

        await self._db.run(store, write=True)
        return token

    async def find(self, token: str | None) -> OpenSession | None:
        """The live session of a cookie token, with an active user; ``None`` otherwise."""
        if not token or len(token) > 200:
            return None
        query = (
            select(SESSIONS.c.token_hash, SESSIONS.c.csrf_token, *USERS.c)
            .join_from(SESSIONS, USERS, USERS.c.id == SESSIONS.c.user_id)
            .where(
                SESSIONS.c.token_hash == hash_token_secret(token),
                SESSIONS.c.expires_at > now_bogota(),
                USERS.c.active.is_(True),
            )
        )
        row = await self._db.first(query)
        if row is None:
            return None
        return OpenSession(
            user=user_record(row), csrf_token=row.csrf_token, token_hash=row.token_hash
        )

    async def close(self, token_hash: str) -> None:
        await self._db.run(_delete, token_hash, write=True)

    async def set_flash(self, token_hash: str, message: str) -> None:
        await self._db.run(_set_flash, token_hash, message, write=True)

    async def pop_flash(self, token_hash: str) -> str | None:
        return await self._db.run(_pop_flash, token_hash, write=True)


def _delete(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(SESSIONS).where(SESSIONS.c.token_hash == token_hash))


def _set_flash(conn: Connection, token_hash: str, message: str) -> None:
    conn.execute(
        update(SESSIONS).where(SESSIONS.c.token_hash == token_hash).values(flash=message[:2000])
    )


def _pop_flash(conn: Connection, token_hash: str) -> Any:
    found = conn.execute(
        select(SESSIONS.c.flash).where(SESSIONS.c.token_hash == token_hash)
    ).scalar()
    if found:
        _set_flash_none(conn, token_hash)
    return found


def _set_flash_none(conn: Connection, token_hash: str) -> None:
    conn.execute(update(SESSIONS).where(SESSIONS.c.token_hash == token_hash).values(flash=None))
