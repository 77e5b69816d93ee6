"""A third-party dialect written only on ``core.api`` gets the same protections as FacEPro, in
its own error shape: unknown routes, wrong methods, bad and deep JSON, oversized bodies."""

from __future__ import annotations

import types
from typing import Annotated, Any

import msgspec
import pluggy
import pytest
from litestar import Litestar, Request, Response, post
from litestar.testing import AsyncTestClient

from core.api import (
    ApiError,
    DecodeLimits,
    Dialect,
    ErrorShape,
    decode_json,
    hookimpl,
)
from core.plugins import get_plugin_manager

LIMITS = DecodeLimits(max_body_bytes=2_000, max_depth=8)


class Pedido(msgspec.Struct, kw_only=True):
    cliente: Annotated[str, msgspec.Meta(max_length=20)]
    cantidad: int


@post("/mini/pedidos", status_code=201)
async def create_order(request: Request[Any, Any, Any]) -> dict[str, Any]:
    pedido = decode_json(await request.body(), Pedido, limits=LIMITS)
    return {"cliente": pedido.cliente}


def render(error: ApiError) -> Response[Any]:
    body = {"fallo": error.kind, "mensaje": error.message, "campos": dict(error.fields)}
    return Response(body, status_code=error.status, headers=dict(error.headers))


@hookimpl
def pasarela_register_dialects(register):  # type: ignore[no-untyped-def]
    register(
        Dialect(
            id="mini",
            title="Mini",
            route_handlers=[create_order],
            path_prefix="/mini",
            errors=ErrorShape(render=render),
            limits=LIMITS,
        )
    )


@pytest.fixture
def plugin_manager() -> pluggy.PluginManager:
    mini = types.SimpleNamespace(pasarela_register_dialects=pasarela_register_dialects)
    return get_plugin_manager(extra_plugins=[mini])


async def test_the_dialect_works(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/mini/pedidos", json={"cliente": "ana", "cantidad": 2})
    assert response.status_code == 201
    assert response.json() == {"cliente": "ana"}


async def test_unknown_route_and_wrong_method_answer_in_its_shape(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/mini/no-existe")
    assert response.status_code == 404
    assert response.json() == {
        "fallo": "no_route",
        "mensaje": "Recurso no encontrado.",
        "campos": {},
    }
    response = await client.get("/mini/pedidos")
    assert response.status_code == 405
    assert response.json()["fallo"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("body", "campos"),
    [
        (b'{"cliente": ', {"body": ["El cuerpo de la petición no es un JSON válido."]}),
        (b"[]", {"body": ["El cuerpo de la petición debe ser un objeto JSON."]}),
        (b'{"cliente": "ana"}', {"cantidad": ["El campo cantidad es requerido."]}),
        (
            b'{"cliente": "' + b"a" * 21 + b'", "cantidad": 1}',
            {"cliente": ["El campo admite máximo 20 caracteres."]},
        ),
        (
            b'{"cliente": "ana", "cantidad": 9223372036854775808}',
            {"cantidad": ["El campo es demasiado grande."]},
        ),
        (
            b'{"cliente": "ana", "x": ' + b"[" * 500 + b"]" * 500 + b"}",
            {"x": ["El contenido está anidado a más de 8 niveles."]},
        ),
    ],
)
async def test_bad_bodies_answer_422_in_its_shape(
    client: AsyncTestClient[Litestar], body: bytes, campos: dict[str, list[str]]
) -> None:
    response = await client.post("/mini/pedidos", content=body)
    assert response.status_code == 422
    assert response.json() == {"fallo": "invalid", "mensaje": "Datos inválidos.", "campos": campos}


async def test_body_over_its_limit_is_413_in_its_shape(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/mini/pedidos", content=b" " * 2_001)
    assert response.status_code == 413
    assert response.json()["fallo"] == "body_too_large"
