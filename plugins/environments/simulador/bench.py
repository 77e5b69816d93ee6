"""``pasarela bench simulator``: how many SendBillSync calls a standalone simulator validates.

Added under ``pasarela bench`` by the plugin's ``pasarela_register_benches`` hook.

Starts ``pasarela simulator`` in a child process on a free port with a fresh SQLite database
(or uses ``--url`` with the ``PASARELA_DATABASE_URL`` that simulator shares), registers an
issuer, prepares ``--docs`` signed invoices with the gateway's pipeline beforehand, then sends
them with ``--concurrency`` calls in flight through ``DianClient`` (WS-Security included).
The last line is machine-readable::

    simulator docs_per_s=<float> p50_ms=<float> p99_ms=<float> errors=<int>
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from core.api import Command
from core.dian.client import DianClient
from core.settings import Settings
from plugins.environments.simulador.app import SERVICE_PATH
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer
from plugins.environments.simulador.server import free_port
from plugins.environments.simulador.store import SimulatorStore

START_TIMEOUT_S = 30.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--docs", type=int, default=200, help="documents to send")
    parser.add_argument("--concurrency", type=int, default=8, help="calls in flight")
    parser.add_argument("--url", help="a running simulator (default: start one)")
    parser.set_defaults(func=handle)


BENCH = Command(
    name="simulator", help="SendBillSync throughput of the DIAN simulator", configure=configure
)


def handle(args: argparse.Namespace) -> int:
    if args.docs < 1 or args.concurrency < 1:
        sys.stderr.write("--docs y --concurrency deben ser mayores que cero\n")
        return 2
    settings = Settings.from_env()
    for noisy in ("httpx", "core.dian.client"):  # one log line per call would drown the result
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="pasarela-bench-") as tmp:
        if args.url:
            result = asyncio.run(run_bench(args.url, settings, args.docs, args.concurrency))
        else:
            # a scratch database with a scratch secret key, shared with the child process
            settings = Settings.from_env(
                database_url=f"sqlite:///{Path(tmp) / 'simulador.db'}",
                secret_key=secrets.token_urlsafe(32),
            )
            with standalone_simulator(settings) as url:
                result = asyncio.run(run_bench(url, settings, args.docs, args.concurrency))
    docs_per_s, p50, p99, errors = result
    sys.stdout.write(
        f"simulator docs_per_s={docs_per_s:.1f} p50_ms={p50:.1f} p99_ms={p99:.1f} errors={errors}\n"
    )
    return 0


@contextlib.contextmanager
def standalone_simulator(settings: Settings) -> Iterator[str]:
    """The simulator in a child process, so client and server do not share a GIL."""
    port = free_port()
    env = dict(os.environ)
    env["PASARELA_DATABASE_URL"] = settings.database_url
    if settings.secret_key:
        env["PASARELA_SECRET_KEY"] = settings.secret_key
    env["PASARELA_SECRET_KEY_FILE"] = settings.secret_key_file
    env.setdefault("PASARELA_LOG_LEVEL", "WARNING")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "plugins.environments.simulador.command",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}{SERVICE_PATH}"
    try:
        _wait_until_up(url, child)
        yield url
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def _wait_until_up(url: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError("el simulador terminó al iniciar")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("el simulador no respondió a tiempo")


async def run_bench(
    url: str, settings: Settings, docs: int, concurrency: int
) -> tuple[float, float, float, int]:
    """Send ``docs`` prepared invoices; returns (docs/s, p50 ms, p99 ms, errors)."""
    issuer = sample_issuer(nit=str(900000000 + int(time.time()) % 99999))
    store = SimulatorStore.for_settings(settings)
    try:
        await store.register(issuer.provisioning())
    finally:
        await store.dispose()
    first = issuer.invoices.from_number + 1
    prepared = [prepare_sample(issuer, "01", first + i) for i in range(docs + 1)]
    warmup, prepared = prepared[0], prepared[1:]  # the simulator's first call sets it up

    timings: list[float] = []
    errors = 0
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        client = DianClient(url, issuer.identity, http=http)

        async def send(document) -> None:  # type: ignore[no-untyped-def]
            nonlocal errors
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.send_bill_sync(document.zip_name, document.zip)
                    ok = response.status_code == "00"
                except Exception:
                    ok = False
                timings.append((time.perf_counter() - started) * 1000)
                errors += not ok

        await client.send_bill_sync(warmup.zip_name, warmup.zip)
        started = time.perf_counter()
        await asyncio.gather(*(send(d) for d in prepared))
        elapsed = time.perf_counter() - started
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return docs / elapsed, statistics.median(ordered), p99, errors
