"""The web app: ``create_app(settings)`` serves the gateway built by ``AppContext.create``.

Settings are read by the caller (``Settings.from_env()``) and handed in; nothing is read at
import time. ``PasarelaPlugin`` mounts the context on Litestar so an embedding application can
also add it to its own Litestar app.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins import InitPluginProtocol

import core
from core.context import AppContext
from core.json_logging import configure_logging
from core.plugins import PluginHooks
from core.settings import Settings
from core.web.admin import admin_router
from core.web.audit import RequestAuditMiddleware
from core.web.context import InjectedContext
from core.web.errors import default_exception_handlers


class PasarelaPlugin(InitPluginProtocol):
    """Mounts admin and dialect routes, DI (``ctx``), middleware, error handlers, lifespan."""

    def __init__(self, ctx: AppContext, *, freeze_gc_on_start: bool = False) -> None:
        self.ctx = ctx
        self.freeze_gc_on_start = freeze_gc_on_start

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        ctx = self.ctx
        app_config.route_handlers.append(admin_router)
        dialects = sorted(ctx.registry.dialects, key=lambda d: d.id)
        for dialect in dialects:
            app_config.route_handlers.append(
                Router(
                    path="/",
                    route_handlers=list(dialect.route_handlers),
                    request_max_body_size=dialect.limits.max_body_bytes,
                )
            )
        app_config.dependencies["ctx"] = Provide(lambda: ctx, use_cache=True, sync_to_thread=False)
        app_config.dependencies["documents"] = Provide(
            lambda: ctx.documents, use_cache=True, sync_to_thread=False
        )
        app_config.dependencies["attachments"] = Provide(
            lambda: ctx.attachments, use_cache=True, sync_to_thread=False
        )
        app_config.dependencies["pdfs"] = Provide(
            lambda: ctx.pdfs, use_cache=True, sync_to_thread=False
        )
        app_config.dependencies["deliveries"] = Provide(
            lambda: ctx.deliveries, use_cache=True, sync_to_thread=False
        )
        app_config.dependencies["contingency"] = Provide(
            lambda: ctx.contingency, use_cache=True, sync_to_thread=False
        )
        app_config.dependencies["events"] = Provide(
            lambda: ctx.events, use_cache=True, sync_to_thread=False
        )
        app_config.dependencies["received"] = Provide(
            lambda: ctx.received, use_cache=True, sync_to_thread=False
        )
        app_config.signature_namespace.update(
            {"AppContext": AppContext, "InjectedContext": InjectedContext}
        )
        app_config.middleware.append(RequestAuditMiddleware())
        app_config.exception_handlers = {
            **default_exception_handlers(dialects),
            **app_config.exception_handlers,
        }
        app_config.state["ctx"] = ctx
        app_config.lifespan.append(self._lifespan)
        return app_config

    @asynccontextmanager
    async def _lifespan(self, _app: Litestar) -> AsyncIterator[None]:
        await self.ctx.start()
        if self.freeze_gc_on_start:
            # Everything imported and built so far lives as long as the process: keep it out
            # of the cyclic collector, whose full passes over it stalled a worker for ~100 ms.
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await self.ctx.close()


def create_app(
    settings: Settings,
    *,
    plugin_manager: PluginHooks | None = None,
    serving: bool = False,
) -> Litestar:
    """The gateway app for ``settings``; ``plugin_manager`` defaults to the installed plugins.
    ``serving``: this process exists to serve the app (``pasarela serve``), so its start-up
    objects are frozen out of the garbage collector once it has started."""
    ctx = AppContext.create(settings, plugin_manager=plugin_manager)
    return Litestar(
        plugins=[PasarelaPlugin(ctx, freeze_gc_on_start=serving)],
        logging_config=None,
        openapi_config=OpenAPIConfig(title="Pasarela", version=core.__version__),
    )


def create_app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory`` (multi-worker serve): settings from the environment."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return create_app(settings, serving=True)
