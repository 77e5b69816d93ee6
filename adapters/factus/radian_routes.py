"""Factus' RADIAN routes under ``/v1`` (research §2.1, §2.7); the work is in ``radian_service``.

- ``GET /bills/{number}/radian/events``: the events of an issued bill;
- ``POST /bills/radian/events/update/{number}/{event_type}``: the tacit acceptance (034) by
  the bill's issuer;
- ``POST /receptions/upload``: load a received bill (``track_id`` = its CUFE, or the XML as
  multipart ``file``);
- ``GET /receptions/bills``: the received bills, filtered and paged;
- ``PATCH /receptions/bills/{bill_id}/radian/events/{event_type}``: send 030, 031, 032 or 033
  on a received bill.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, patch, post
from litestar.params import FromPath

from adapters.factus import radian_service as service
from adapters.factus.auth import Tenant
from adapters.factus.document_service import Ctx

Path = FromPath[str]


@get("/bills/{number:str}/radian/events", summary="Eventos de una factura", tags=["Factus: RADIAN"])
async def bill_events(ctx: Ctx, tenant: Tenant, number: Path) -> Response[bytes]:
    return await service.bill_events(ctx, tenant, number)


@post(
    "/bills/radian/events/update/{number:str}/{event_type:str}",
    summary="Aceptación tácita",
    status_code=200,
    tags=["Factus: RADIAN"],
)
async def tacit_acceptance(
    ctx: Ctx, tenant: Tenant, number: Path, event_type: Path, request: Request
) -> Response[bytes]:
    return await service.tacit_acceptance(ctx, tenant, number, event_type, request)


@post(
    "/receptions/upload",
    summary="Cargar factura recibida",
    status_code=201,
    tags=["Factus: RADIAN"],
)
async def upload(ctx: Ctx, tenant: Tenant, request: Request) -> Response[bytes]:
    return await service.upload(ctx, tenant, request)


@get("/receptions/bills", summary="Ver facturas recibidas", tags=["Factus: RADIAN"])
async def received_bills(ctx: Ctx, tenant: Tenant, request: Request) -> Response[bytes]:
    return await service.received_list(ctx, tenant, request)


@patch(
    "/receptions/bills/{bill_id:str}/radian/events/{event_type:str}",
    summary="Emitir evento sobre una factura recibida",
    status_code=200,
    tags=["Factus: RADIAN"],
)
async def received_event(
    ctx: Ctx, tenant: Tenant, bill_id: Path, event_type: Path, request: Request
) -> Response[bytes]:
    return await service.received_event(ctx, tenant, bill_id, event_type, request)


HANDLERS: list[Any] = [bill_events, tacit_acceptance, upload, received_bills, received_event]
