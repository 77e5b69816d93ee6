"""APIDIAN's RADIAN routes (research §1.2): ``POST /send-event`` and ``/send-event-data``.

``/send-event`` carries the invoice the event is about as ``base64_attacheddocument`` (the
AttachedDocument, or the signed invoice XML, the supplier sent); ``/send-event-data`` names it
by ``document_reference.cufe``, and an invoice the company has not loaded yet is fetched from
DIAN by its CUFE (GetXmlByDocumentKey), as APIDIAN does. ``event_id`` is APIDIAN's ``events``
id: 1 acuse de recibo (030), 2 reclamo (031, with ``type_rejection_id``), 3 recibo del bien
(032), 4 aceptación expresa (033) — as the buyer of a received invoice — and 5 aceptación
tácita (034), as the issuer of an invoice the company issued here. ``issuer_party`` is the
person who acts for the company.

Every RADIAN rule (order, roles, term, the claim concept, the invoice's signature and CUFE)
is core's: a refusal is a 422 with the rule id and its Spanish message on APIDIAN's field.
The answer is APIDIAN's: ``success``, ``message`` (``"ApplicationResponse #<factura> generada
con éxito"``), ``ResponseDian`` (DIAN's SendEventUpdateStatus answer, converted as APIDIAN
converts it), ``cude``, ``certificate_days_left`` and, once DIAN accepted the event, who sent
it to whom and the invoice's number, date, CUFE, total and tax. An event the company already
recorded is not sent again: ``{"success": false, "message": "Ya se registro este evento para
este documento."}``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any, cast

from litestar import Request, Response, post

from adapters.apidian import catalogs
from adapters.apidian.auth import DIALECT, UBL_PREFIX, Tenant, token_router
from adapters.apidian.documents import certificate_days_left
from adapters.apidian.errors import json_response
from adapters.apidian.form_rules import Errors, as_int, as_text, message, validate
from adapters.apidian.requests import decode
from adapters.apidian.responses import response_dian
from core.api import (
    DianExchange,
    EventCode,
    EventPerson,
    EventRecord,
    EventRequest,
    EventService,
    InjectedDocuments,
    InjectedEvents,
    InjectedReceived,
    InvalidRequest,
    IssueService,
    NotFound,
    ReceivedInvoice,
    ReceivedInvoices,
    TenantView,
    UnsafeXml,
    ValidationFailed,
    capture_exchanges,
    parse_xml,
    validation_fields,
)

TACIT_ACCEPTANCE = 5  # events id of 034, the issuer's event
ALREADY_RECORDED = "Ya se registro este evento para este documento."
NOT_LOADED = "El archivo no se pudo cargar, revise los problemas asociados"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

_EVENT_RULES = {
    "establishment_name": "nullable|string",
    "establishment_address": "nullable|string",
    "establishment_phone": "nullable|numeric|digits_between:7,10",
    "establishment_municipality": "nullable|exists:municipalities",
    "establishment_email": "nullable|string|email",
    "email_cc_list": "nullable|array",
    "email_cc_list.*.email": "nullable|required_with:email_cc_list|string|email",
    "sendmail": "nullable|boolean",
    "sendmailtome": "nullable|boolean",
    "event_id": "required|exists:events",
    "issuer_party": "nullable|array",
    "issuer_party.identification_number": "nullable|required_with:issuer_party|string",
    "issuer_party.first_name": "nullable|required_with:issuer_party|string",
    "issuer_party.last_name": "nullable|required_with:issuer_party|string",
    "issuer_party.organization_department": "nullable|required_with:issuer_party|string",
    "issuer_party.job_title": "nullable|required_with:issuer_party|string",
    "type_rejection_id": "nullable|required_if:event_id,2|exists:type_rejections",
    "resend_consecutive": "nullable|boolean",
}
SEND_EVENT_RULES = {
    **_EVENT_RULES,
    "base64_attacheddocument": "required|string",
    "base64_attacheddocument_name": "required|string",
}
SEND_EVENT_DATA_RULES = {
    **_EVENT_RULES,
    "send_email_cc_list_as_email_cc": "nullable|boolean",
    "validate_email": "nullable|boolean",
    "document_reference": "required|array",
    "document_reference.cufe": "required|string",
}
# core's field names -> APIDIAN's, per route
_PATHS = {
    "code": "event_id",
    "claim_concept": "type_rejection_id",
    "person": "issuer_party",
}


@post("/send-event", summary="Evento RADIAN sobre el AttachedDocument de una factura")
async def send_event(
    documents: InjectedDocuments,
    events: InjectedEvents,
    received: InjectedReceived,
    tenant: Tenant,
    request: Request[Any, Any, Any],
) -> Response[bytes]:
    body = _read(await request.body(), SEND_EVENT_RULES)
    where = "base64_attacheddocument"
    try:
        xml = base64.b64decode(as_text(body["base64_attacheddocument"]) or "", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest({where: [NOT_LOADED]}) from None
    event_id = as_int(body["event_id"]) or 0
    invoice: ReceivedInvoice | None = None
    try:
        if event_id == TACIT_ACCEPTANCE:
            cufe = _own_invoice_cufe(xml)
        else:
            invoice = await received.load(tenant.id, xml, dialect=DIALECT)
            cufe = invoice.cufe
    except ValidationFailed as failed:
        raise InvalidRequest(validation_fields(failed.problems, _path(where))) from None
    return await _send(documents, events, tenant, body, cufe, invoice, where)


@post("/send-event-data", summary="Evento RADIAN sobre la factura de un CUFE")
async def send_event_data(
    documents: InjectedDocuments,
    events: InjectedEvents,
    received: InjectedReceived,
    tenant: Tenant,
    request: Request[Any, Any, Any],
) -> Response[bytes]:
    body = _read(await request.body(), SEND_EVENT_DATA_RULES)
    where = "document_reference.cufe"
    cufe = (as_text(body["document_reference"].get("cufe")) or "").lower()
    invoice: ReceivedInvoice | None = None
    if as_int(body["event_id"]) != TACIT_ACCEPTANCE:
        try:
            invoice = await _received(received, tenant, cufe)
        except ValidationFailed as failed:
            raise InvalidRequest(validation_fields(failed.problems, _path(where))) from None
    return await _send(documents, events, tenant, body, cufe, invoice, where)


def _read(raw: bytes, rules: Mapping[str, str]) -> dict[str, Any]:
    body = decode(raw)
    errors: Errors = {}
    validate(body, rules, errors)
    if not errors and not _event_code(body):  # 02/04: DIAN's own answers, not events one sends
        errors["event_id"] = [message("exists", "event_id")]
    if errors:
        raise InvalidRequest(errors)
    return body


def _event_code(body: Mapping[str, Any]) -> str | None:
    row = catalogs.row("events", as_int(body.get("event_id")) or 0)
    return row.code if row is not None and row.code.startswith("03") else None


def _path(where: str) -> Callable[[str], str]:
    """Core's field of a refusal on APIDIAN's; the invoice's own problems (its XML, signature,
    CUFE) on the field that named the invoice (``where``)."""

    def translate(path: str) -> str:
        head = path.split(".")[0].split("[")[0]
        return _PATHS.get(head, where)

    return translate


async def _received(received: ReceivedInvoices, tenant: TenantView, cufe: str) -> ReceivedInvoice:
    """The company's received invoice with this CUFE; loaded from DIAN the first time."""
    try:
        return await received.by_cufe(tenant.id, cufe)
    except NotFound:
        return await received.load_by_cufe(tenant.id, cufe, dialect=DIALECT)


def _own_invoice_cufe(xml: bytes) -> str:
    """The CUFE of the invoice an AttachedDocument (``cac:ParentDocumentLineReference``) or an
    invoice XML (``cbc:UUID``) carries; the invoice itself is the company's own record."""
    try:
        root = parse_xml(xml)
    except (UnsafeXml, ValueError):
        raise InvalidRequest({"base64_attacheddocument": [NOT_LOADED]}) from None
    found = root.findtext(f"{{{CBC}}}UUID") or root.findtext(
        f".//{{*}}ParentDocumentLineReference/{{*}}DocumentReference/{{{CBC}}}UUID"
    )
    if not found:
        raise InvalidRequest({"base64_attacheddocument": [NOT_LOADED]})
    return found.strip().lower()


async def _send(
    documents: IssueService,
    events: EventService,
    tenant: TenantView,
    body: Mapping[str, Any],
    cufe: str,
    invoice: ReceivedInvoice | None,
    where: str,
) -> Response[bytes]:
    code = _event_code(body) or ""
    recorded = await events.list_for_invoice(tenant.id, cufe)
    if any(e.code == code and e.status == "aceptado" for e in recorded):
        return json_response({"success": False, "message": ALREADY_RECORDED})
    request = EventRequest(
        cufe=cufe,
        code=cast(EventCode, code),  # one of 030-034 (_event_code)
        claim_concept=_claim_concept(body),
        person=_person(body.get("issuer_party")),
    )
    try:
        with capture_exchanges() as exchanges:
            record = await events.send(tenant.id, request, dialect=DIALECT)
    except ValidationFailed as failed:
        raise InvalidRequest(validation_fields(failed.problems, _path(where))) from None
    return json_response(await _answer(documents, tenant, record, invoice, _exchange(exchanges)))


def _claim_concept(body: Mapping[str, Any]) -> str | None:
    row = catalogs.row("type_rejections", as_int(body.get("type_rejection_id")) or 0)
    return row.code.zfill(2) if row is not None else None


def _person(value: Any) -> EventPerson | None:
    if not isinstance(value, Mapping) or not value:
        return None
    return EventPerson(
        id_type="13",
        id_number=as_text(value.get("identification_number")) or "",
        first_name=as_text(value.get("first_name")) or "",
        last_name=as_text(value.get("last_name")) or "",
        job_title=as_text(value.get("job_title")),
        department=as_text(value.get("organization_department")),
    )


def _exchange(exchanges: list[DianExchange]) -> DianExchange | None:
    sent = [e for e in exchanges if e.operation == "SendEventUpdateStatus"]
    return sent[-1] if sent else None


async def _answer(
    documents: IssueService,
    tenant: TenantView,
    record: EventRecord,
    invoice: ReceivedInvoice | None,
    exchange: DianExchange | None,
) -> dict[str, Any]:
    type_row = catalogs.row("type_documents", 8)  # ApplicationResponse
    answer: dict[str, Any] = {
        "success": True,
        "message": f"{type_row.name if type_row else ''} #{record.invoice_number} "
        "generada con éxito",
        "ResponseDian": response_dian(exchange),
        "cude": record.cude,
        "certificate_days_left": await certificate_days_left(documents, tenant),
    }
    if record.status != "aceptado":
        return answer
    answer["transmitter_id"] = tenant.nit
    answer["transmitter_name"] = tenant.party.name
    if invoice is not None:
        answer.update(
            receiver_id=invoice.supplier_nit,
            receiver_name=invoice.supplier_name,
            invoice_number=invoice.number,
            invoice_date=f"{invoice.issue_date.isoformat()} {invoice.issue_time[:8]}",
            invoice_cufe=invoice.cufe,
            invoice_total=invoice.payable,
            invoice_tax=invoice.tax_total,
        )
        return answer
    stored = await documents.documents.find_by_unique_code(tenant.id, record.invoice_cufe)
    if stored is not None:
        issued = stored.record()
        answer.update(
            receiver_id=issued.customer_id,
            receiver_name=issued.customer_name,
            invoice_number=issued.full_number,
            invoice_date=issued.issue_datetime.strftime("%Y-%m-%d %H:%M:%S"),
            invoice_cufe=issued.unique_code,
            invoice_total=issued.payable,
            invoice_tax=issued.tax_total,
        )
    return answer


ROUTE_HANDLERS = [token_router(UBL_PREFIX, [send_event, send_event_data])]
