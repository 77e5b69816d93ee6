"""Two OS processes, 100 concurrent allocations each, one range: numbers unique and contiguous."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert, select

from core.errors import NotFound, NumberingExhausted
from core.storage.column_types import BOGOTA
from core.storage.database import database_for, dispose_database
from core.storage.engine import create_engine
from core.storage.numbering import allocate_number
from core.storage.tables import Resolution, Tenant

WORKER = Path(__file__).with_name("numbering_worker.py")
REPO = Path(__file__).resolve().parents[3]


async def make_range(url: str, from_number: int, to_number: int) -> int:
    """One tenant and one range; returns the range id."""
    engine = create_engine(url)
    now = dt.datetime.now(BOGOTA)
    try:
        async with engine.begin() as conn:
            tenant_id = (
                await conn.execute(
                    insert(Tenant)
                    .values(
                        uuid="00000000-0000-4000-8000-000000000001",
                        nit="900373076",
                        dv="5",
                        name="Numeración SAS",
                        party={},
                        environment="simulador",
                        software={},
                        permissions=[],
                        provider_nit="900373076",
                        provider_dv="5",
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(Tenant.id)
                )
            ).scalar_one()
            return (
                await conn.execute(
                    insert(Resolution)
                    .values(
                        tenant_id=tenant_id,
                        environment="simulador",
                        document_type="01",
                        resolution_number="18760000001",
                        prefix="SETP",
                        from_number=from_number,
                        to_number=to_number,
                        valid_from=dt.date(2019, 1, 19),
                        valid_to=dt.date(2030, 1, 19),
                        next_number=from_number,
                        created_at=now,
                    )
                    .returning(Resolution.id)
                )
            ).scalar_one()
    finally:
        await engine.dispose()


def run_two_processes(url: str, range_id: int, per_process: int) -> tuple[list[int], int]:
    """Start both workers, release them together, collect every number they got."""
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), url, str(range_id), str(per_process)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    numbers: list[int] = []
    exhausted = 0
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0
        result = json.loads(out.strip().splitlines()[-1])
        numbers += result["numbers"]
        exhausted += result["exhausted"]
    return numbers, exhausted


async def next_number(url: str, range_id: int) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            query = select(Resolution.next_number).where(Resolution.id == range_id)
            return (await conn.execute(query)).scalar_one()
    finally:
        await engine.dispose()


async def test_two_processes_get_unique_contiguous_numbers(migrated_url: str) -> None:
    range_id = await make_range(migrated_url, 990000001, 995000000)
    numbers, exhausted = run_two_processes(migrated_url, range_id, 100)
    assert exhausted == 0
    assert sorted(numbers) == list(range(990000001, 990000201))
    assert await next_number(migrated_url, range_id) == 990000201


async def test_two_processes_stop_exactly_at_the_end_of_the_range(migrated_url: str) -> None:
    range_id = await make_range(migrated_url, 1, 150)
    numbers, exhausted = run_two_processes(migrated_url, range_id, 100)
    assert sorted(numbers) == list(range(1, 151))
    assert exhausted == 50
    assert await next_number(migrated_url, range_id) == 151


async def test_rolled_back_allocation_gives_the_number_back(migrated_url: str) -> None:
    range_id = await make_range(migrated_url, 5, 6)
    engine = create_engine(migrated_url)
    database = database_for(engine)

    class Abandoned(Exception):
        pass

    def take_then_abandon(conn: Connection) -> None:
        assert allocate_number(conn, range_id) == 5
        raise Abandoned

    def take_all(conn: Connection) -> None:
        assert allocate_number(conn, range_id) == 5
        assert allocate_number(conn, range_id) == 6
        with pytest.raises(NumberingExhausted, match="agotó su rango"):
            allocate_number(conn, range_id)

    try:
        with pytest.raises(Abandoned):
            await database.run(take_then_abandon, write=True)
        await database.run(take_all, write=True)
        with pytest.raises(NotFound):
            await database.run(allocate_number, range_id + 1000, write=True)
    finally:
        dispose_database(engine)
        await engine.dispose()
