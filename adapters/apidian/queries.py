"""APIDIAN's query routes: DIAN's numbering ranges, the next numbers, the catalogs.

- ``POST /numbering-range`` (``IDSoftware``): DIAN's GetNumberingRange for the company's NIT,
  asked in its environment with its certificate; ``{"message": "Consulta generada con
  éxito", "ResponseDian": <DIAN's SOAP answer as APIDIAN converts it>}``.
- ``GET /invoice/current_number/{type}/{prefix?}`` and ``POST /next-consecutive``
  (``type_document_id``, ``prefix``): the number the company's next document of that type
  (and prefix) gets: the next free number of its range.
- ``GET /listing?models=Tax,UnitMeasure``: APIDIAN's catalogs by model name (public, as in
  APIDIAN); without ``models``, all of them.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from adapters.apidian import catalogs
from adapters.apidian.auth import UBL_PREFIX, Context, Tenant, token_router
from adapters.apidian.errors import json_response
from adapters.apidian.rules import Rules, as_int, decode_object
from adapters.apidian.soap_json import response_dian
from core.api import AppContext, InvalidRequest, TenantView, numbering_ranges

CONSULTED = "Consulta generada con éxito"
NEXT_CONSECUTIVE_TYPES = frozenset(range(1, 27))  # NextConsecutiveRequest: in:1,...,26
# ListingController's 39 models (research §1.1)
MODELS = (
    "Country",
    "CreditNoteDiscrepancyResponse",
    "DebitNoteDiscrepancyResponse",
    "Department",
    "Discount",
    "Event",
    "HealthContractingPaymentMethod",
    "HealthCoverage",
    "HealthTypeDocumentIdentification",
    "HealthTypeOperation",
    "HealthTypeUser",
    "Incoterm",
    "Language",
    "Municipality",
    "PaymentForm",
    "PaymentMethod",
    "PayrollPeriod",
    "PayrollTypeDocumentIdentification",
    "ReferencePrice",
    "SubTypeWorker",
    "Tax",
    "TypeContract",
    "TypeCurrency",
    "TypeDisability",
    "TypeDiscount",
    "TypeDocumentIdentification",
    "TypeDocument",
    "TypeEnvironment",
    "TypeGenerationTransmition",
    "TypeItemIdentification",
    "TypeLawDeduction",
    "TypeLiability",
    "TypeOperation",
    "TypeOrganization",
    "TypeOvertimeSurcharge",
    "TypeRegime",
    "TypeRejection",
    "TypeWorker",
    "UnitMeasure",
)


def table_of(model: str) -> str:
    """Laravel's table of a model: snake case, plural (``TypeCurrency`` ->
    ``type_currencies``)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", model).lower()
    if snake.endswith("y"):
        return snake[:-1] + "ies"
    if snake.endswith(("s", "x", "ch", "sh")):
        return snake + "es"
    return snake + "s"


TABLES = {model: table_of(model) for model in MODELS}


# ------------------------------------------------------------------ numbering range


@post("/numbering-range", summary="Rangos de numeración autorizados (DIAN GetNumberingRange)")
async def numbering_range(request: Request[Any, Any, Any], ctx: Context, tenant: Tenant) -> Any:
    data = decode_object(await request.body())
    rules = Rules(data)
    if rules.required("IDSoftware"):
        rules.string("IDSoftware")
    rules.string("GuardarEn")
    rules.raise_if_any()
    asked = await numbering_ranges(ctx.documents, tenant, str(data["IDSoftware"]).strip())
    return json_response({"message": CONSULTED, "ResponseDian": response_dian(asked.soap)})


# ------------------------------------------------------------------- next numbers


async def next_number(
    ctx: AppContext, tenant: TenantView, type_document_id: int, prefix: str | None
) -> tuple[str, int] | None:
    """(prefix, next number) of the company's first range of that type (and prefix) in its
    environment, or ``None`` without one."""
    row = catalogs.row("type_documents", type_document_id)
    kind = None if row is None else ctx.registry.document_types.as_mapping().get(row.code)
    if kind is None:
        return None
    for record in await ctx.ranges.list_ranges(tenant.id, tenant.environment):
        found = record.range
        if found.document_type == kind.range_type and prefix in (None, found.prefix):
            return found.prefix, min(record.next_number, found.to_number + 1)
    return None


@get(
    ["/invoice/current_number/{type:str}", "/invoice/current_number/{type:str}/{prefix:str}"],
    summary="Siguiente número de un tipo de documento",
)
async def current_number(
    ctx: Context, tenant: Tenant, type: FromPath[str], prefix: FromPath[str | None] = None
) -> Response[bytes]:
    type_id = as_int(type)
    found = None if type_id is None else await next_number(ctx, tenant, type_id, prefix)
    if found is None:
        return json_response({"success": False, "message": "La resolución no está configurada."})
    return json_response({"number": found[1], "success": True, "prefix": found[0] or None})


@post("/next-consecutive", summary="Siguiente consecutivo por tipo y prefijo")
async def next_consecutive(request: Request[Any, Any, Any], ctx: Context, tenant: Tenant) -> Any:
    data = decode_object(await request.body())
    rules = Rules(data)
    type_id = None
    if rules.required("type_document_id"):
        type_id = as_int(data["type_document_id"])
        if type_id not in NEXT_CONSECUTIVE_TYPES:
            rules.add("type_document_id", "type document id es inválido.")
    prefix = rules.string("prefix") if rules.required("prefix") else None
    rules.raise_if_any()
    assert type_id is not None and prefix is not None
    found = await next_number(ctx, tenant, type_id, prefix)
    if found is None:
        return json_response({"success": False, "message": "La resolución no está configurada."})
    return json_response(
        {"success": True, "type_document_id": type_id, "prefix": found[0], "number": found[1]}
    )


# ------------------------------------------------------------------------- listing


def _row_json(row: catalogs.CatalogRow) -> dict[str, Any]:
    return {"id": row.id, "code": row.code, "name": row.name, **row.extra}


@get(f"{UBL_PREFIX}/listing", summary="Catálogos de APIDIAN por modelo", tags=["APIDIAN"])
async def listing(request: Request[Any, Any, Any]) -> Response[bytes]:
    asked = request.query_params.get("models")
    models = [m.strip() for m in asked.split(",") if m.strip()] if asked else list(MODELS)
    unknown = [m for m in models if m not in TABLES]
    if unknown:
        raise InvalidRequest({"models": [f"El modelo {m} no existe." for m in unknown]})
    return json_response(
        {model: [_row_json(r) for r in catalogs.rows(TABLES[model])] for model in models}
    )


queries_router = token_router(UBL_PREFIX, [numbering_range, current_number, next_consecutive])

ROUTE_HANDLERS: list[Any] = [queries_router, listing]
