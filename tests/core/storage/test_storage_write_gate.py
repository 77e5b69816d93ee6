"""The SQLite write gate: one lock per database file and event loop; none for PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from core.storage.engine import create_engine, create_sessionmaker
from core.storage.write_gate import write_gate


async def test_engines_on_one_file_share_one_gate(tmp_path: Path) -> None:
    first = create_engine(f"sqlite:///{tmp_path}/a.db")
    second = create_engine(f"sqlite+aiosqlite:///{tmp_path}/./a.db")
    other = create_engine(f"sqlite:///{tmp_path}/b.db")
    try:
        gate = write_gate(first)
        assert isinstance(gate, asyncio.Lock)
        assert write_gate(second) is gate
        assert write_gate(create_sessionmaker(second)) is gate
        assert write_gate(other) is not gate
    finally:
        for engine in (first, second, other):
            await engine.dispose()


async def test_gate_queues_writers_in_order(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/c.db")
    order: list[str] = []

    async def writer(name: str) -> None:
        async with write_gate(engine):
            order.append(f"{name}+")
            await asyncio.sleep(0)
            order.append(f"{name}-")

    try:
        await asyncio.gather(writer("a"), writer("b"), writer("c"))
    finally:
        await engine.dispose()
    assert order == ["a+", "a-", "b+", "b-", "c+", "c-"]


async def test_no_gate_for_memory_or_postgresql() -> None:
    memory = create_engine("sqlite:///:memory:")
    postgres = create_engine("postgresql://postgres@127.0.0.1:5432/test")
    try:
        assert isinstance(write_gate(memory), contextlib.nullcontext)
        assert isinstance(write_gate(postgres), contextlib.nullcontext)
    finally:
        await memory.dispose()
        await postgres.dispose()
