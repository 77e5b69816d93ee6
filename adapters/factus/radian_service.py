"""Factus' RADIAN routes on core's event and received-invoice services (research §2.1, §2.7).

- an issued bill's events: what DIAN holds on its CUFE (GetStatusEvent, whoever sent them)
  and what this tenant recorded, once each (by CUDE);
- the tacit acceptance (034) by the bill's issuer;
- received bills: loaded by CUFE (``track_id``, fetched from DIAN as Factus does) or from
  the XML file the supplier sent (multipart ``file``); listed with Factus' filters; the buyer's
  events 030-033 sent on them (034 is the issuer's).

The person who acts is checked here (Factus' request fields); the RADIAN rules are core's (an
event out of order or by the wrong party, a 031 without its concept, a 034 before its term or
on a cash bill, an XML whose signature or CUFE does not verify): refused before sending, they
are Factus' 422 on the field they are about (``event_type``, ``claim_concept_code``,
``track_id``, ``file``), ``"RULE: mensaje"``. DIAN rejecting an event is its rejection body
(§5.6).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from litestar import Request, Response

from adapters.factus import catalogs
from adapters.factus import document_service as service
from adapters.factus.auth import DIALECT
from adapters.factus.checks import Checker, as_int, text
from adapters.factus.document_responses import OK, SUCCESS
from adapters.factus.errors import json_response
from adapters.factus.listing import pagination
from adapters.factus.radian_responses import (
    bill_event,
    completed,
    event_name,
    received_bill,
    received_row,
)
from adapters.factus.support_payloads import EventPersonPayload, ReceptionUploadPayload
from core.api import (
    AppContext,
    DocumentStatus,
    EventPerson,
    EventRecord,
    EventRequest,
    InvalidRequest,
    NotFound,
    RadianRefused,
    ReceivedInvoice,
    TenantView,
    check_digit,
    decode_json,
    parse_iso_date,
    rate_limit_headers,
    validation_fields,
)

CLAIM = "031"  # the only event that carries a claim concept (01-04)
NIT = "31"
MAX_XML = 5_000_000
PAGE_BATCH = 200
_PATHS = {  # core's refusal paths -> Factus' fields
    "code": "event_type",
    "claim_concept": "claim_concept_code",
    "person": "identification",
    "xml": "file",
}


def refused(error: RadianRefused, cufe_field: str) -> InvalidRequest:
    paths = {**_PATHS, "cufe": cufe_field}
    return InvalidRequest(validation_fields(error.problems, lambda p: paths.get(p, p or "body")))


def _rejected(record: EventRecord) -> Response[bytes]:
    """DIAN rejected the event: Factus' rejection body with DIAN's messages."""
    message = "El evento contiene errores de validación"
    errors = list(record.dian_errors) or [record.dian_status_description or message]
    body = {
        "status": "Validation error",
        "message": message,
        "data": {"message": message, "errors": errors},
    }
    return json_response(body, 422, rate_limit_headers())


def _person(payload: EventPersonPayload, c: Checker) -> EventPerson | None:
    code = c.required("identification_document_code", payload.identification_document_code)
    if code is not None and catalogs.by_code("identification_document_ids", code) is None:
        c.add("identification_document_code", "El campo identification document code es inválido.")
    identification = c.required("identification", payload.identification)
    if identification is not None and (
        len(identification) > 20 or not identification.replace("-", "").isalnum()
    ):
        c.add("identification", "El campo identification es inválido.")
    dv = text(payload.dv)
    if dv is not None and (not dv.isascii() or not dv.isdigit() or len(dv) != 1):
        c.add("dv", "El campo dv es inválido.")
    first = c.required("first_name", payload.first_name)
    last = c.required("last_name", payload.last_name)
    if c.errors or not (code and identification and first and last):
        return None
    digits = identification.replace("-", "")
    if code == NIT and dv is None and digits.isdigit():
        dv = check_digit(digits)
    return EventPerson(
        id_type=code,
        id_number=digits,
        first_name=first,
        last_name=last,
        dv=dv if code == NIT else None,
        job_title=text(payload.job_title),
        department=text(payload.organization_department),
    )


# ------------------------------------------------------------------------------ issued bills


async def bill_events(ctx: AppContext, tenant: TenantView, number: str) -> Response[bytes]:
    stored = await service.find_by_number(ctx, tenant, "bill", number)
    if stored is None:
        return service.found_nothing(number)
    if stored.status != DocumentStatus.ACCEPTED or not stored.unique_code:
        return service.not_validated("bill")
    held = await ctx.events.dian_events(tenant.id, stored.unique_code)
    events: list[Any] = list(held.events)
    known = {e.cude for e in held.events}
    for record in await ctx.events.list_for_invoice(tenant.id, stored.unique_code):
        if record.status == "aceptado" and record.cude not in known:
            events.append(record)
    rows = sorted(
        (bill_event(e) for e in events),
        key=lambda r: (r["effective_date"], r["effective_time"], r["event_code"]),
    )
    return service.answer({"status": OK, "message": SUCCESS, "data": rows})


async def tacit_acceptance(
    ctx: AppContext,
    tenant: TenantView,
    number: str,
    event_type: str,
    request: Request[Any, Any, Any],
) -> Response[bytes]:
    payload = decode_json(await request.body() or b"{}", EventPersonPayload)
    c = Checker()
    person = _person(payload, c)
    if c.errors:
        raise InvalidRequest(c.errors)
    stored = await service.find_by_number(ctx, tenant, "bill", number)
    if stored is None:
        return service.found_nothing(number)
    if stored.status != DocumentStatus.ACCEPTED or not stored.unique_code:
        return service.not_validated("bill")
    event = EventRequest(cufe=stored.unique_code, code=event_type, person=person)  # type: ignore[arg-type]
    try:
        record = await ctx.events.send(tenant.id, event, dialect=DIALECT)
    except RadianRefused as error:
        raise refused(error, "number") from None
    if record.status != "aceptado":
        return _rejected(record)
    message = "Evento aceptación tácita emitido con éxito"
    return service.answer({"status": OK, "message": message, "data": bill_event(record)})


# ------------------------------------------------------------------------------ received bills


async def upload(
    ctx: AppContext, tenant: TenantView, request: Request[Any, Any, Any]
) -> Response[bytes]:
    media = request.headers.get("content-type", "")
    try:
        if media.startswith("multipart/form-data"):
            form = await request.form()
            file = form.get("file")
            content = await file.read() if hasattr(file, "read") else None
            if not content:
                raise InvalidRequest({"file": ["El campo file es obligatorio."]})
            if len(content) > MAX_XML:
                raise InvalidRequest({"file": ["El archivo no debe pesar más de 5 MB."]})
            invoice = await ctx.received.load(tenant.id, content, dialect=DIALECT)
        else:
            payload = decode_json(await request.body() or b"{}", ReceptionUploadPayload)
            cufe = text(payload.track_id)
            if cufe is None:
                raise InvalidRequest({"track_id": ["El campo track id es obligatorio."]})
            if len(cufe) != 96 or any(ch not in "0123456789abcdef" for ch in cufe.lower()):
                raise InvalidRequest({"track_id": ["El campo track id es inválido."]})
            invoice = await ctx.received.load_by_cufe(tenant.id, cufe.lower(), dialect=DIALECT)
    except RadianRefused as error:
        raise refused(error, "track_id") from None
    body = {
        "status": "Created",
        "message": "Factura cargada con éxito",
        "data": received_bill(invoice),
    }
    return service.answer(body, 201)


async def received_list(
    ctx: AppContext, tenant: TenantView, request: Request[Any, Any, Any]
) -> Response[bytes]:
    params = request.query_params
    page = as_int(params.get("page")) or 1
    if not 1 <= page <= service.MAX_PAGE:
        raise InvalidRequest({"page": ["El campo page debe ser un número entre 1 y 1000000."]})

    def param(name: str) -> str | None:
        value = (params.get(f"filter[{name}]") or "").strip()
        return value[:200] or None

    issue_date = None
    if param("issue_date"):
        issue_date = parse_iso_date(param("issue_date") or "")
        if issue_date is None:
            raise InvalidRequest({"filter.issue_date": ["El campo filter.issue_date es inválido."]})
    wanted = param("completed_events")
    if wanted not in (None, "0", "1"):
        raise InvalidRequest(
            {"filter.completed_events": ["El campo filter.completed_events es inválido."]}
        )
    filters: dict[str, Any] = {
        "number": param("number"),
        "cufe": (param("cufe") or "").lower() or None,
        "supplier_nit": param("company_nit"),
        "supplier_name": param("company_name"),
        "issue_date": issue_date,
    }
    wanted_id = param("id")
    if wanted_id is not None:
        rows, total = await _one(ctx, tenant, as_int(wanted_id), filters)
    elif wanted is None:
        found = await ctx.received.list(
            tenant.id, offset=(page - 1) * service.PER_PAGE, limit=service.PER_PAGE, **filters
        )
        rows, total = list(found.items), found.total
    else:  # completed or not: decided by the events, so read them all and page here
        matching = [i for i in await _all(ctx, tenant, filters) if completed(i) == (wanted == "1")]
        start = (page - 1) * service.PER_PAGE
        rows, total = matching[start : start + service.PER_PAGE], len(matching)
    if wanted_id is not None and wanted is not None:
        rows = [i for i in rows if completed(i) == (wanted == "1")]
        total = len(rows)
    base = str(request.url).split("?", 1)[0]
    sent = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"))
    kept = [(k, v) for k, v in sent if k != "page"]
    data = {
        "data": [received_row(i) for i in rows],
        "pagination": pagination(total, page, service.PER_PAGE, base, kept),
    }
    return service.answer({"status": OK, "message": SUCCESS, "data": data})


async def _one(
    ctx: AppContext, tenant: TenantView, received_id: int | None, filters: dict[str, Any]
) -> tuple[list[ReceivedInvoice], int]:
    if received_id is None:
        return [], 0
    try:
        invoice = await ctx.received.get(tenant.id, received_id)
    except NotFound:
        return [], 0
    checks = (
        (filters["number"], invoice.number),
        (filters["cufe"], invoice.cufe),
        (filters["supplier_nit"], invoice.supplier_nit),
        (filters["issue_date"], invoice.issue_date),
    )
    name = filters["supplier_name"]
    if any(want is not None and want != have for want, have in checks) or (
        name is not None and name.lower() not in invoice.supplier_name.lower()
    ):
        return [], 0
    return [invoice], 1


async def _all(
    ctx: AppContext, tenant: TenantView, filters: dict[str, Any]
) -> list[ReceivedInvoice]:
    out: list[ReceivedInvoice] = []
    while True:
        found = await ctx.received.list(tenant.id, offset=len(out), limit=PAGE_BATCH, **filters)
        out.extend(found.items)
        if not found.items or len(out) >= found.total:
            return out


async def received_event(
    ctx: AppContext,
    tenant: TenantView,
    received_id: str,
    event_type: str,
    request: Request[Any, Any, Any],
) -> Response[bytes]:
    payload = decode_json(await request.body() or b"{}", EventPersonPayload)
    c = Checker()
    concept = text(payload.claim_concept_code)
    person = _person(payload, c)
    if c.errors:
        raise InvalidRequest(c.errors)
    number = as_int(received_id)
    try:
        if number is None:
            raise NotFound(received_id)
        invoice = await ctx.received.get(tenant.id, number)
    except NotFound:
        return service.found_nothing(received_id)
    event = EventRequest(
        cufe=invoice.cufe,
        code=event_type,  # type: ignore[arg-type]
        claim_concept=concept.zfill(2) if event_type == CLAIM and concept else None,
        person=person,
    )
    try:
        record = await ctx.events.send(tenant.id, event, dialect=DIALECT)
    except RadianRefused as error:
        raise refused(error, "bill_id") from None
    if record.status != "aceptado":
        return _rejected(record)
    invoice = await ctx.received.get(tenant.id, invoice.id)
    message = f"Evento {event_name(record.code, record.name).lower()} emitido con éxito"
    return service.answer({"status": OK, "message": message, "data": received_bill(invoice)})
