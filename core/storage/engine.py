"""Engines and session factories, tuned per backend.

SQLite: WAL (readers never wait for the writer), a busy timeout (writers from other connections or
processes queue instead of failing) and foreign keys on. PostgreSQL: asyncpg with a pool sized for
a gateway process.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import msgspec
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from core.settings import Settings
from core.storage.sqlite_inline import InlineConnection, inline_connector

SQLITE_BUSY_TIMEOUT_S = 30.0


def json_text(value: Any) -> str:
    """JSON columns are written with msgspec: several times faster than ``json.dumps``."""
    return _JSON_ENCODER.encode(value).decode()


def json_value(text: str | bytes) -> Any:
    return _JSON_DECODER.decode(text)


_JSON_ENCODER = msgspec.json.Encoder()
_JSON_DECODER = msgspec.json.Decoder()
JSON_OPTIONS: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": json_value}


def create_engine(database_url: str, **options: Any) -> AsyncEngine:
    """An async engine for a database URL (plain or async form); ``options`` go to SQLAlchemy."""
    url = Settings(database_url=database_url).async_database_url
    for name, value in JSON_OPTIONS.items():
        options.setdefault(name, value)
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
        parsed = make_url(url)
        if parsed.database and parsed.database != ":memory:" and not parsed.query:
            # a file: run sqlite3 on the loop's thread (see core.storage.sqlite_inline)
            create_private_file(parsed.database)
            timeout_s = float(options["connect_args"]["timeout"])
            options.setdefault("async_creator", inline_connector(parsed.database, timeout_s))
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 10)
    options.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **options)


def create_private_file(path: str) -> None:
    """Create a SQLite database file readable by its owner only (0600) before SQLite creates it
    with the umask's mode; its journal and WAL files take the same mode from it. An existing
    file is left as it is."""
    if path.startswith("file:"):
        return
    # already there, or its folder is missing (SQLite then says so itself)
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    inline = isinstance(getattr(dbapi_connection, "driver_connection", None), InlineConnection)
    # (inline connections wait for the lock on the event loop instead of a busy timeout)
    set_sqlite_pragmas(dbapi_connection, busy_timeout_s=None if inline else SQLITE_BUSY_TIMEOUT_S)


def set_sqlite_pragmas(dbapi_connection: Any, *, busy_timeout_s: float | None) -> None:
    """WAL, NORMAL sync, foreign keys on; a busy timeout only when given (one that waits
    on the event loop for the lock passes ``None``)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        if busy_timeout_s is not None:
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
    finally:
        cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (no lazy reload on attribute access)."""
    return async_sessionmaker(engine, expire_on_commit=False)
