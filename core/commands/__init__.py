"""Subcommands of the ``pasarela`` CLI, one module each (see ``core.cli.CORE_COMMANDS``).

``mount_commands`` adds ``Command``s (core's and plugins') under a parser.
``run_with_context`` is how a command that needs the database does its work: it builds the
same ``AppContext`` the web app uses (settings from the environment), runs one coroutine with
it and closes it.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from core.context import AppContext
from core.contracts import Command
from core.errors import ConfigurationError
from core.settings import Settings

T = TypeVar("T")


def run_with_context(
    work: Callable[[AppContext], Awaitable[T]], settings: Settings | None = None
) -> T:
    """``work(ctx)`` on a context built from ``settings`` (default: the environment's); the
    job worker is not started: a command does its own work and exits. A secret key that cannot
    open the database's secrets is refused first (``ConfigurationError``)."""

    async def run() -> T:
        ctx = AppContext.create(settings or Settings.from_env())
        try:
            await ctx.verify_secret_key()
            return await work(ctx)
        finally:
            await ctx.close()

    return asyncio.run(run())


def mount_commands(subparsers: argparse._SubParsersAction, commands: Iterable[Command]) -> None:
    """One parser per command, named and described by it; a name taken twice is an error."""
    for command in commands:
        if command.name in subparsers.choices:
            raise ConfigurationError(
                f"duplicate command name {command.name!r}: registered twice by plugins"
            )
        parser = subparsers.add_parser(command.name, help=command.help, description=command.help)
        command.configure(parser)
