"""``pasarela bench http`` against the real app (ASGI transport, app started by ``client``)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import httpx
import uvicorn
from litestar import Litestar

from core.commands.bench_http import BenchResult, handle_http, run_http_bench
from core.context import AppContext
from core.demo import ensure_demo

LINE = re.compile(
    r"http docs_per_s=\d+\.\d+ p50_ms=\d+\.\d p99_ms=\d+\.\d errors=\d+ rss_mb=\d+\.\d"
)


def test_percentiles_and_line() -> None:
    result = BenchResult(docs=4, elapsed_s=2.0, latencies_ms=[40.0, 10.0, 30.0, 20.0], errors=1)
    assert (result.percentile(0.5), result.percentile(0.99)) == (20.0, 40.0)
    assert result.line() == "http docs_per_s=2.00 p50_ms=20.0 p99_ms=40.0 errors=1 rss_mb=0.0"


def test_bad_token_counts_errors_and_exits_1(tmp_path: Path, capsys) -> None:
    credentials = tmp_path / "credentials.json"
    credentials.write_text(
        json.dumps({"base_url": "http://127.0.0.1:9", "facepro": {"token": "1|x"}})
    )

    class Args:
        pass

    args = Args()
    args.credentials, args.dialect, args.base_url = credentials, "facepro", None
    args.docs, args.concurrency, args.warmup, args.timeout, args.server_pid = 2, 2, 0, 2.0, None
    assert handle_http(args) == 1  # type: ignore[arg-type]
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert LINE.fullmatch(out) and "errors=2" in out


async def test_bench_over_a_real_socket(app: Litestar, ctx: AppContext) -> None:
    """uvicorn on an ephemeral loopback port: the documents are issued (warm-up ones too, which
    don't count) and the bench measures this process's memory."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started or serving.done():
                break
            await asyncio.sleep(0.05)
        assert server.started
        port = server.servers[0].sockets[0].getsockname()[1]
        demo = await ensure_demo(ctx)
        token = demo.credentials["facepro"].token
        result = await run_http_bench(
            base_url=f"http://127.0.0.1:{port}",
            dialect="facepro",
            credentials={"token": token},
            docs=4,
            concurrency=2,
            warmup=3,
            server_pid=os.getpid(),
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            listed = await client.get(
                "/api/v1/documentos", headers={"Authorization": f"Bearer {token}"}
            )
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=30)
    assert result.errors == 0 and len(result.latencies_ms) == 4
    assert LINE.fullmatch(result.line())
    assert result.rss_mb > 0
    assert listed.json()["meta"]["total"] == 7  # four counted and three warm-up
