"""Everything under ``/api/v1`` answers in FacEPro's shape: routes no handler matches, wrong
methods, bodies over the limit, crashes, and the XML of a document that was never signed."""

from __future__ import annotations

import types

import pluggy
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from adapters.facepro.validation import LIMITS
from core.api import Dialect, hookimpl
from core.plugins import get_plugin_manager
from tests.adapters.facepro.conftest import bearer
from tests.adapters.facepro.test_facepro_documents import post

INTERNAL_SECRET = "detalle-interno-de-la-falla"


@get("/api/v1/prueba/falla", sync_to_thread=False)
def failing_route() -> None:
    raise RuntimeError(INTERNAL_SECRET)


@hookimpl
def pasarela_register_dialects(register):  # type: ignore[no-untyped-def]
    register(Dialect(id="prueba", title="Ruta que falla", route_handlers=[failing_route]))


class BrokenAmendment:
    """A build defect (a plugin's amend hook): the invoice keeps its number, ends fallido."""

    @hookimpl
    def pasarela_amend_ubl(self, root, document, document_type) -> None:  # type: ignore[no-untyped-def]
        if document.customer.name == "FALLA AL FIRMAR":
            raise RuntimeError("extensión sectorial mal configurada")


@pytest.fixture
def plugin_manager() -> pluggy.PluginManager:
    failing = types.SimpleNamespace(pasarela_register_dialects=pasarela_register_dialects)
    return get_plugin_manager(extra_plugins=[failing, BrokenAmendment()])


async def test_unknown_route_under_the_prefix_is_404_in_facepro_shape(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    for path in ("/api/v1/no-existe", "/api/v1/documentos/x/y/z", "/api/v1"):
        response = await client.get(path, headers=bearer(demo_token))
        assert response.status_code == 404, path
        assert response.json() == {
            "ok": False,
            "error": "Recurso no encontrado.",
            "codigo": "no_encontrado",
        }


async def test_paths_outside_the_prefix_keep_the_gateway_shape(
    client: AsyncTestClient[Litestar],
) -> None:
    # whole segments: /api/v10 is not under /api/v1 (another dialect may own /api)
    response = await client.get("/api/v10/documentos")
    assert response.status_code == 404
    assert "codigo" not in response.json()
    response = await client.get("/apiv1/documentos")
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": "Recurso no encontrado."}


async def test_wrong_method_is_405_in_facepro_shape(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    response = await client.delete("/api/v1/documentos", headers=bearer(demo_token))
    assert response.status_code == 405
    assert response.json() == {
        "ok": False,
        "error": "Método no permitido.",
        "codigo": "metodo_no_permitido",
    }
    assert "POST" in response.headers["allow"]


async def test_body_over_the_limit_is_413_in_facepro_shape(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = '{"lineas": "' + "x" * LIMITS.max_body_bytes + '"}'
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 413
    assert response.json() == {
        "ok": False,
        "error": "La petición es demasiado grande.",
        "codigo": "peticion_muy_grande",
    }


async def test_unexpected_error_is_500_with_a_reference_and_no_internals(
    client: AsyncTestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    response = await client.get("/api/v1/prueba/falla")
    assert response.status_code == 500
    body = response.json()
    assert {k: body[k] for k in ("ok", "error", "codigo")} == {
        "ok": False,
        "error": "Error interno. Si persiste, reintenta más tarde.",
        "codigo": "error_interno",
    }
    assert len(body["referencia"]) == 32
    assert INTERNAL_SECRET not in response.text and "Traceback" not in response.text
    logged = [r for r in caplog.records if getattr(r, "reference", None) == body["referencia"]]
    assert logged and logged[0].exc_info is not None


async def test_xml_of_a_document_that_failed_before_signing_is_409(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = {
        "adquiriente": {
            "tipo_persona": "2",
            "tipo_documento": "13",
            "numero_documento": "71234567",
            "razon_social": "FALLA AL FIRMAR",
            "responsabilidad_fiscal": "R-99-PN",
        },
        "lineas": [
            {"codigo": "P1", "descripcion": "P", "cantidad": 1, "precio": 10, "iva_pct": 19}
        ],
    }
    created = await post(client, "/api/v1/documentos", demo_token, body)
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    assert data["estado"] == "fallido"
    response = await client.get(data["links"]["xml"], headers=bearer(demo_token))
    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "error": "El documento falló antes de firmarse y no tiene XML. Revisa su ultimo_error.",
        "codigo": "xml_no_disponible",
    }
