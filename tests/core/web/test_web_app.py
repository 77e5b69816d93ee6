"""The composition root against the real app: admin routes, DI, dialect mounting, audit, errors."""

from __future__ import annotations

import asyncio
import importlib.metadata
import socket
import types

import pluggy
import pytest
from litestar import Request, get
from litestar.params import FromQuery
from litestar.testing import AsyncTestClient
from sqlalchemy import select

import core
from core.api import Dialect, Problem, ValidationFailed, hookimpl
from core.context import AppContext
from core.demo import ensure_demo
from core.plugins import get_plugin_manager
from core.settings import Settings
from core.storage.tables import AuditEntry
from core.testing import make_test_settings
from core.web import InjectedContext, create_app, mark_authenticated

INTERNAL_SECRET = "detalle-interno-que-no-debe-salir"


@get("/prueba/contexto")
async def context_route(ctx: InjectedContext) -> dict[str, str]:
    return {
        "public_url": ctx.settings.public_url,
        "dialects": ",".join(ctx.registry.dialects.ids()),
    }


@get("/prueba/falla")
async def failing_route() -> None:
    raise RuntimeError(INTERNAL_SECRET)


@get("/prueba/invalido")
async def invalid_route() -> None:
    raise ValidationFailed(
        [Problem(path="lines[0].quantity", message="Debe ser positiva", rule="FAV02")]
    )


@get("/prueba/autenticado")
async def authenticated_route(request: Request, tenant: FromQuery[int]) -> dict[str, int]:
    tenant_id = tenant
    mark_authenticated(request, tenant_id=tenant_id, credential_id=7, dialect="prueba")
    return {"tenant": tenant_id}


@hookimpl
def pasarela_register_dialects(register):
    register(
        Dialect(
            id="prueba",
            title="API de prueba",
            route_handlers=[context_route, failing_route, invalid_route, authenticated_route],
        )
    )


TEST_DIALECT = types.SimpleNamespace(pasarela_register_dialects=pasarela_register_dialects)


@pytest.fixture
def plugin_manager() -> pluggy.PluginManager:
    return get_plugin_manager(extra_plugins=[TEST_DIALECT])


async def test_health_reports_version_and_database(client):
    response = await client.get("/-/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": core.__version__, "database": True}


async def test_health_is_503_when_the_database_is_unreachable():
    unused_port = free_tcp_port()  # nothing listens there: connections are refused at once
    settings = Settings(
        database_url=f"postgresql://pasarela@127.0.0.1:{unused_port}/x", secret_key="k"
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/-/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degradado",
        "version": core.__version__,
        "database": False,
    }


def free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_plugins_lists_builtins_and_what_they_registered(client):
    body = (await client.get("/-/plugins")).json()
    names = {p["name"]: p for p in body["plugins"]}
    dist = importlib.metadata.distribution("pasarela")
    for ep in (ep for ep in dist.entry_points if ep.group == "pasarela"):
        assert names[ep.name]["distribution"] == "pasarela"
        assert names[ep.name]["version"] == dist.version
        assert names[ep.name]["hooks"]
    assert {"id": "prueba", "title": "API de prueba", "version": "1", "bench": False} in body[
        "dialects"
    ]
    assert set(body) == {
        "plugins",
        "dialects",
        "environments",
        "document_types",
        "commands",
        "benches",
    }
    simulador = names["simulador"]["hooks"]
    assert {"pasarela_register_commands", "pasarela_register_benches"} <= set(simulador)
    assert "simulator" in [command["name"] for command in body["commands"]]
    assert "simulator" in [bench["name"] for bench in body["benches"]]


async def test_dialect_routes_are_mounted_and_get_the_context(client, settings):
    response = await client.get("/prueba/contexto")
    assert response.status_code == 200
    assert response.json()["public_url"] == settings.public_url
    assert "prueba" in response.json()["dialects"].split(",")


async def test_context_is_app_state_and_has_the_service_slots(app, ctx):
    assert app.state.ctx is ctx
    assert ctx.tenants is not None
    assert isinstance(ctx.on_startup, list) and isinstance(ctx.on_shutdown, list)
    assert hasattr(ctx, "documents")


async def test_startup_and_shutdown_hooks_run_in_order(settings):
    app = create_app(settings)
    ctx: AppContext = app.state.ctx
    seen: list[str] = []

    async def first(c: AppContext) -> None:
        assert c is ctx
        seen.append("start-1")

    async def second(c: AppContext) -> None:
        seen.append("start-2")

    async def stop_first(c: AppContext) -> None:
        seen.append("stop-1")

    async def stop_second(c: AppContext) -> None:
        seen.append("stop-2")
        raise RuntimeError("a failing shutdown hook does not stop the others")

    ctx.on_startup += [first, second]
    ctx.on_shutdown += [stop_first, stop_second]
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/-/health")).status_code == 200
        assert seen == ["start-1", "start-2"]
    assert seen == ["start-1", "start-2", "stop-2", "stop-1"]


async def test_unexpected_exception_is_a_json_500_without_internals(client):
    response = await client.get("/prueba/falla")
    assert response.status_code == 500
    body = response.json()
    assert body["status_code"] == 500
    assert body["detail"] == "Error interno del servidor"
    assert len(body["reference"]) == 32
    assert INTERNAL_SECRET not in response.text
    assert "Traceback" not in response.text


async def test_core_errors_have_a_default_json_shape(client):
    response = await client.get("/prueba/invalido")
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "path": "lines[0].quantity",
            "message": "Debe ser positiva",
            "rule": "FAV02",
            "severity": "error",
        }
    ]


async def test_unknown_route_is_a_json_404(client):
    response = await client.get("/no/existe")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_authenticated_request_is_audited(client, ctx, demo_tenant):
    tenant_id = demo_tenant.tenant.id
    before = await ctx.audit.count(tenant_id)
    response = await client.get(f"/prueba/autenticado?tenant={tenant_id}")
    assert response.status_code == 200
    assert await ctx.audit.count(tenant_id) == before + 1
    async with ctx.sessionmaker() as session:
        entry = (
            await session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        ).one()
    assert (entry.tenant_id, entry.credential_id, entry.dialect) == (tenant_id, 7, "prueba")
    assert (entry.method, entry.path, entry.status_code) == ("GET", "/prueba/autenticado", 200)
    assert entry.duration_ms >= 0


async def test_unauthenticated_request_is_not_audited(client, ctx, demo_tenant):
    before = await ctx.audit.count(demo_tenant.tenant.id)
    assert (await client.get("/-/health")).status_code == 200
    assert await ctx.audit.count(demo_tenant.tenant.id) == before


async def test_settings_are_read_when_the_app_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("PASARELA_PUBLIC_URL", "http://leido-al-crear.test")
    settings = make_test_settings(tmp_path, public_url=Settings.from_env().public_url)
    app = create_app(settings, plugin_manager=get_plugin_manager(extra_plugins=[TEST_DIALECT]))
    monkeypatch.setenv("PASARELA_PUBLIC_URL", "http://cambiado-despues.test")
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/prueba/contexto")
    assert response.json()["public_url"] == "http://leido-al-crear.test"


async def test_app_and_demo_on_postgresql(postgres_url, tmp_path):
    settings = make_test_settings(tmp_path, database_url=postgres_url)
    app = create_app(settings)
    ctx: AppContext = app.state.ctx
    first = await ensure_demo(ctx)
    again = await ensure_demo(ctx)
    assert again.tenant.id == first.tenant.id
    assert again.tenant.certificate == first.tenant.certificate
    # AsyncTestClient runs the app in its own event loop; asyncpg connections belong to one loop.
    await ctx.engine.dispose()
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/-/health")).json()["database"] is True
        plugins = (await client.get("/-/plugins")).json()
    assert {d["id"] for d in plugins["dialects"]} == set(again.credentials)


@get("/prueba/lenta")
async def slow_route() -> dict[str, str]:
    await asyncio.sleep(5)
    return {"listo": "sí"}


async def test_a_request_past_its_deadline_is_answered_504(tmp_path):
    """PASARELA_REQUEST_TIMEOUT cancels a request that takes too long: 504 in the error shape
    of its path, no traceback; a quick request on the same app is unaffected."""

    @hookimpl
    def pasarela_register_dialects(register):
        register(Dialect(id="lenta", title="API lenta", route_handlers=[slow_route]))

    settings = make_test_settings(tmp_path, request_timeout_s=0.2)
    assert Settings.from_env({"PASARELA_REQUEST_TIMEOUT": "45"}).request_timeout_s == 45
    plugins = get_plugin_manager(
        extra_plugins=[types.SimpleNamespace(pasarela_register_dialects=pasarela_register_dialects)]
    )
    async with AsyncTestClient(app=create_app(settings, plugin_manager=plugins)) as client:
        slow = await client.get("/prueba/lenta")
        quick = await client.get("/-/health")
    assert slow.status_code == 504
    assert slow.json() == {
        "status_code": 504,
        "detail": "La solicitud superó el tiempo máximo de 0.2 s.",
    }
    assert quick.status_code == 200
