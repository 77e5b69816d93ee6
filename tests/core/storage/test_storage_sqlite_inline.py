"""Inline SQLite connections: SQLAlchemy works over them, and a writer that finds the database
locked by another task of the same loop waits on the loop instead of blocking it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from core.storage.engine import create_engine
from core.storage.sqlite_inline import InlineConnection


async def test_file_engines_use_inline_connections(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/inline.db")
    try:
        async with engine.begin() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, InlineConnection)
            await conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY, v TEXT)"))
            await conn.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "a"}, {"v": "b"}])
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
            assert busy == 0  # waiting happens on the loop, see the next test
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT n, v FROM t ORDER BY n"))).all()
            assert [tuple(r) for r in rows] == [(1, "a"), (2, "b")]
            returned = (
                await conn.execute(text("INSERT INTO t (v) VALUES ('c') RETURNING n, v"))
            ).one()
            assert tuple(returned) == (3, "c")
            await conn.rollback()
        async with engine.connect() as conn:
            count = (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one()
            assert count == 2
    finally:
        await engine.dispose()


async def test_locked_writer_waits_on_the_loop_for_the_holder(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/lock.db")
    events: list[str] = []
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (n INTEGER)"))
        holder_has_lock = asyncio.Event()

        async def holder() -> None:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
                holder_has_lock.set()
                await asyncio.sleep(0.05)  # yields while holding SQLite's write lock
                events.append("holder commits")

        async def waiter() -> None:
            await holder_has_lock.wait()
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (2)"))
                events.append("waiter wrote")

        await asyncio.wait_for(asyncio.gather(holder(), waiter()), timeout=10)
        async with engine.connect() as conn:
            values = (await conn.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all()
    finally:
        await engine.dispose()
    assert events == ["holder commits", "waiter wrote"]
    assert values == [1, 2]


async def test_memory_databases_keep_the_default_driver() -> None:
    engine = create_engine("sqlite:///:memory:")
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert not isinstance(raw.driver_connection, InlineConnection)
    finally:
        await engine.dispose()
