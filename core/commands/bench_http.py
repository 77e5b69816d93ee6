"""``pasarela bench http``: issue N documents through a running gateway over real HTTP.

It speaks to the gateway exactly as a client would: HTTP/1.1 keep-alive connections
(``core.commands.load_client``, lean so that the load generator leaves the machine's CPU to the
gateway it measures), the dialect's documented JSON and the token ``serve --demo`` wrote to the
credentials file. It imports nothing from ``adapters/``: each supported dialect is described
here by the request its clients send.
The last line is machine-readable::

    http docs_per_s=<float> p50_ms=<float> p99_ms=<float> errors=<int> rss_mb=<float>

``rss_mb`` is the resident memory of the server process (and its workers) listening on the
base URL's port when it runs on this machine, else of ``--server-pid``; 0.0 when unknown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import psutil

from core.commands.load_client import Answer, ClientError, KeepAliveConnection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BenchRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    body: Mapping[str, Any]


def facepro_request(credentials: Mapping[str, Any], sequence: int) -> BenchRequest:
    """``POST /api/v1/documentos`` with the seed's example body (two lines, one discount)."""
    return BenchRequest(
        method="POST",
        path="/api/v1/documentos",
        headers={
            "Authorization": f"Bearer {credentials['token']}",
            "Accept": "application/json",
        },
        body={
            "adquiriente": {
                "tipo_persona": "2",
                "tipo_documento": "13",
                "numero_documento": "71234567",
                "razon_social": "JUAN PEREZ",
                "responsabilidad_fiscal": "R-99-PN",
                "email": "juan@correo.com",
                "direccion": "Calle 50 # 30-20",
                "codigo_municipio": "05001",
                "codigo_departamento": "05",
            },
            "lineas": [
                {
                    "codigo": f"PROD-{sequence:06d}",
                    "descripcion": "Repuesto motocicleta XYZ",
                    "cantidad": 2,
                    "precio": 50000,
                    "iva_pct": 19,
                },
                {
                    "codigo": "SERV-010",
                    "descripcion": "Mano de obra instalación",
                    "cantidad": 1,
                    "precio": 25000,
                    "iva_pct": 19,
                    "descuento_pct": 10,
                },
            ],
        },
    )


def facepro_ok(response: Answer) -> bool:
    """Created and accepted by DIAN (a 201 with ``estado`` rechazado/fallido is an error)."""
    if response.status_code != 201:
        return False
    try:
        document = response.json()
        return document["data"]["estado"] in ("aceptado", "pendiente")  # type: ignore[index]
    except (msgspec.DecodeError, KeyError, TypeError):
        return False


# dialect id -> (request builder, success check)
DIALECTS: dict[
    str,
    tuple[Callable[[Mapping[str, Any], int], BenchRequest], Callable[[Answer], bool]],
] = {
    "facepro": (facepro_request, facepro_ok),
}


@dataclass
class BenchResult:
    docs: int
    elapsed_s: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    rss_mb: float = 0.0

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
            f"p99_ms={self.percentile(0.99):.1f} errors={self.errors} rss_mb={self.rss_mb:.1f}"
        )


async def run_http_bench(
    *,
    base_url: str,
    dialect: str,
    credentials: Mapping[str, Any],
    docs: int,
    concurrency: int,
    warmup: int = 32,
    timeout_s: float = 60.0,
    server_pid: int | None = None,
) -> BenchResult:
    """Send ``docs`` documents with ``concurrency`` requests in flight, each on its own
    keep-alive connection; the ``warmup`` first ones (sent concurrently) don't count."""
    build, ok = DIALECTS[dialect]
    connections = [KeepAliveConnection(base_url, timeout_s) for _ in range(max(1, concurrency))]
    idle = asyncio.Queue[KeepAliveConnection]()
    for connection in connections:
        idle.put_nowait(connection)

    async def send(sequence: int) -> tuple[float, bool]:
        request = build(credentials, sequence)
        body = _JSON.encode(request.body)
        headers = {**request.headers, "Content-Type": "application/json"}
        connection = await idle.get()
        started = time.perf_counter()
        try:
            response = await connection.request(request.method, request.path, headers, body)
            success = ok(response)
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
    finally:
        for connection in connections:
            await connection.close()
    result.rss_mb = server_rss_mb(base_url, server_pid)
    return result


_JSON = msgspec.json.Encoder()


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
            return connection.pid
    return None


def register_http(bench_subparsers: argparse._SubParsersAction) -> None:
    """Add ``http`` under ``pasarela bench``."""
    parser = bench_subparsers.add_parser(
        "http", help="issue documents through a running gateway over HTTP"
    )
    parser.add_argument("--dialect", choices=sorted(DIALECTS), default="facepro")
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


def handle_http(args: argparse.Namespace) -> int:
    document = json.loads(args.credentials.read_text(encoding="utf-8"))
    credentials = document.get(args.dialect)
    if not credentials:
        sys.stderr.write(f"{args.credentials} has no credentials for {args.dialect!r}\n")
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
            dialect=args.dialect,
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
