"""``pasarela bench soak``: several gateway processes, a faulty DIAN, a killed process — and
nothing lost, nothing twice, no gap in the numbering.

    PASARELA_DATABASE_URL=postgresql://… pasarela bench soak --dialect ID --processes 2 \\
        --docs 400 --kill-one

It migrates the configured database, sets up the demo tenant, starts a standalone simulator
(``pasarela simulator``) answering a share of calls 503 and letting a share time out, and
``--processes`` gateways (``pasarela serve --workers 1``) on the same database and simulator.
It drives ``--docs`` documents of the dialect's bench scenario across them, each with its own
``Idempotency-Key``: a request whose connection fails is re-sent to the next gateway with the
same key, as a careful client does. With ``--kill-one`` the first gateway is killed with
SIGKILL half-way, requests in flight included, and started again. Then it waits until no
document of the run is pending (the retry jobs drained) and reads the outcome from the
database::

    soak sent=<int> accepted=<int> lost=<int> duplicates=<int> gaps=<int> drain_s=<float>

``lost``: requests with no document; ``duplicates``: documents beyond one per request;
``gaps``: numbers skipped inside the run's numbering. The exit status is 0 only when every
request ended in one accepted document with no gap.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from core.clock import now_bogota
from core.commands.bench_http import bench_scenario
from core.commands.serve import set_up_demo
from core.contracts import BenchScenario, Command
from core.model.status import DocumentStatus
from core.plugins import build_registry, get_plugin_manager
from core.settings import Settings
from core.storage.engine import create_engine
from core.storage.migrate import upgrade
from core.storage.tables import DocumentRow, IdempotencyKey

READY_DEADLINE_S = 90.0
SEND_ATTEMPTS = 8


@dataclass
class SoakResult:
    sent: int
    accepted: int
    lost: int
    duplicates: int
    gaps: int
    drain_s: float

    def line(self) -> str:
        return (
            f"soak sent={self.sent} accepted={self.accepted} lost={self.lost} "
            f"duplicates={self.duplicates} gaps={self.gaps} drain_s={self.drain_s:.1f}"
        )

    @property
    def clean(self) -> bool:
        return (self.lost, self.duplicates, self.gaps) == (0, 0, 0) and self.accepted == self.sent


class Process:
    """A ``pasarela`` child process listening on ``port`` (restartable)."""

    def __init__(self, args: list[str], port: int, env: Mapping[str, str], log: Path) -> None:
        self.args, self.port, self.env, self.log = args, port, dict(env), log
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        script = Path(sys.executable).with_name("pasarela")
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                [str(script), *self.args, "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_listening(self) -> None:
        deadline = time.monotonic() + READY_DEADLINE_S
        while time.monotonic() < deadline:
            if self.popen is not None and self.popen.poll() is not None:
                raise RuntimeError(f"{' '.join(self.args)} exited; see {self.log}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{' '.join(self.args)} did not listen on {self.port}; see {self.log}")

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _drive(
    gateways: list[Process],
    scenario: BenchScenario,
    credentials: Mapping[str, Any],
    *,
    docs: int,
    concurrency: int,
    kill_one: bool,
    run: str,
) -> None:
    """Send ``docs`` keyed requests round-robin; a failed one goes to the next gateway."""
    urls = [f"http://127.0.0.1:{g.port}" for g in gateways]
    if scenario.prepare is not None:
        credentials = await scenario.prepare(urls[0], credentials)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for sequence in range(docs):
        queue.put_nowait(sequence)
    sent = 0
    killed = asyncio.Event()

    async with httpx.AsyncClient(timeout=120) as http:

        async def send(sequence: int) -> None:
            request = scenario.request(credentials, sequence)
            headers = {**request.headers, "Idempotency-Key": f"soak-{run}-{sequence}"}
            for attempt in range(SEND_ATTEMPTS):
                url = urls[(sequence + attempt) % len(urls)]
                try:
                    answer = await http.request(
                        request.method, url + request.path, json=request.body, headers=headers
                    )
                except httpx.TransportError:
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                if answer.status_code < 500:
                    return
                await asyncio.sleep(0.2 * (attempt + 1))

        async def worker() -> None:
            nonlocal sent
            while not queue.empty():
                sequence = queue.get_nowait()
                sent += 1
                await send(sequence)

        async def killer() -> None:
            while sent < docs // 2:
                await asyncio.sleep(0.02)
            gateways[0].kill()  # requests in flight on it are cut
            killed.set()
            await asyncio.sleep(0.5)
            await asyncio.to_thread(_restart, gateways[0])

        tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
        if kill_one:
            tasks.append(asyncio.create_task(killer()))
        await asyncio.gather(*tasks)


def _restart(process: Process) -> None:
    process.start()
    process.wait_listening()


async def _outcome(database_url: str, run: str, started: Any) -> dict[str, Any]:
    """Counts of the run's documents and keys, read from the database."""
    engine = create_engine(database_url)
    documents, keys = DocumentRow.__table__, IdempotencyKey.__table__
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(documents.c.prefix, documents.c.number, documents.c.status).where(
                        documents.c.created_at >= started
                    )
                )
            ).all()
            keyed = (
                await conn.execute(
                    select(func.count()).select_from(keys).where(keys.c.key.like(f"soak-{run}-%"))
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    by_prefix: dict[str, list[int]] = {}
    for row in rows:
        if row.number is not None:
            by_prefix.setdefault(row.prefix, []).append(row.number)
    gaps = sum(max(n) - min(n) + 1 - len(set(n)) for n in by_prefix.values())
    return {
        "documents": len(rows),
        "keys": keyed,
        "pending": sum(1 for r in rows if r.status == DocumentStatus.PENDING.value),
        "accepted": sum(1 for r in rows if r.status == DocumentStatus.ACCEPTED.value),
        "gaps": gaps,
    }


def soak(args: argparse.Namespace) -> SoakResult:
    settings = Settings.from_env()
    registry = build_registry(get_plugin_manager(env=settings.plugin_selection))
    upgrade(settings.database_url, registry.migrations)
    dialect_id, scenario = bench_scenario(args.dialect)
    workdir = Path(args.workdir or ".").resolve()
    credentials_path = workdir / "soak-credentials.json"
    asyncio.run(set_up_demo(settings, credentials_path))
    document = json.loads(credentials_path.read_text(encoding="utf-8"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PASARELA_SIM_")}
    base_env |= {
        "PASARELA_DATABASE_URL": settings.database_url,
        "PASARELA_SECRET_KEY_FILE": str(Path(settings.secret_key_file).resolve()),
    }
    simulator_port = _free_port()
    simulator = Process(
        ["simulator"],
        simulator_port,
        base_env
        | {
            "PASARELA_SIM_FAIL_503": str(args.fail_503),
            "PASARELA_SIM_FAIL_TIMEOUT": str(args.fail_timeout),
            "PASARELA_SIM_HANG_S": str(args.dian_timeout * 2),
            "PASARELA_SIM_SEED": "20261205",
        },
        workdir / "soak-simulator.log",
    )
    gateway_env = base_env | {
        "PASARELA_SIMULATOR_URL": f"http://127.0.0.1:{simulator_port}/WcfDianCustomerServices.svc",
        "PASARELA_DIAN_TIMEOUT": str(args.dian_timeout),
        "PASARELA_RETRY_INTERVAL": "0.2",
        "PASARELA_RETRY_MAX_BACKOFF": "2",
        "PASARELA_JOB_LEASE": str(max(args.dian_timeout * 2, 3.0)),
    }
    gateways = []
    for index in range(args.processes):
        port = _free_port()
        env = gateway_env | {"PASARELA_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        gateways.append(
            Process(["serve", "--workers", "1"], port, env, workdir / f"soak-gateway-{index}.log")
        )
    run = secrets.token_hex(4)
    started = now_bogota()
    try:
        for process in (simulator, *gateways):
            process.start()
        for process in (simulator, *gateways):
            process.wait_listening()
        asyncio.run(
            _drive(
                gateways,
                scenario,
                document[dialect_id],
                docs=args.docs,
                concurrency=args.concurrency,
                kill_one=args.kill_one,
                run=run,
            )
        )
        sent_at = time.monotonic()
        deadline = sent_at + args.drain_timeout
        while True:
            outcome = asyncio.run(_outcome(settings.database_url, run, started))
            if outcome["pending"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        drain_s = time.monotonic() - sent_at
    finally:
        for process in (*gateways, simulator):
            process.stop()
    return SoakResult(
        sent=args.docs,
        accepted=outcome["accepted"],
        lost=args.docs - outcome["keys"],
        duplicates=outcome["documents"] - outcome["keys"],
        gaps=outcome["gaps"],
        drain_s=drain_s,
    )


def configure_soak(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dialect", help="dialect id (default: the only one with a bench)")
    parser.add_argument("--processes", type=int, default=2, help="gateway processes")
    parser.add_argument("--docs", type=int, default=200, help="documents to issue")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--kill-one", action="store_true", help="SIGKILL a gateway half-way")
    parser.add_argument("--fail-503", type=float, default=0.2, help="share of DIAN 503s")
    parser.add_argument("--fail-timeout", type=float, default=0.1, help="share of DIAN timeouts")
    parser.add_argument("--dian-timeout", type=float, default=2.0, help="gateway's DIAN timeout")
    parser.add_argument("--drain-timeout", type=float, default=300.0, help="seconds to drain")
    parser.add_argument("--workdir", help="where logs and the credentials file go (default: .)")
    parser.set_defaults(func=handle_soak)


def handle_soak(args: argparse.Namespace) -> int:
    if args.processes < 1 or args.docs < 1 or args.concurrency < 1:
        sys.stderr.write("--processes, --docs and --concurrency must be at least 1\n")
        return 2
    result = soak(args)
    sys.stdout.write(result.line() + "\n")
    return 0 if result.clean else 1


SOAK = Command(
    name="soak",
    help="gateways on one database, a faulty DIAN, a killed process: count what was lost",
    configure=configure_soak,
)
