"""Factus' support-document and adjustment-note routes under ``/v1`` (research §2.4).

Support documents: ``POST /support-documents/validate``, ``GET /support-documents``,
``GET /support-documents/show/{number}``, ``GET /support-documents/download-pdf/{number}``,
``GET /support-documents/download-xml/{number}``,
``DELETE /support-documents/reference/{reference_code}``. Adjustment notes
(``/adjustment-notes``) have the same routes except ``GET /{number}`` (no ``show``), as
credit notes. The work is in ``support_service`` (and ``document_service`` for files).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath

from adapters.factus import document_service
from adapters.factus import support_service as service
from adapters.factus.auth import Tenant
from adapters.factus.checks import Kind
from adapters.factus.document_service import Ctx

Path = FromPath[str]


def _controller(kind: Kind, path: str, title: str, show_path: str) -> type[Controller]:
    class SupportController(Controller):
        tags = [f"Factus: {title}"]

        @post("/validate", summary=f"Crear y validar {title}", status_code=201)
        async def validate(self, ctx: Ctx, tenant: Tenant, request: Request) -> Response[bytes]:
            return await service.validate(ctx, tenant, request, kind)

        @get("/", summary=f"Ver y filtrar {title}")
        async def list_documents(
            self, ctx: Ctx, tenant: Tenant, request: Request
        ) -> Response[bytes]:
            return await service.listing(ctx, tenant, kind, request)

        @get(show_path, summary=f"Ver {title}")
        async def show(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
            return await service.show(ctx, tenant, kind, number)

        @get("/download-pdf/{number:str}", summary="Descargar PDF")
        async def pdf(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
            return await document_service.download(ctx, tenant, kind, number, "pdf")

        @get("/download-xml/{number:str}", summary="Descargar XML")
        async def xml(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
            return await document_service.download(ctx, tenant, kind, number, "xml")

        @delete("/reference/{reference_code:str}", summary="Eliminar no validado", status_code=200)
        async def destroy(self, ctx: Ctx, tenant: Tenant, reference_code: Path) -> Response[bytes]:
            return await service.delete(ctx, tenant, kind, reference_code)

    SupportController.path = path
    SupportController.__name__ = SupportController.__qualname__ = (
        f"{kind.title().replace('_', '')}Controller"
    )
    return SupportController


SupportDocumentsController = _controller(
    "support_document", "/support-documents", "documento soporte", "/show/{number:str}"
)
AdjustmentNotesController = _controller(
    "adjustment_note", "/adjustment-notes", "nota de ajuste", "/{number:str}"
)

HANDLERS: list[Any] = [SupportDocumentsController, AdjustmentNotesController]
