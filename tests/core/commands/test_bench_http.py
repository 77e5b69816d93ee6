"""``pasarela bench http`` against the real app (ASGI transport, app started by ``client``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.commands.bench_http import BenchResult, handle_http, run_http_bench
from core.demo import DemoSetup

LINE = re.compile(
    r"http docs_per_s=\d+\.\d+ p50_ms=\d+\.\d p99_ms=\d+\.\d errors=\d+ rss_mb=\d+\.\d"
)


def test_percentiles_and_line() -> None:
    result = BenchResult(docs=4, elapsed_s=2.0, latencies_ms=[40.0, 10.0, 30.0, 20.0], errors=1)
    assert (result.percentile(0.5), result.percentile(0.99)) == (20.0, 40.0)
    assert result.line() == "http docs_per_s=2.00 p50_ms=20.0 p99_ms=40.0 errors=1 rss_mb=0.0"


async def test_facepro_bench_issues_documents(
    app: Litestar, client: AsyncTestClient[Litestar], demo_tenant: DemoSetup
) -> None:
    result = await run_http_bench(
        base_url="http://testserver.local",
        dialect="facepro",
        credentials={"token": demo_tenant.credentials["facepro"].token},
        docs=4,
        concurrency=2,
        transport=httpx.ASGITransport(app=app),
    )
    assert result.errors == 0
    assert len(result.latencies_ms) == 4
    assert LINE.fullmatch(result.line())
    response = await client.get(
        "/api/v1/documentos",
        headers={"Authorization": f"Bearer {demo_tenant.credentials['facepro'].token}"},
    )
    assert response.json()["meta"]["total"] == 5  # four counted and one warm-up


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
