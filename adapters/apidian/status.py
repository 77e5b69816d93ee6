"""APIDIAN's status routes (research §4.4): ``POST /status/zip/{trackId}``,
``/status/document/{trackId}``, ``/xml/document/{trackId}`` and
``/status/events-document/{trackId}`` (the RADIAN events DIAN holds on an invoice:
GetStatusEvent, listed as APIDIAN lists them from the ApplicationResponse DIAN returns).

Each one asks DIAN (GetStatusZip with a ZipKey, GetStatus with a CUFE/CUDE,
GetXmlByDocumentKey) with the company's certificate on its environment, and answers with
DIAN's SOAP answer converted as APIDIAN does (``ResponseDian``) and the exchange in base64
(``reqzip``/``rptazip``). When the track id is one of the company's pending documents, its
verdict is recorded too (a test-set document becomes accepted or rejected here, as in
APIDIAN), and an accepted document's AttachedDocument comes in ``attacheddocument``. A track
id of another company's document is answered 404 without asking DIAN; an id the gateway does
not know (a document sent before the company moved here) is asked about.
``GuardarEn`` (a server path chosen by the client) is accepted and ignored.
"""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Response, post
from litestar.params import FromPath

from adapters.apidian.auth import UBL_PREFIX, Tenant, token_router
from adapters.apidian.documents import certificate_days_left
from adapters.apidian.errors import json_response
from adapters.apidian.form_rules import Errors, validate
from adapters.apidian.requests import decode
from adapters.apidian.responses import DIAN_DOWN, b64
from adapters.apidian.soap_json import response_dian as soap_to_json
from core.api import (
    AttachedDocuments,
    DianEvents,
    DianUnavailable,
    DocumentStatus,
    InjectedAttachments,
    InjectedDocuments,
    InjectedEvents,
    InjectedReceived,
    InvalidRequest,
    IssueService,
    NotFound,
    ReceivedInvoices,
    RepresentationUnavailable,
    TenantView,
    ask_dian,
    capture_exchanges,
    is_track_id,
)

TrackId = FromPath[str]
CONSULTED = "Consulta generada con éxito"
EVENTS_CONSULTED = "Consulta de eventos generada con exito "
NOT_FOUND = "No se encontro el documento: {}"
ONLY_ONE = "Debe especificar un solo documento a validar NOMINA o DOCUMENTO EQUIVALENTE, no ambos."
STATUS_RULES = {
    "is_payroll": "nullable|boolean",
    "is_eqdoc": "nullable|boolean",
    "atacheddocument_name_prefix": "nullable|string",
    "sendmail": "nullable|boolean",
    "sendmailtome": "nullable|boolean",
    "email_cc_list": "nullable|array",
    "email_cc_list.*.email": "nullable|required_with:email_cc_list|string|email",
}


class StatusController(Controller):
    path = "/"

    @post(["/status/zip/{track_id:str}", "/status/zip/{track_id:str}/{saved_in:str}"])
    async def status_zip(
        self,
        track_id: TrackId,
        documents: InjectedDocuments,
        attachments: InjectedAttachments,
        tenant: Tenant,
        request: Request[Any, Any, Any],
    ) -> Response[bytes]:
        """GetStatusZip of a test-set upload."""
        await _flags(request)
        return await _query(documents, attachments, tenant, "GetStatusZip", track_id)

    @post(["/status/document/{track_id:str}", "/status/document/{track_id:str}/{saved_in:str}"])
    async def status_document(
        self,
        track_id: TrackId,
        documents: InjectedDocuments,
        attachments: InjectedAttachments,
        tenant: Tenant,
        request: Request[Any, Any, Any],
    ) -> Response[bytes]:
        """GetStatus of a document by CUFE/CUDE."""
        await _flags(request)
        return await _query(documents, attachments, tenant, "GetStatus", track_id)

    @post(["/xml/document/{track_id:str}", "/xml/document/{track_id:str}/{saved_in:str}"])
    async def xml_document(
        self,
        track_id: TrackId,
        documents: InjectedDocuments,
        tenant: Tenant,
        request: Request[Any, Any, Any],
    ) -> Response[bytes]:
        """GetXmlByDocumentKey: the document DIAN holds for a CUFE/CUDE."""
        await _flags(request)
        if await _foreign(documents, tenant, track_id):
            return _not_found(track_id)
        try:
            exchange = await ask_dian(
                documents, tenant.id, tenant.environment, "GetXmlByDocumentKey", track_id
            )
        except DianUnavailable:
            return json_response({"success": False, "message": DIAN_DOWN})
        return json_response(
            {
                "message": CONSULTED,
                "ResponseDian": soap_to_json(exchange.response),
                "reqxml": b64(exchange.request),
                "rptaxml": b64(exchange.response),
            }
        )

    @post("/status/events-document/{track_id:str}")
    async def events_document(
        self,
        track_id: TrackId,
        documents: InjectedDocuments,
        events: InjectedEvents,
        received: InjectedReceived,
        tenant: Tenant,
    ) -> Response[bytes]:
        """GetStatusEvent: the RADIAN events DIAN holds on an invoice, whoever sent them."""
        cufe = track_id.strip()
        if await _foreign(documents, tenant, cufe) and not await _received(received, tenant, cufe):
            return _not_found(track_id)
        try:
            with capture_exchanges() as exchanges:
                found = await events.dian_events(tenant.id, cufe)
        except DianUnavailable:
            return json_response({"success": False, "message": DIAN_DOWN})
        asked = [e for e in exchanges if e.operation == "GetStatusEvent"]
        converted = soap_to_json(asked[-1].response) if asked else None
        body: dict[str, Any] = {"success": _is_valid(converted), "message": EVENTS_CONSULTED}
        if body["success"]:
            body["events"] = _events(found)
        body.update(
            {
                "ResponseDian": converted,
                "cufecude": found.cufe,
                "certificate_days_left": await certificate_days_left(documents, tenant),
            }
        )
        return json_response(body)


def _is_valid(converted: Any) -> bool:
    try:
        result = converted["Envelope"]["Body"]["GetStatusEventResponse"]["GetStatusEventResult"]
    except (KeyError, TypeError):
        return False
    return isinstance(result, dict) and result.get("IsValid") == "true"


def _events(found: DianEvents) -> list[dict[str, str]]:
    """APIDIAN's list: one entry per ``cac:DocumentResponse`` of DIAN's answer."""
    return [
        {
            "event_number": event.number,
            "dian_code": event.code,
            "description": event.name,
            "date": event.issue_date,
            "time": event.issue_time,
            "cude": event.cude,
        }
        for event in found.events
    ]


async def _received(received: ReceivedInvoices, tenant: TenantView, cufe: str) -> bool:
    """Whether the company loaded the invoice ``cufe`` as one it received."""
    try:
        await received.by_cufe(tenant.id, cufe)
    except NotFound:
        return False
    return True


async def _foreign(documents: IssueService, tenant: TenantView, track_id: str) -> bool:
    """Whether the track id cannot be one, or is a document of another company of this
    gateway (both answered as not found)."""
    if not is_track_id(track_id.strip()):
        return True
    owners = await documents.documents.tenants_of_track_id(track_id.strip())
    return bool(owners) and tenant.id not in owners


def _not_found(track_id: str) -> Response[bytes]:
    return json_response({"success": False, "message": NOT_FOUND.format(track_id)}, 404)


async def _flags(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The body's flags (``StatusRequest``), checked as APIDIAN checks them."""
    raw = await request.body()
    body = decode(raw) if raw.strip() else {}
    errors: Errors = {}
    validate(body, STATUS_RULES, errors)
    if errors:
        raise InvalidRequest(errors)
    if body.get("is_payroll") is True and body.get("is_eqdoc") is True:
        raise InvalidRequest({"is_eqdoc": [ONLY_ONE]})
    return body


async def _query(
    documents: IssueService,
    attachments: AttachedDocuments,
    tenant: TenantView,
    operation: Literal["GetStatus", "GetStatusZip"],
    track_id: str,
) -> Response[bytes]:
    if await _foreign(documents, tenant, track_id):
        return _not_found(track_id)
    try:
        exchange = await ask_dian(documents, tenant.id, tenant.environment, operation, track_id)
    except DianUnavailable:
        return json_response({"success": False, "message": DIAN_DOWN})
    repository = documents.documents
    if operation == "GetStatusZip":
        stored = await repository.find_by_zip_key(tenant.id, track_id)
    else:
        stored = await repository.find_by_unique_code(tenant.id, track_id)
    attached = b""
    code = ""
    if stored is not None:
        record = stored.record()
        if record.status == DocumentStatus.PENDING:
            record, _ = await documents.refresh(tenant.id, stored.uuid)
        code = record.unique_code
        try:
            found = await attachments.for_issued(record)
        except RepresentationUnavailable:  # accepted without DIAN's ApplicationResponse
            found = None
        attached = found[1] if found else b""
    body: dict[str, Any] = {
        "message": CONSULTED,
        "ResponseDian": soap_to_json(exchange.response),
        "reqzip": b64(exchange.request),
        "rptazip": b64(exchange.response),
        "attacheddocument": b64(attached),
    }
    if operation == "GetStatus":
        body["cufecude"] = code or track_id
    body["certificate_days_left"] = await certificate_days_left(documents, tenant)
    return json_response(body)


ROUTE_HANDLERS = [token_router(UBL_PREFIX, [StatusController])]
