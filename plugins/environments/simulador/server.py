"""Run the simulator on a real socket: uvicorn in a background thread, or standalone.

``running_simulator`` is what tests and fixtures use to talk to the simulator over TCP exactly
as the gateway talks to DIAN; ``serve`` is the blocking entry of ``pasarela simulator``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from litestar import Litestar

from core.plugins import build_registry, get_plugin_manager
from core.settings import Settings
from core.storage.migrate import upgrade
from plugins.environments.simulador.app import SERVICE_PATH, create_simulator_app
from plugins.environments.simulador.simulator_settings import SimulatorSettings


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def migrate_database(settings: Settings) -> None:
    """Apply core's and every installed plugin's migrations, as ``pasarela serve`` does: the
    standalone simulator may be the first process to touch its database."""
    upgrade(
        settings.database_url,
        build_registry(get_plugin_manager(env=settings.plugin_selection)).migrations,
    )


@contextlib.contextmanager
def running_simulator(
    settings: Settings,
    sim: SimulatorSettings | None = None,
    *,
    host: str = "127.0.0.1",
    app: Litestar | None = None,
) -> Iterator[str]:
    """Serve the simulator on a free port in a daemon thread; yields its SOAP URL."""
    port = free_port(host)
    config = uvicorn.Config(
        app or create_simulator_app(settings, sim or SimulatorSettings()),
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="simulador-dian", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("el simulador no pudo iniciar")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}{SERVICE_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serve(
    settings: Settings, *, host: str, port: int, sim: SimulatorSettings | None = None
) -> None:
    """Blocking: migrate the database, then serve the simulator until interrupted."""
    migrate_database(settings)
    app = create_simulator_app(settings, sim)
    uvicorn.run(
        app, host=host, port=port, log_level=settings.log_level.lower(), timeout_graceful_shutdown=2
    )
