"""``/v1/numbering-ranges``: list (filters, 10 per page), show, create, move the consecutive
(``PATCH /{id}/current``), delete, and the ranges DIAN associates with the tenant's software
(``/dian``, GetNumberingRange through the tenant's environment)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath

from adapters.factus import numbering_ranges as shapes
from adapters.factus.auth import Auth
from adapters.factus.errors import conflict, json_response, not_found, validation_error
from adapters.factus.pagination import page_number, page_of, pagination
from core.api import (
    AppContext,
    ConfigurationError,
    InjectedDocuments,
    NotFound,
    NumberRangeResponse,
    RangeRecord,
    decode_json,
    now_bogota,
    numbering_ranges_at_dian,
    parse_iso_date,
)

OK, SUCCESS = "OK", "Solicitud exitosa"
# DIAN's GetNumberingRange codes meaning "nothing authorized" (an empty list, not an error)
NO_RANGES = {"301", "302"}


def _ctx(request: Request[Any, Any, Any]) -> AppContext:
    return request.app.state.ctx


async def _ranges(request: Request[Any, Any, Any], auth: Auth) -> list[RangeRecord]:
    """The tenant's live ranges (current environment) Factus has a document code for."""
    records = await _ctx(request).ranges.list_ranges(auth.tenant.id, auth.tenant.environment)
    return [r for r in records if r.range.document_type in shapes.FACTUS_CODES]


async def _one(request: Request[Any, Any, Any], auth: Auth, range_id: int) -> RangeRecord:
    for record in await _ranges(request, auth):
        if record.range.id == range_id:
            return record
    raise NotFound(f"rango {range_id}")


def _missing(range_id: int) -> Response[bytes]:
    return not_found(f"No se encontró el rango de numeración {range_id}")


def _dian_row(found: NumberRangeResponse) -> dict[str, Any]:
    return {
        "resolution_number": found.resolution_number or "",
        "prefix": found.prefix or "",
        "from": str(found.from_number) if found.from_number is not None else "",
        "to": str(found.to_number) if found.to_number is not None else "",
        "start_date": found.valid_date_from or "",
        "end_date": found.valid_date_to or "",
        "technical_key": found.technical_key or "",
    }


class NumberingRangeController(Controller):
    path = "/numbering-ranges"

    @get("/", summary="Rangos de numeración")
    async def list_ranges(self, request: Request, auth: Auth) -> Response[bytes]:
        query = dict(request.query_params)
        filters = shapes.filters_of(query)
        found = [r for r in await _ranges(request, auth) if shapes.matches(r, filters)]
        page = page_number(query.get("page"))
        url = str(request.base_url).rstrip("/") + request.url.path
        data = {
            "data": [shapes.list_row(r) for r in page_of(found, page)],
            "pagination": pagination(len(found), page, url, query),
        }
        return json_response({"status": OK, "message": SUCCESS, "data": data})

    @get("/dian", summary="Rangos asociados al software en la DIAN")
    async def at_dian(self, auth: Auth, documents: InjectedDocuments) -> Response[bytes]:
        answer = await numbering_ranges_at_dian(documents, auth.tenant)
        if answer.operation_code in NO_RANGES:
            rows: list[dict[str, Any]] = []
        elif answer.operation_code != "100":
            return conflict(f"DIAN: {answer.operation_description}")
        else:
            rows = [_dian_row(found) for found in answer.ranges]
        return json_response({"status": OK, "message": SUCCESS, "data": rows})

    @get("/{range_id:int}", summary="Ver rango")
    async def show(self, request: Request, auth: Auth, range_id: FromPath[int]) -> Response[bytes]:
        try:
            record = await _one(request, auth, range_id)
        except NotFound:
            return _missing(range_id)
        return json_response(
            {"status": OK, "message": SUCCESS, "data": shapes.range_object(record)}
        )

    @post("/", status_code=200, summary="Crear rango")
    async def create(
        self, request: Request, auth: Auth, documents: InjectedDocuments
    ) -> Response[bytes]:
        body = decode_json(await request.body(), dict[str, Any])
        ctx = _ctx(request)
        errors = shapes.check_create(body, set(ctx.ranges.range_types))
        if errors:
            return validation_error(errors)
        code = str(body["document"]).strip()
        prefix = body["prefix"]
        current = shapes.as_int(body.get("current"))
        resolution = str(body.get("resolution_number") or "").strip()
        for record in await _ranges(request, auth):
            existing = record.range
            if (existing.document_type, existing.prefix, existing.resolution_number) == (
                shapes.CORE_TYPES[code],
                prefix,
                resolution,
            ):
                message = "Ya existe un rango de numeración con ese prefijo para el documento."
                return validation_error({"prefix": [message]})
        if code in shapes.WITH_RESOLUTION:
            terms = await _authorized(documents, auth, code, resolution, prefix)
            if terms is None:
                message = (
                    f"La resolución {resolution} con prefijo {prefix} no está asociada al "
                    "software en la DIAN."
                )
                return validation_error({"resolution_number": [message]})
        else:
            today = now_bogota().date()
            terms = {
                "from_number": shapes.NOTE_FROM,
                "to_number": shapes.NOTE_TO,
                "valid_from": today,
                "valid_to": max(shapes.NOTE_VALID_TO, today),
            }
        next_number = shapes.next_after(current, terms["from_number"])
        if next_number > terms["to_number"]:
            message = "El campo consecutivo actual debe estar dentro del rango de numeración."
            return validation_error({"current": [message]})
        try:
            added = await ctx.ranges.add_resolution(
                auth.tenant.id,
                document_type=shapes.CORE_TYPES[code],
                resolution_number=resolution,
                prefix=prefix,
                next_number=next_number,
                **terms,
            )
        except ConfigurationError as refused:  # e.g. DIAN gave no technical key
            return validation_error({"document": [_sentence(str(refused))]})
        record = await _one(request, auth, added.id)
        return json_response(
            {
                "status": "Created",
                "message": "Rango de numeración creado con éxito",
                "data": shapes.range_object(record),
            }
        )

    @patch("/{range_id:int}/current", summary="Actualizar consecutivo")
    async def move(self, request: Request, auth: Auth, range_id: FromPath[int]) -> Response[bytes]:
        body = decode_json(await request.body(), dict[str, Any])
        current = shapes.as_int(body.get("current"))
        if body.get("current") is None or body.get("current") == "":
            return validation_error({"current": ["El campo consecutivo actual es obligatorio."]})
        if current is None or current < 0:
            message = "El campo consecutivo actual debe ser un número entero positivo."
            return validation_error({"current": [message]})
        try:
            record = await _one(request, auth, range_id)
            next_number = shapes.next_after(current, record.range.from_number)
            await _ctx(request).ranges.set_next_number(auth.tenant.id, range_id, next_number)
            record = await _one(request, auth, range_id)
        except NotFound:
            return _missing(range_id)
        except ConfigurationError as refused:
            return validation_error({"current": [_sentence(str(refused))]})
        return json_response(
            {
                "status": OK,
                "message": "Rango de numeración actualizado con éxito",
                "data": shapes.range_object(record),
            }
        )

    @delete("/{range_id:int}", status_code=200, summary="Eliminar rango")
    async def remove(
        self, request: Request, auth: Auth, range_id: FromPath[int]
    ) -> Response[bytes]:
        try:
            await _one(request, auth, range_id)
            await _ctx(request).ranges.retire_range(auth.tenant.id, range_id)
        except NotFound:
            return _missing(range_id)
        return json_response({"status": OK, "message": "Rango de numeración eliminado con éxito"})


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


async def _authorized(
    documents: Any, auth: Auth, code: str, resolution: str, prefix: str
) -> dict[str, Any] | None:
    """The terms DIAN authorized for ``resolution`` and ``prefix`` (GetNumberingRange)."""
    answer = await numbering_ranges_at_dian(documents, auth.tenant, shapes.WITH_RESOLUTION[code])
    for found in answer.ranges if answer.operation_code == "100" else ():
        if (found.resolution_number or "") != resolution or (found.prefix or "") != prefix:
            continue
        valid_from = parse_iso_date(found.valid_date_from or "")
        valid_to = parse_iso_date(found.valid_date_to or "")
        if None in (valid_from, valid_to, found.from_number, found.to_number):
            continue
        resolution_date = parse_iso_date(found.resolution_date or "")
        return {
            "from_number": found.from_number,
            "to_number": found.to_number,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "resolution_date": resolution_date,
            "technical_key": found.technical_key or None,
        }
    return None
