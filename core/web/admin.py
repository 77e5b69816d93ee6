"""The gateway's own routes under ``/-/``: health, metrics and the plugin listing."""

from __future__ import annotations

import msgspec
from litestar import Response, Router, get

import core
from core.inventory import Installation, describe_installation
from core.metrics import exposition
from core.web.context import InjectedContext


class Health(msgspec.Struct, frozen=True, kw_only=True):
    status: str  # "ok" or "degradado"
    version: str
    database: bool


@get("/health", summary="Estado del gateway")
async def health(ctx: InjectedContext) -> Response[Health]:
    """200 when the database answers, 503 otherwise (load balancers read the status code)."""
    database = await ctx.database_reachable()
    body = Health(
        status="ok" if database else "degradado", version=core.__version__, database=database
    )
    return Response(body, status_code=200 if database else 503)


@get("/metrics", summary="Métricas Prometheus", include_in_schema=False)
async def metrics(ctx: InjectedContext) -> Response[bytes]:
    """Every process's counters (multi-process aware) and the queue depth, in Prometheus'
    text format (``core.metrics``)."""
    body, media_type = exposition(await ctx.jobs.queued_by_kind())
    return Response(body, media_type=media_type)


@get("/plugins", summary="Plugins instalados")
async def plugins(ctx: InjectedContext) -> Installation:
    return describe_installation(ctx.plugin_manager, ctx.registry)


admin_router = Router(path="/-", route_handlers=[health, metrics, plugins], tags=["gateway"])
