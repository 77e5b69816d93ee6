"""``pasarela bench http --dialect apidian``: the scenario issues invoices the gateway
accepts, and the bench prints the same ``http …`` line as for any dialect."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from litestar import Litestar

from core.commands.bench_http import run_http_bench
from core.context import AppContext
from core.demo import ensure_demo

LINE = re.compile(
    r"http docs_per_s=\d+\.\d+ p50_ms=\d+\.\d p99_ms=\d+\.\d errors=\d+ rss_mb=\d+\.\d"
    r" gateway_cpu_ms_per_doc=\d+\.\d\d"
)


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started or task.done():
                break
            await asyncio.sleep(0.05)
        assert server.started
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)


async def test_apidian_bench_issues_accepted_invoices(app: Litestar, ctx: AppContext) -> None:
    async with serving(app) as base_url:
        demo = await ensure_demo(ctx)
        result = await run_http_bench(
            base_url=base_url,
            scenario=ctx.registry.dialects.get("apidian").bench,
            credentials={"token": demo.credentials["apidian"].token},
            docs=3,
            concurrency=2,
            warmup=2,
            server_pid=os.getpid(),
        )
        listed, total = await ctx.documents.list(demo.tenant.id, status="aceptado")
    assert result.errors == 0 and len(result.latencies_ms) == 3
    assert LINE.fullmatch(result.line())
    assert total == 5 and {r.prefix for r in listed} == {"SETP"}
