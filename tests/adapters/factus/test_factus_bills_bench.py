"""``pasarela bench http --dialect factus``: signs in once through ``/oauth/token`` with the
demo credentials and issues research §3's bill over a real socket."""

from __future__ import annotations

import os

import httpx
from litestar import Litestar

from core.commands.bench_http import run_http_bench
from core.context import AppContext
from core.demo import ensure_demo
from tests.core.commands.test_bench_http import LINE, serving


async def test_factus_bench_over_a_real_socket(app: Litestar, ctx: AppContext) -> None:
    async with serving(app) as base_url:
        demo = await ensure_demo(ctx)
        login = dict(demo.credentials["factus"].details)
        dialect = ctx.registry.dialects.get("factus")
        assert dialect.credentials_for_demo is not None
        entry = dialect.credentials_for_demo({"details": login})  # what the file holds
        result = await run_http_bench(
            base_url=base_url,
            scenario=dialect.bench,
            credentials=entry,
            docs=4,
            concurrency=2,
            warmup=2,
            server_pid=os.getpid(),
        )
        async with httpx.AsyncClient(base_url=base_url) as client:
            token = (
                await client.post("/oauth/token", data={"grant_type": "password", **login})
            ).json()["access_token"]
            listed = await client.get("/v1/bills", headers={"Authorization": f"Bearer {token}"})
    assert result.errors == 0 and len(result.latencies_ms) == 4
    assert LINE.fullmatch(result.line())
    rows = listed.json()["data"]["data"]
    assert len(rows) == 6  # four counted and two warm-up
    assert {row["total"] for row in rows} == {"99000.00"}
    assert all(row["reference_code"].startswith("bench-") for row in rows)
