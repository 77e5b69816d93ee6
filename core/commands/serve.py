"""``pasarela serve``: migrate the database (core's and every installed plugin's migration
trees), optionally set up the demo tenant, run uvicorn.

By default there is one worker process per CPU core this process may run on
(``default_workers``); ``--workers N`` overrides it. With N > 1 uvicorn starts N processes,
each building its app from the environment through ``core.web.app:create_app_from_env``; the
command exports
``PASARELA_PUBLIC_URL`` first (when unset) so every worker agrees on it, and
``PROMETHEUS_MULTIPROC_DIR`` (a fresh directory when unset) so ``/-/metrics`` in any worker
adds up every worker's counters.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from core.context import AppContext
from core.contracts import Command
from core.demo import credentials_document, ensure_demo, write_credentials_file
from core.metrics import MULTIPROCESS_DIR_ENV
from core.plugins import build_registry, get_plugin_manager
from core.settings import Settings
from core.storage.migrate import upgrade
from core.web.app import create_app

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        help="uvicorn worker processes (default: one per CPU core available)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="create (or complete) the demo tenant and issue credentials for every dialect",
    )
    parser.add_argument(
        "--credentials-out",
        type=Path,
        help="with --demo: write the demo credentials JSON here (default: stdout)",
    )
    parser.set_defaults(func=handle)


COMMAND = Command(name="serve", help="run the gateway", configure=configure)


def default_workers() -> int:
    """One worker per CPU core this process may run on (its affinity, else the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def public_url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


async def verify_secret_key(settings: Settings) -> None:
    """Refuse to serve with a secret key that cannot open the database's secrets: the
    command exits with the message naming the setting, before uvicorn starts."""
    ctx = AppContext.create(settings)
    try:
        await ctx.verify_secret_key()
    finally:
        await ctx.close()


async def set_up_demo(settings: Settings, credentials_out: Path | None) -> None:
    ctx = AppContext.create(settings)
    try:
        await ctx.verify_secret_key()
        setup = await ensure_demo(ctx, portal_accounts=True)
        document = credentials_document(ctx, setup, settings.public_url)
    finally:
        await ctx.close()
    if credentials_out is None:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        write_credentials_file(credentials_out, document)
    log.info(
        "demo tenant ready",
        extra={
            "nit": setup.tenant.nit,
            "dialects": sorted(setup.credentials),
            "credentials_out": str(credentials_out) if credentials_out else "stdout",
        },
    )


@contextlib.contextmanager
def multiprocess_metrics_directory() -> Iterator[Path]:
    """The directory where worker processes write their metric values: the operator's
    ``PROMETHEUS_MULTIPROC_DIR`` (emptied of a previous run's files, as prometheus-client
    requires) or a fresh one, removed afterwards. Exported before the workers start."""
    given = os.environ.get(MULTIPROCESS_DIR_ENV)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        yield directory
        return
    directory = Path(tempfile.mkdtemp(prefix="pasarela-metrics-"))
    os.environ[MULTIPROCESS_DIR_ENV] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROCESS_DIR_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


def handle(args: argparse.Namespace) -> int:
    if args.credentials_out is not None and not args.demo:
        sys.stderr.write("--credentials-out only applies with --demo\n")
        return 2
    workers = default_workers() if args.workers is None else args.workers
    if workers < 1:
        sys.stderr.write("--workers must be at least 1\n")
        return 2
    if not os.environ.get("PASARELA_PUBLIC_URL"):
        os.environ["PASARELA_PUBLIC_URL"] = public_url_for(args.host, args.port)
    settings = Settings.from_env()
    upgrade(
        settings.database_url,
        build_registry(get_plugin_manager(env=settings.plugin_selection)).migrations,
    )
    if args.demo:
        asyncio.run(set_up_demo(settings, args.credentials_out))
    else:
        asyncio.run(verify_secret_key(settings))
    options = {"host": args.host, "port": args.port, "log_config": None, "access_log": False}
    if workers > 1:
        with multiprocess_metrics_directory():
            uvicorn.run(
                "core.web.app:create_app_from_env", factory=True, workers=workers, **options
            )
    else:
        uvicorn.run(create_app(settings, serving=True), **options)
    return 0
