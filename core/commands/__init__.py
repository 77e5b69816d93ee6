"""Subcommands of the ``pasarela`` CLI, one module each (see ``core.cli.COMMAND_MODULES``).

``run_with_context`` is how a command that needs the database does its work: it builds the
same ``AppContext`` the web app uses (settings from the environment), runs one coroutine with
it and closes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.context import AppContext
from core.settings import Settings

T = TypeVar("T")


def run_with_context(
    work: Callable[[AppContext], Awaitable[T]], settings: Settings | None = None
) -> T:
    """``work(ctx)`` on a context built from ``settings`` (default: the environment's); the
    job worker is not started: a command does its own work and exits."""

    async def run() -> T:
        ctx = AppContext.create(settings or Settings.from_env())
        try:
            return await work(ctx)
        finally:
            await ctx.close()

    return asyncio.run(run())
