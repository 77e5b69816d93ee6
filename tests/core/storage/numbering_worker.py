"""Run by test_numbering_concurrency in a separate OS process: concurrent allocations, JSON out.

Usage: python numbering_worker.py DATABASE_URL RANGE_ID COUNT
Prints ``ready`` once connected, waits for a line on stdin (so both processes start together),
then prints one JSON object: the numbers it got and how many allocations found the range used up.
"""

from __future__ import annotations

import asyncio
import json
import sys

from core.errors import NumberingExhausted
from core.storage.database import database_for, dispose_database
from core.storage.engine import create_engine
from core.storage.numbering import allocate_number


async def main(url: str, range_id: int, count: int) -> None:
    engine = create_engine(url)
    database = database_for(engine)
    async with engine.connect():
        pass
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)

    async def one() -> int | None:
        try:
            return await database.run(allocate_number, range_id, write=True)
        except NumberingExhausted:
            return None

    results = await asyncio.gather(*(one() for _ in range(count)))
    dispose_database(engine)
    await engine.dispose()
    numbers = [n for n in results if n is not None]
    print(json.dumps({"numbers": numbers, "exhausted": count - len(numbers)}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
