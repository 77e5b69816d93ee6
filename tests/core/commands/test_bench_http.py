"""``pasarela bench http`` against the real gateway app served by uvicorn on a real socket."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from litestar import Litestar

from core.cli import main
from core.commands.bench_http import (
    BenchResult,
    _listening_pid,
    handle_http,
    run_http_bench,
    server_rss_mb,
)
from core.context import AppContext
from core.demo import ensure_demo
from core.plugins import get_plugin_manager
from core.settings import Settings
from core.testing import serving_gateway
from core.web.app import create_app

LINE = re.compile(
    r"http docs_per_s=\d+\.\d+ p50_ms=\d+\.\d p99_ms=\d+\.\d errors=\d+ rss_mb=\d+\.\d"
    r" gateway_cpu_ms_per_doc=\d+\.\d\d"
)


def test_percentiles_and_line() -> None:
    result = BenchResult(docs=4, elapsed_s=2.0, latencies_ms=[40.0, 10.0, 30.0, 20.0], errors=1)
    assert (result.percentile(0.5), result.percentile(0.99)) == (20.0, 40.0)
    assert result.line() == (
        "http docs_per_s=2.00 p50_ms=20.0 p99_ms=40.0 errors=1 rss_mb=0.0 "
        "gateway_cpu_ms_per_doc=0.00"
    )
    result.gateway_cpu_s = 0.006  # 6 ms of the gateway's CPU over 3 accepted documents
    assert result.line().endswith(" gateway_cpu_ms_per_doc=2.00")


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


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    """uvicorn on an ephemeral loopback port in this event loop; yields the base URL."""
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
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=30)


async def test_bench_over_a_real_socket(app: Litestar, ctx: AppContext) -> None:
    """The documents are issued (warm-up ones too, which don't count) and the bench measures
    this process's memory."""
    async with serving(app) as base_url:
        demo = await ensure_demo(ctx)
        token = demo.credentials["facepro"].token
        result = await run_http_bench(
            base_url=base_url,
            scenario=ctx.registry.dialects.get("facepro").bench,
            credentials={"token": token},
            docs=4,
            concurrency=2,
            warmup=3,
            server_pid=os.getpid(),
        )
        async with httpx.AsyncClient(base_url=base_url) as client:
            listed = await client.get(
                "/api/v1/documentos", headers={"Authorization": f"Bearer {token}"}
            )
    assert result.errors == 0 and len(result.latencies_ms) == 4
    assert LINE.fullmatch(result.line())
    assert result.rss_mb > 0
    assert result.gateway_cpu_s > 0  # read from the gateway's /-/metrics before and after
    assert listed.json()["meta"]["total"] == 7  # four counted and three warm-up


THIRD_PARTY_MODULE = "pasarela_bench_prueba_mod"


@pytest.fixture
def third_party_dialect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An installed distribution (not part of Pasarela) whose dialect ``prueba_bench`` brings
    its own bench scenario: ``POST /prueba-bench/facturas`` with header ``Authorization: Clave
    <clave>``, success when ``resultado.estado`` is ``emitida`` with a ``resultado.codigo``."""
    (tmp_path / f"{THIRD_PARTY_MODULE}.py").write_text(
        textwrap.dedent(
            """
            from litestar import Request, post

            from core.api import BenchRequest, BenchScenario, Dialect, hookimpl

            RECEIVED = []

            @post("/prueba-bench/facturas", status_code=201)
            async def emitir(request: Request) -> dict:
                RECEIVED.append((await request.json())["consecutivo"])
                valid = request.headers.get("authorization") == "Clave secreta"
                estado = "emitida" if valid else "rechazada"
                return {"resultado": {"estado": estado, "codigo": "c" * 96}}

            def factura(credentials, sequence):
                return BenchRequest(
                    method="POST",
                    path="/prueba-bench/facturas",
                    headers={"Authorization": f"Clave {credentials['clave']}"},
                    body={"consecutivo": sequence},
                )

            @hookimpl
            def pasarela_register_dialects(register):
                register(Dialect(
                    id="prueba_bench", title="Prueba", route_handlers=[emitir],
                    bench=BenchScenario(
                        request=factura,
                        status_path=("resultado", "estado"),
                        success_states=frozenset({"emitida"}),
                        unique_code_path=("resultado", "codigo"),
                    ),
                ))
            """
        )
    )
    info = tmp_path / "pasarela_bench_prueba-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pasarela-bench-prueba\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(f"[pasarela]\nprueba_bench = {THIRD_PARTY_MODULE}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, THIRD_PARTY_MODULE, raising=False)
    yield "prueba_bench"
    sys.modules.pop(THIRD_PARTY_MODULE, None)


@pytest.mark.parametrize(("clave", "errors"), [("secreta", 0), ("equivocada", 4)])
async def test_bench_http_runs_a_third_party_dialects_scenario(
    third_party_dialect: str,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    clave: str,
    errors: int,
) -> None:
    """``pasarela bench http --dialect prueba_bench``: core knows nothing of that dialect; its
    scenario builds the requests from its credentials entry and judges the answers."""
    app = create_app(settings, plugin_manager=get_plugin_manager())
    credentials = tmp_path / "credentials.json"
    async with serving(app) as base_url:
        credentials.write_text(
            json.dumps({"base_url": base_url, third_party_dialect: {"clave": clave}})
        )
        argv = ["bench", "http", "--dialect", third_party_dialect, "--credentials",
                str(credentials), "--docs", "4", "--concurrency", "2", "--warmup", "1"]  # fmt: skip
        code = await asyncio.to_thread(main, argv)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert LINE.fullmatch(last) and f"errors={errors}" in last
    assert code == (0 if errors == 0 else 1)
    assert sorted(sys.modules[THIRD_PARTY_MODULE].RECEIVED) == [-1, 0, 1, 2, 3]


def test_bench_http_asks_for_a_dialect_when_several_have_a_scenario(
    third_party_dialect: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"base_url": "http://127.0.0.1:9"}))
    assert main(["bench", "http", "--credentials", str(credentials)]) == 1
    err = capsys.readouterr().err
    assert "pass --dialect" in err and third_party_dialect in err


def test_bench_http_refuses_a_dialect_without_a_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"base_url": "http://127.0.0.1:9"}))
    assert main(["bench", "http", "--dialect", "no_existe", "--credentials", str(credentials)]) == 1
    assert "'no_existe' has no bench scenario" in capsys.readouterr().err


def test_rss_is_measured_from_the_supervisor_of_the_workers(tmp_path: Path) -> None:
    """With ``serve --workers 2`` the supervisor and its workers all listen on the port; the
    bench measures the supervisor's whole tree, whichever of them the system lists first."""
    with serving_gateway(tmp_path, "--workers", "2") as (base_url, process):
        assert _listening_pid(base_url) == process.pid
        assert server_rss_mb(base_url) > 0
