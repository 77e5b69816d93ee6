"""How route handlers receive the application context (``core.context.AppContext``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from core.context import AppContext

InjectedContext = NamedDependency[AppContext]
"""Annotate a handler parameter named ``ctx`` with this to receive the ``AppContext``."""
