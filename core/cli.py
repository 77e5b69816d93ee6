"""The ``pasarela`` command line.

Every subcommand is a ``Command`` (``core.contracts``): a name, a help line and
``configure(parser)``, which adds the arguments and binds the handler with
``parser.set_defaults(func=handler)``; a handler is ``handler(args: argparse.Namespace) -> int``
and returns the exit status. Core's commands are listed in ``CORE_COMMANDS`` and core's
benchmarks in ``CORE_BENCHES``; plugins add theirs through the ``pasarela_register_commands``
and ``pasarela_register_benches`` hooks. The parser is built from the installed plugins, so
``PASARELA_DISABLE_PLUGINS`` / ``PASARELA_PLUGINS`` decide which plugin commands exist.

Settings come from the environment (``Settings.from_env``) when a handler runs, never at import.
Results go to stdout; logs go to stderr as JSON lines (``PASARELA_LOG_LEVEL``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pluggy

import core
from core.commands import (
    bench,
    bench_fuzz,
    bench_http,
    bench_soak,
    bench_storage,
    credentials,
    db,
    document,
    habilitacion,
    mount_commands,
    plugins,
    radian,
    schema,
    serve,
    tenants,
    users,
)
from core.contracts import Command
from core.errors import PasarelaError
from core.json_logging import configure_logging
from core.plugins import PluginHooks, get_plugin_manager
from core.settings import Settings

CORE_COMMANDS: tuple[Command, ...] = (
    serve.COMMAND,
    plugins.COMMAND,
    tenants.COMMAND,
    habilitacion.COMMAND,
    credentials.COMMAND,
    users.COMMAND,
    db.COMMAND,
    schema.COMMAND,
    document.COMMAND,
    radian.COMMAND_EVENTS,
    radian.COMMAND_RECEIVED,
)
CORE_BENCHES: tuple[Command, ...] = (
    bench.PIPELINE,
    bench.PDF,
    bench_http.HTTP,
    bench_storage.STORAGE,
    bench_fuzz.FUZZ,
    bench_soak.SOAK,
)


def build_parser(installed: PluginHooks | None = None) -> argparse.ArgumentParser:
    """The parser of core's commands and those of ``installed`` (default: the plugins the
    environment allows). A command name taken twice raises ConfigurationError."""
    installed = installed if installed is not None else get_plugin_manager()
    parser = argparse.ArgumentParser(
        prog="pasarela",
        description="Pasarela: gateway de facturación electrónica DIAN.",
    )
    parser.add_argument("--version", action="version", version=f"pasarela {core.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    benches = [*CORE_BENCHES, *installed.benches()]
    mount_commands(
        subparsers, [*CORE_COMMANDS, bench.bench_command(benches), *installed.commands()]
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; gateway errors become a one-line message on stderr and status 1."""
    try:
        parser = build_parser()
    except (PasarelaError, pluggy.PluginValidationError) as error:
        sys.stderr.write(f"error: {error}\n")  # a broken plugin: say which, no traceback
        return 1
    args = parser.parse_args(argv)
    configure_logging(Settings.from_env().log_level)
    try:
        return int(args.func(args) or 0)
    except PasarelaError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
