"""``pasarela bench http``: issue N documents through a running gateway over real HTTP.

It speaks to the gateway exactly as a client would: HTTP/1.1 keep-alive connections
(``core.commands.load_client``, lean so that the load generator leaves the machine's CPU to the
gateway it measures), the dialect's documented JSON and the credential ``serve --demo`` wrote to
the credentials file. It knows no dialect: each installed dialect describes how to issue an
invoice and how to read the answer in its ``Dialect.bench`` scenario (``BenchScenario``), so
``--dialect`` takes any installed dialect that has one, a third party's too.
The last line is machine-readable::

    http docs_per_s=<float> p50_ms=<float> p99_ms=<float> errors=<int> rss_mb=<float>
        gateway_cpu_ms_per_doc=<float>

(on one line).

``rss_mb`` is the resident memory of the server process (and its workers) listening on the
base URL's port (with several workers sharing the socket, their supervisor's tree) when it
runs on this machine, else of ``--server-pid``; 0.0 when unknown.
``gateway_cpu_ms_per_doc`` is the CPU time the gateway's own processes spent during the run
(``process_cpu_seconds_total`` of its ``/-/metrics``, summed over its workers, read after the
warm-up and at the end) per accepted document; 0.0 when the metrics cannot be read. Against
``serve --demo`` it includes the in-process simulator's work; run the simulator as a process of
its own (``pasarela simulator``, with ``PASARELA_SIMULATOR_URL`` pointing the gateway at it)
to count the gateway alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
import psutil

from core.commands.load_client import ClientError, KeepAliveConnection
from core.contracts import BenchScenario, Command
from core.errors import ConfigurationError
from core.plugins import build_registry, get_plugin_manager

log = logging.getLogger(__name__)


@dataclass
class BenchResult:
    docs: int
    elapsed_s: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    rss_mb: float = 0.0
    gateway_cpu_s: float = 0.0  # the gateway's CPU seconds during the timed run

    @property
    def gateway_cpu_ms_per_doc(self) -> float:
        accepted = self.docs - self.errors
        return self.gateway_cpu_s * 1000 / accepted if accepted > 0 else 0.0

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the request latencies (0.0 without requests)."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    def line(self) -> str:
        return (
            f"http docs_per_s={self.docs_per_s:.2f} p50_ms={self.percentile(0.50):.1f} "
            f"p99_ms={self.percentile(0.99):.1f} errors={self.errors} rss_mb={self.rss_mb:.1f} "
            f"gateway_cpu_ms_per_doc={self.gateway_cpu_ms_per_doc:.2f}"
        )


async def run_http_bench(
    *,
    base_url: str,
    scenario: BenchScenario,
    credentials: Mapping[str, Any],
    docs: int,
    concurrency: int,
    warmup: int = 32,
    timeout_s: float = 60.0,
    server_pid: int | None = None,
) -> BenchResult:
    """Send ``docs`` documents with ``concurrency`` requests in flight, each on its own
    keep-alive connection; the ``warmup`` first ones (sent concurrently) don't count.
    ``credentials`` is the dialect's entry of the credentials file (handed to the scenario's
    ``prepare`` first, when it has one)."""
    if scenario.prepare is not None:
        credentials = await scenario.prepare(base_url, credentials)
    connections = [KeepAliveConnection(base_url, timeout_s) for _ in range(max(1, concurrency))]
    idle = asyncio.Queue[KeepAliveConnection]()
    for connection in connections:
        idle.put_nowait(connection)

    async def send(sequence: int) -> tuple[float, bool]:
        request = scenario.request(credentials, sequence)
        body = _JSON.encode(request.body)
        headers = {**request.headers, "Content-Type": "application/json"}
        connection = await idle.get()
        started = time.perf_counter()
        try:
            response = await connection.request(request.method, request.path, headers, body)
            success = scenario.succeeded(response.status_code, _decoded(response.body))
            if not success:
                log.warning(
                    "bench request failed",
                    extra={"status": response.status_code, "body": response.text[:300]},
                )
        except ClientError as exc:
            log.warning("bench request error", extra={"error": str(exc)})
            success = False
        finally:
            idle.put_nowait(connection)
        return (time.perf_counter() - started) * 1000, success

    try:
        # warm-up: every worker process loads its certificate, catalogs and simulator first
        await asyncio.gather(*(send(-1 - sequence) for sequence in range(max(0, warmup))))
        next_sequence = 0
        result = BenchResult(docs=docs, elapsed_s=0.0)
        cpu_before = await gateway_cpu_seconds(base_url, timeout_s)

        async def worker() -> None:
            nonlocal next_sequence
            while next_sequence < docs:
                sequence = next_sequence
                next_sequence += 1
                latency, success = await send(sequence)
                result.latencies_ms.append(latency)
                result.errors += not success

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, docs)))))
        result.elapsed_s = time.perf_counter() - started
        cpu_after = await gateway_cpu_seconds(base_url, timeout_s)
        if cpu_before is not None and cpu_after is not None:
            result.gateway_cpu_s = max(0.0, cpu_after - cpu_before)
    finally:
        for connection in connections:
            await connection.close()
    result.rss_mb = server_rss_mb(base_url, server_pid)
    return result


_JSON = msgspec.json.Encoder()
CPU_METRIC = "process_cpu_seconds_total"


async def gateway_cpu_seconds(base_url: str, timeout_s: float) -> float | None:
    """The gateway's CPU seconds so far, from its ``/-/metrics``; ``None`` when unreadable."""
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as http:
            response = await http.get(f"{base_url.rstrip('/')}/-/metrics")
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    for line in response.text.splitlines():
        name, _, value = line.partition(" ")
        if name == CPU_METRIC:
            try:
                return float(value)
            except ValueError:
                return None
    return None


def _decoded(body: bytes) -> Any:
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None


def server_rss_mb(base_url: str, pid: int | None = None) -> float:
    """RSS of the server (with its worker children) in MiB; 0.0 when it cannot be found."""
    if pid is None:
        pid = _listening_pid(base_url)
    if pid is None:
        return 0.0
    try:
        process = psutil.Process(pid)
        processes = [process, *process.children(recursive=True)]
        return sum(p.memory_info().rss for p in processes) / (1024 * 1024)
    except psutil.Error:
        return 0.0


def _listening_pid(base_url: str) -> int | None:
    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1", "0.0.0.0"):
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.Error, PermissionError):
        return None
    for connection in connections:
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port:
            return _supervisor(connection.pid, port) if connection.pid is not None else None
    return None


def _supervisor(pid: int, port: int) -> int:
    """The top of the process tree sharing the listening socket: uvicorn's workers inherit
    their supervisor's, and the system may name any of them as its owner."""
    try:
        process = psutil.Process(pid)
        while (parent := process.parent()) is not None and any(
            c.status == psutil.CONN_LISTEN and c.laddr.port == port
            for c in parent.net_connections(kind="tcp")
        ):
            process = parent
        return process.pid
    except psutil.Error:
        return pid


def configure_http(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dialect",
        help="installed dialect with a bench scenario (default: the only one there is)",
    )
    parser.add_argument(
        "--credentials",
        type=Path,
        required=True,
        help="the credentials file written by `pasarela serve --demo`",
    )
    parser.add_argument("--docs", type=int, default=100, help="documents to issue")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--base-url", help="gateway URL (default: base_url of the file)")
    parser.add_argument(
        "--warmup", type=int, default=32, help="uncounted requests first, sent concurrently"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--server-pid", type=int, help="process whose memory rss_mb reports")
    parser.set_defaults(func=handle_http)


HTTP = Command(
    name="http",
    help="issue documents through a running gateway over HTTP",
    configure=configure_http,
)


def bench_scenario(dialect_id: str | None) -> tuple[str, BenchScenario]:
    """(dialect id, scenario) to bench: ``dialect_id``, or the only dialect with a scenario."""
    scenarios = {
        d.id: d.bench for d in build_registry(get_plugin_manager()).dialects if d.bench is not None
    }
    benchable = sorted(scenarios)
    if dialect_id is None:
        if len(benchable) != 1:
            raise ConfigurationError(
                f"pass --dialect (installed dialects with a bench: {', '.join(benchable) or '-'})"
            )
        dialect_id = benchable[0]
    if dialect_id not in benchable:
        raise ConfigurationError(
            f"dialect {dialect_id!r} has no bench scenario "
            f"(installed dialects with one: {', '.join(benchable) or '-'})"
        )
    return dialect_id, scenarios[dialect_id]


def handle_http(args: argparse.Namespace) -> int:
    dialect_id, scenario = bench_scenario(args.dialect)
    document = json.loads(args.credentials.read_text(encoding="utf-8"))
    credentials = document.get(dialect_id)
    if not credentials:
        sys.stderr.write(f"{args.credentials} has no credentials for {dialect_id!r}\n")
        return 2
    base_url = args.base_url or document.get("base_url")
    if not base_url:
        sys.stderr.write("no base URL: pass --base-url\n")
        return 2
    if args.docs < 1 or args.concurrency < 1:
        sys.stderr.write("--docs and --concurrency must be at least 1\n")
        return 2
    result = asyncio.run(
        run_http_bench(
            base_url=base_url,
            scenario=scenario,
            credentials=credentials,
            docs=args.docs,
            concurrency=args.concurrency,
            warmup=args.warmup,
            timeout_s=args.timeout,
            server_pid=args.server_pid,
        )
    )
    sys.stdout.write(result.line() + "\n")
    return 0 if result.errors == 0 else 1
