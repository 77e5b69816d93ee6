"""``pasarela simulator``: run the simulated DIAN standalone (load and reliability tests).

Added to the command line by the plugin's ``pasarela_register_commands`` hook.

Point gateways at it with ``PASARELA_SIMULATOR_URL=http://HOST:PORT/WcfDianCustomerServices.svc``
and the same ``PASARELA_DATABASE_URL``: tenants provisioned by any gateway are then known to it.
Fault injection comes from the ``PASARELA_SIM_*`` variables (``simulator_settings``).
"""

from __future__ import annotations

import argparse
import sys

from core.api import Command
from core.settings import Settings

DEFAULT_PORT = 8089


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port")
    parser.set_defaults(func=handle)


COMMAND = Command(
    name="simulator",
    help="serve the DIAN simulator (WcfDianCustomerServices over SOAP 1.2)",
    configure=configure,
)


def main(argv: list[str] | None = None) -> int:
    """``python -m plugins.environments.simulador.command``: the same, without the CLI."""
    parser = argparse.ArgumentParser(prog="pasarela simulator")
    configure(parser)
    args = parser.parse_args(argv)
    return int(args.func(args))


def handle(args: argparse.Namespace) -> int:
    from plugins.environments.simulador.server import serve
    from plugins.environments.simulador.simulator_settings import SimulatorSettings

    settings = Settings.from_env()
    try:
        sim = SimulatorSettings.from_env()
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stderr.write(
        f"simulador DIAN en http://{args.host}:{args.port}/WcfDianCustomerServices.svc\n"
    )
    serve(settings, host=args.host, port=args.port, sim=sim)
    return 0


if __name__ == "__main__":
    sys.exit(main())
