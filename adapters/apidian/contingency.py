"""APIDIAN's contingency type 4 routes (research §1.2): ``POST /invoice-contingency-4`` and
``POST /invoice-contingency-4/send_pendings[/{prefix}[/{number}]]``.

A type 4 invoice (``type_document_id`` 12, DIAN's 04) is numbered, signed and stored at once;
nothing goes to DIAN until ``send_pendings`` (or the gateway's contingency job, which sends it
by itself once DIAN answers). ``send_pendings`` sends the company's pending contingency
documents now (only those of ``prefix``, or the one ``prefix``+``number``) and answers as
APIDIAN does: ``responses`` is a JSON *string* holding DIAN's answer (converted as APIDIAN
converts it) of each document DIAN accepted.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from adapters.apidian.auth import UBL_PREFIX, Tenant, token_router
from adapters.apidian.documents import issue
from adapters.apidian.errors import json_response
from adapters.apidian.responses import response_dian
from core.api import (
    ContingencyDeliveries,
    DianExchange,
    DianUnavailable,
    InjectedAttachments,
    InjectedContingency,
    InjectedDeliveries,
    InjectedDocuments,
    TenantView,
    capture_exchanges,
)

SENT = "Envios de documentos de contingencia tipo 4 realizados con exito."
NOTHING_PENDING = (
    "No existen registros de documentos de contingencia tipo 4 para realizar envios...."
)
DIAN_DOWN = "El servicio DIAN no se encuentra disponible en el momento, reintente mas tarde..."


@post("/invoice-contingency-4", summary="Factura de contingencia tipo 4 (12): se almacena")
async def store_type_4(
    documents: InjectedDocuments,
    attachments: InjectedAttachments,
    deliveries: InjectedDeliveries,
    tenant: Tenant,
    request: Request[Any, Any, Any],
) -> Response[bytes]:
    return await issue(
        "invoice-contingency-4", None, documents, attachments, deliveries, tenant, request
    )


@post(
    [
        "/invoice-contingency-4/send_pendings",
        "/invoice-contingency-4/send_pendings/{prefix:str}",
        "/invoice-contingency-4/send_pendings/{prefix:str}/{number:int}",
    ],
    summary="Enviar a la DIAN las facturas de contingencia pendientes",
)
async def send_pendings(
    contingency: InjectedContingency,
    tenant: Tenant,
    prefix: FromPath[str | None] = None,
    number: FromPath[int | None] = None,
) -> Response[bytes]:
    return json_response(await _send(contingency, tenant, prefix, number))


async def _send(
    contingency: ContingencyDeliveries, tenant: TenantView, prefix: str | None, number: int | None
) -> dict[str, Any]:
    try:
        with capture_exchanges() as exchanges:
            records = await contingency.send_pending(tenant.id, prefix=prefix, number=number)
    except DianUnavailable:
        return {"success": False, "message": DIAN_DOWN}
    if not records:
        return {"success": True, "message": NOTHING_PENDING}
    accepted = [answer for e in exchanges if (answer := _valid_answer(e)) is not None]
    return {"success": True, "message": SENT, "responses": json.dumps(accepted)}


def _valid_answer(exchange: DianExchange) -> Any:
    """DIAN's answer to one SendBillSync that accepted the document, converted."""
    if exchange.operation != "SendBillSync":
        return None
    converted = response_dian(exchange)
    try:
        result = converted["Envelope"]["Body"]["SendBillSyncResponse"]["SendBillSyncResult"]
    except (KeyError, TypeError):
        return None
    return converted if result.get("IsValid") == "true" else None


ROUTE_HANDLERS = [token_router(UBL_PREFIX, [store_type_4, send_pendings])]
