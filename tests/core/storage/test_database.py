"""``core.storage.database``: units of work commit, roll back, and wait for another process's
write lock without stalling the event loop (SQLite); the same functions run on PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from core.storage.database import Database, database_for, dispose_database
from core.storage.engine import create_engine

NOTES = Table(
    "database_test_notes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("text", String(50)),
)


async def create_notes_table(engine: AsyncEngine) -> None:
    """Plain DDL for ``NOTES``: tables are made by migrations or by hand, never ``create_all``."""
    key = "INTEGER PRIMARY KEY" if engine.dialect.name == "sqlite" else "SERIAL PRIMARY KEY"
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE database_test_notes (id {key}, text VARCHAR(50))"))


class Abandoned(Exception):
    pass


def add_note(conn: Connection, text: str) -> int:
    return int(conn.execute(insert(NOTES).values(text=text).returning(NOTES.c.id)).scalar_one())


def add_note_then_fail(conn: Connection, text: str) -> None:
    add_note(conn, text)
    raise Abandoned


def notes(conn: Connection) -> list[str]:
    return list(conn.execute(select(NOTES.c.text).order_by(NOTES.c.id)).scalars())


@pytest.fixture
async def database(database_url: str):
    engine = create_engine(database_url)
    await create_notes_table(engine)
    yield database_for(engine)
    dispose_database(engine)
    await engine.dispose()


async def test_commits_what_returns_and_rolls_back_what_raises(database: Database) -> None:
    assert await database.run(add_note, "primera", write=True) >= 1
    with pytest.raises(Abandoned):
        await database.run(add_note_then_fail, "perdida", write=True)
    assert await database.run(notes) == ["primera"]
    assert await database.scalar(select(func.count()).select_from(NOTES)) == 1
    assert (await database.first(select(NOTES.c.text))).text == "primera"
    assert [row.text for row in await database.all(select(NOTES.c.text))] == ["primera"]


async def test_one_database_per_engine(database: Database) -> None:
    assert database_for(database.engine) is database


async def test_a_write_waits_on_the_loop_for_another_process_lock(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    await create_notes_table(engine)
    database = database_for(engine)
    other = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holding SQLite's write lock
        other.execute("INSERT INTO database_test_notes (text) VALUES ('del otro')")
        # the lock is released by a callback of this event loop: were the waiting write
        # blocking the loop, it would never run and the write would fail after 30 s
        asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
        await database.run(add_note, "mía", write=True)
        assert await database.run(notes) == ["del otro", "mía"]
    finally:
        other.close()
        dispose_database(engine)
        await engine.dispose()
