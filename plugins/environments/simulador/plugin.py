"""Registers the ``simulador`` environment: a simulated DIAN the gateway can run itself, with
its command ``pasarela simulator`` and its benchmark ``pasarela bench simulator``.

With ``PASARELA_SIMULATOR_URL`` set, documents go to that standalone simulator
(``pasarela simulator``); without it the simulator runs inside the gateway process and is
reached through an in-process ASGI transport (no socket). Either way its state lives in the
database, so every gateway process sees the same simulated DIAN; its tables come from its own
migration tree (``migrations/``), applied with the gateway's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Litestar

from core.api import Command, Environment, MigrationTree, Provisioning, hookimpl
from core.settings import Settings
from plugins.environments.simulador.app import SERVICE_PATH, create_simulator_app
from plugins.environments.simulador.application_response import (
    QR_BASE_HABILITACION,
    QR_BASE_PRODUCCION,
)
from plugins.environments.simulador.bench import BENCH
from plugins.environments.simulador.command import COMMAND
from plugins.environments.simulador.store import SimulatorStore
from plugins.environments.simulador.transport import InProcessTransport

IN_PROCESS_URL = f"http://simulador.pasarela{SERVICE_PATH}"

_apps: dict[str, Litestar] = {}


def in_process_app(settings: Settings) -> Litestar:
    """One simulator app per database URL in this process (created on first use)."""
    app = _apps.get(settings.database_url)
    if app is None:
        app = _apps[settings.database_url] = create_simulator_app(settings)
    return app


def connect(settings: Settings) -> tuple[str, Any]:
    """(SOAP URL, transport): the standalone simulator's URL, or the in-process app."""
    if settings.simulator_url:
        url = settings.simulator_url.rstrip("/")
        return (url if url.endswith(".svc") else url + SERVICE_PATH), None
    return IN_PROCESS_URL, InProcessTransport(in_process_app(settings).state.soap_endpoint)


async def provision(settings: Settings, provisioning: Provisioning) -> None:
    """Fill the simulated portal: company, software, ranges with keys, trusted certificate.
    The in-process simulator forgets what it cached about the company (its ranges change
    when the company moves between simulated habilitación and producción)."""
    store = SimulatorStore(settings.database_url)
    try:
        await store.register(provisioning)
    finally:
        await store.dispose()
    app = _apps.get(settings.database_url)
    if app is not None:
        app.state.simulated_dian.forget_issuer(provisioning.tenant.nit)


SIMULADOR = Environment(
    id="simulador",
    title="Simulador DIAN de Pasarela (habilitación)",
    profile_execution_id="2",
    soap_url=None,
    qr_base_url=QR_BASE_HABILITACION,
    test_set_flow=False,
    production="simulador_produccion",
    provision=provision,
    connect=connect,
)

# The same simulated DIAN standing in for producción: documents carry ProfileExecutionID 1
# and the production QR base; it refuses them from software whose test set is not accepted.
SIMULADOR_PRODUCCION = Environment(
    id="simulador_produccion",
    title="Simulador DIAN de Pasarela (producción)",
    profile_execution_id="1",
    soap_url=None,
    qr_base_url=QR_BASE_PRODUCCION,
    provision=provision,
    connect=connect,
)


MIGRATIONS = MigrationTree(name="simulador", location="plugins.environments.simulador:migrations")


@hookimpl
def pasarela_register_environments(register) -> None:  # type: ignore[no-untyped-def]
    register(SIMULADOR)
    register(SIMULADOR_PRODUCCION)


@hookimpl
def pasarela_register_migrations(register) -> None:  # type: ignore[no-untyped-def]
    register(MIGRATIONS)


@hookimpl
def pasarela_register_commands(register: Callable[[Command], None]) -> None:
    register(COMMAND)


@hookimpl
def pasarela_register_benches(register: Callable[[Command], None]) -> None:
    register(BENCH)
