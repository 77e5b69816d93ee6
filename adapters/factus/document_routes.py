"""Factus' bill, credit-note and debit-note routes under ``/v1`` (research §2.1–2.3).

Bills: ``POST /bills/validate``, ``GET /bills``, ``GET /bills/show/{number}``,
``GET /bills/download-pdf/{number}``, ``GET /bills/download-xml/{number}``,
``DELETE /bills/destroy/reference/{reference_code}``, ``POST /bills/send-email/{number}``,
``GET /bills/{number}/email-content``. Credit notes (``/credit-notes``) and debit notes
(``/debit-notes``) have the same routes except ``GET /{number}`` (no ``show``) and
``DELETE /reference/{reference_code}`` (no ``destroy``). The work is in ``document_service``.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath

from adapters.factus import document_service as service
from adapters.factus.auth import Tenant
from adapters.factus.checks import Kind
from adapters.factus.document_service import Ctx

Path = FromPath[str]


class BillsController(Controller):
    path = "/bills"
    tags = ["Factus: facturas"]
    kind: Kind = "bill"

    @post("/validate", summary="Crear y validar factura", status_code=201)
    async def validate(self, ctx: Ctx, tenant: Tenant, request: Request) -> Response[bytes]:
        return await service.validate(ctx, tenant, request, "bill")

    @get("/", summary="Ver y filtrar facturas")
    async def list_bills(self, ctx: Ctx, tenant: Tenant, request: Request) -> Response[bytes]:
        return await service.listing(ctx, tenant, "bill", request)

    @get("/show/{number:str}", summary="Ver factura")
    async def show(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
        return await service.show(ctx, tenant, "bill", number)

    @get("/download-pdf/{number:str}", summary="Descargar PDF")
    async def pdf(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
        return await service.download(ctx, tenant, "bill", number, "pdf")

    @get("/download-xml/{number:str}", summary="Descargar XML")
    async def xml(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
        return await service.download(ctx, tenant, "bill", number, "xml")

    @delete(
        "/destroy/reference/{reference_code:str}",
        summary="Eliminar factura no validada",
        status_code=200,
    )
    async def destroy(self, ctx: Ctx, tenant: Tenant, reference_code: Path) -> Response[bytes]:
        return await service.delete(ctx, tenant, "bill", reference_code)

    @post("/send-email/{number:str}", summary="Enviar factura por correo", status_code=200)
    async def send_email(
        self, ctx: Ctx, tenant: Tenant, number: Path, request: Request
    ) -> Response[bytes]:
        return await service.send_email(ctx, tenant, "bill", number, request)

    @get("/{number:str}/email-content", summary="Contenido del correo")
    async def email_content(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
        return await service.email_content(ctx, tenant, "bill", number)


def _note_controller(kind: Kind, path: str, title: str) -> type[Controller]:
    """The controller of one kind of note (credit and debit notes share every route)."""

    class NotesController(Controller):
        tags = [f"Factus: {title}"]

        @post("/validate", summary=f"Crear y validar {title}", status_code=201)
        async def validate(self, ctx: Ctx, tenant: Tenant, request: Request) -> Response[bytes]:
            return await service.validate(ctx, tenant, request, kind)

        @get("/", summary=f"Ver y filtrar {title}")
        async def list_notes(self, ctx: Ctx, tenant: Tenant, request: Request) -> Response[bytes]:
            return await service.listing(ctx, tenant, kind, request)

        @get("/{number:str}", summary=f"Ver {title}")
        async def show(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
            return await service.show(ctx, tenant, kind, number)

        @get("/download-pdf/{number:str}", summary="Descargar PDF")
        async def pdf(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
            return await service.download(ctx, tenant, kind, number, "pdf")

        @get("/download-xml/{number:str}", summary="Descargar XML")
        async def xml(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
            return await service.download(ctx, tenant, kind, number, "xml")

        @delete("/reference/{reference_code:str}", summary="Eliminar no validada", status_code=200)
        async def destroy(self, ctx: Ctx, tenant: Tenant, reference_code: Path) -> Response[bytes]:
            return await service.delete(ctx, tenant, kind, reference_code)

        @post("/send-email/{number:str}", summary="Enviar por correo", status_code=200)
        async def send_email(
            self, ctx: Ctx, tenant: Tenant, number: Path, request: Request
        ) -> Response[bytes]:
            return await service.send_email(ctx, tenant, kind, number, request)

        @get("/{number:str}/email-content", summary="Contenido del correo")
        async def email_content(self, ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
            return await service.email_content(ctx, tenant, kind, number)

    NotesController.path = path
    NotesController.__name__ = NotesController.__qualname__ = (
        f"{kind.title().replace('_', '')}Controller"
    )
    return NotesController


CreditNotesController = _note_controller("credit_note", "/credit-notes", "nota crédito")
DebitNotesController = _note_controller("debit_note", "/debit-notes", "nota débito")

HANDLERS: list[Any] = [BillsController, CreditNotesController, DebitNotesController]
