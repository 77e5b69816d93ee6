"""``pasarela bench storage``: what one accepted document costs in the database.

It starts the gateway in this process on a fresh SQLite file (the demo tenant, the in-process
simulator), issues ``--docs`` invoices through a dialect's ``bench http`` scenario over the
ASGI interface, and measures what core's tables grew by between the warm-up and the end
(SQLite's ``dbstat``: the pages of every core table and its indexes) and the bytes the
documents' rows hold. The last line is machine-readable::

    storage db_bytes_per_doc=<int> row_bytes_per_doc=<int> docs=<int> errors=<int>

``db_bytes_per_doc`` counts every core table the issuing path writes (documents, jobs, audit,
numbering) with its indexes and page slack, per accepted document; the simulator's own tables
(it plays DIAN) are not the gateway's and are left out. ``row_bytes_per_doc`` is the documents
row alone.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
from pathlib import Path

import httpx
import msgspec
from sqlalchemy import bindparam, func, select, text

from core.commands.bench_http import bench_scenario
from core.context import AppContext
from core.contracts import Command
from core.demo import credentials_document, ensure_demo
from core.plugins import get_plugin_manager
from core.settings import Settings
from core.storage.migrate import upgrade
from core.storage.tables import Base, DocumentRow
from core.web.app import create_app

WARMUP_DOCS = 5
BASE_URL = "http://bench.local"
_DOCUMENTS = DocumentRow.__table__


class StorageFigures(msgspec.Struct, frozen=True):
    db_bytes_per_doc: int
    row_bytes_per_doc: int
    docs: int
    errors: int

    def line(self) -> str:
        return (
            f"storage db_bytes_per_doc={self.db_bytes_per_doc} "
            f"row_bytes_per_doc={self.row_bytes_per_doc} docs={self.docs} errors={self.errors}"
        )


def _row_bytes() -> object:
    """The stored size of every column of the documents rows, summed."""
    return select(
        func.coalesce(func.sum(sum(func.coalesce(func.length(c), 0) for c in _DOCUMENTS.c)), 0)
    )


async def run_storage_bench(docs: int, dialect_id: str | None = None) -> StorageFigures:
    """Issue ``WARMUP_DOCS`` then ``docs`` documents on a fresh database; measure the growth."""
    dialect_id, scenario = bench_scenario(dialect_id)
    plugins = get_plugin_manager()
    with tempfile.TemporaryDirectory(prefix="pasarela-bench-") as directory:
        path = Path(directory) / "bench.db"
        settings = Settings(
            database_url=f"sqlite:///{path}",
            secret_key=secrets.token_urlsafe(32),
            secret_key_file=str(Path(directory) / "bench.key"),
            public_url=BASE_URL,
        )
        app = create_app(settings, plugin_manager=plugins)
        ctx = app.state.ctx
        await asyncio.to_thread(upgrade, settings.database_url, ctx.registry.migrations)
        await ctx.start()
        try:
            setup = await ensure_demo(ctx)
            credentials = credentials_document(ctx, setup, BASE_URL)[dialect_id]
            transport = httpx.ASGITransport(app=app)
            errors = 0
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
                if scenario.prepare is not None:  # e.g. an OAuth sign-in over a socket
                    credentials = await scenario.prepare(BASE_URL, credentials)

                async def issue(sequence: int) -> bool:
                    request = scenario.request(credentials, sequence)
                    response = await http.request(
                        request.method, request.path, headers=request.headers, json=request.body
                    )
                    return scenario.succeeded(response.status_code, response.json())

                for sequence in range(WARMUP_DOCS):
                    await issue(-1 - sequence)
                before = await _sizes(ctx)
                for sequence in range(docs):
                    errors += not await issue(sequence)
                after = await _sizes(ctx)
        finally:
            await ctx.close()
    accepted = max(1, docs - errors)
    return StorageFigures(
        db_bytes_per_doc=(after[0] - before[0]) // accepted,
        row_bytes_per_doc=(after[1] - before[1]) // accepted,
        docs=docs,
        errors=errors,
    )


_CORE_PAGES = text(
    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN "
    "(SELECT name FROM sqlite_schema WHERE tbl_name IN :tables)"
).bindparams(bindparam("tables", value=sorted(Base.metadata.tables), expanding=True))


async def _sizes(ctx: AppContext) -> tuple[int, int]:
    """(bytes in the pages of core's tables and indexes, bytes in the documents rows)."""
    async with ctx.engine.begin() as conn:
        pages = (await conn.execute(_CORE_PAGES)).scalar_one()
        rows = (await conn.execute(_row_bytes())).scalar_one()
    return int(pages), int(rows)


def handle_storage(args: argparse.Namespace) -> int:
    if args.docs < 1:
        sys.stderr.write("--docs debe ser mayor que cero\n")
        return 2
    figures = asyncio.run(run_storage_bench(args.docs, args.dialect))
    sys.stdout.write(figures.line() + "\n")
    return 0 if figures.errors == 0 else 1


def configure_storage(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--docs", type=int, default=200, help="documents to issue")
    parser.add_argument(
        "--dialect", help="installed dialect with a bench scenario (default: the only one)"
    )
    parser.set_defaults(func=handle_storage)


STORAGE = Command(
    name="storage",
    help="database bytes per accepted document (in-process gateway, fresh SQLite file)",
    configure=configure_storage,
)
