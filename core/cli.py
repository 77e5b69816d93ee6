"""The ``pasarela`` command line.

Each subcommand lives in its own module, listed in ``COMMAND_MODULES``. A command module
exposes ``register(subparsers) -> None``, which adds its parser and binds the handler with
``parser.set_defaults(func=handler)``; a handler is ``handler(args: argparse.Namespace) -> int``
and returns the exit status. To add a command (document rendering, bench, simulator ...), write
``core/commands/<name>.py`` with that ``register`` function and append its dotted path to
``COMMAND_MODULES``; nothing else changes.

Settings come from the environment (``Settings.from_env``) when a handler runs, never at import.
Results go to stdout; logs go to stderr as JSON lines (``PASARELA_LOG_LEVEL``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from collections.abc import Sequence

import core
from core.errors import PasarelaError
from core.json_logging import configure_logging
from core.settings import Settings

PLUGIN_COMMANDS_GROUP = "pasarela.commands"

COMMAND_MODULES: list[str] = [
    "core.commands.serve",
    "core.commands.plugins",
    "core.commands.tenants",
    "core.commands.credentials",
    "core.commands.db",
    "core.commands.schema",
    "core.commands.document",
    "core.commands.bench",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pasarela",
        description="Pasarela: gateway de facturación electrónica DIAN.",
    )
    parser.add_argument("--version", action="version", version=f"pasarela {core.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for dotted in COMMAND_MODULES:
        importlib.import_module(dotted).register(subparsers)
    # Plugins add commands the same way, listed under the entry-point group
    # "pasarela.commands" (e.g. ``simulator``); core never imports plugins by name.
    for entry_point in importlib.metadata.entry_points(group=PLUGIN_COMMANDS_GROUP):
        entry_point.load().register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; gateway errors become a one-line message on stderr and status 1."""
    args = build_parser().parse_args(argv)
    configure_logging(Settings.from_env().log_level)
    try:
        return int(args.func(args) or 0)
    except PasarelaError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
