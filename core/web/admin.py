"""The gateway's own routes under ``/-/``: health, the plugin listing, and a company's
readiness for the operator (``Authorization: Bearer $PASARELA_OPERATOR_TOKEN``)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, Router, get
from litestar.params import FromPath

import core
from core.errors import AuthenticationFailed
from core.inventory import Installation, describe_installation
from core.tenancy.readiness import Readiness, tenant_readiness
from core.web.auth import bearer_token
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


@get("/plugins", summary="Plugins instalados")
async def plugins(ctx: InjectedContext) -> Installation:
    return describe_installation(ctx.plugin_manager, ctx.registry)


@get("/tenants/{tenant:str}/readiness", summary="Preparación de una empresa (operador)")
async def readiness(
    request: Request[Any, Any, Any], ctx: InjectedContext, tenant: FromPath[str]
) -> Readiness:
    """Certificate and resolutions' days left, numbers left per range, warnings (30 days, 10 %
    of the numbers) and what blocks issuing; ``tenant`` is a NIT or uuid."""
    if not ctx.settings.is_operator_token(bearer_token(request)):
        raise AuthenticationFailed("token de operador inválido")
    return await tenant_readiness(ctx.tenants, ctx.ranges, tenant.strip())


admin_router = Router(path="/-", route_handlers=[health, plugins, readiness], tags=["gateway"])
