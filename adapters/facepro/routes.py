"""FacEPro Cloud's HTTP surface under ``/api/v1``: thin handlers over the issuing service.

Each handler decodes and checks the body (``validation``), maps it (``mapping``), calls the
issuing service (the dependency ``documents``) and renders FacEPro's shape (``responses``).
Errors are raised as types and answered in FacEPro's shape (``errors.SHAPE``, declared with
the dialect's path prefix), so other dialects keep their own shapes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, SkipValidation

from adapters.facepro import responses
from adapters.facepro.errors import json_response
from adapters.facepro.mapping import to_document
from adapters.facepro.payloads import DocumentoPayload, NotaPayload
from adapters.facepro.validation import Kind, check_documento, decode
from core.api import (
    Authenticated,
    BearerAuth,
    DocumentStatus,
    InjectedAttachments,
    InjectedDocuments,
    InjectedPdfs,
    InvalidRequest,
    IssueService,
    TenantView,
    now_bogota,
    parse_bounded_int,
    parse_iso_date,
)

DIALECT = "facepro"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # pages of up to 100: far past any tenant's documents
# What ``desde``/``hasta`` may be: wide enough for any report, narrow enough to stay a date.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)

# Dependencies are objects built by the gateway: never re-validated per request.
Tenant = NamedDependency[SkipValidation[TenantView]]
Auth = NamedDependency[SkipValidation[Authenticated]]
TrackingId = FromPath[str]

# FacEPro's tokens are "<id>|<secret>" (Laravel Sanctum's shape)
bearer_auth = BearerAuth(DIALECT, schemes=("par",))


def authenticated_tenant(auth: Auth) -> TenantView:
    """Dependency ``tenant``: the tenant behind the request's token."""
    return auth.tenant


def base_url(request: Request[Any, Any, Any]) -> str:
    """Where this request came in, so links point back at the same gateway."""
    return str(request.base_url).rstrip("/")


class FaceproController(Controller):
    path = "/"

    @get("/health", sync_to_thread=False, summary="Estado del servicio")
    def health(self) -> Response[bytes]:
        return json_response(responses.health())

    @get("/me", summary="Información de la empresa autenticada", sync_to_thread=False)
    def me(self, auth: Auth) -> Response[bytes]:
        credential_id = auth.credential_id
        user = {
            "id": credential_id,
            "name": auth.label or f"Token API {credential_id}",
            "email": None,
        }
        return json_response(responses.me(auth.tenant, user))

    @post("/documentos", summary="Emitir factura electrónica")
    async def create_invoice(
        self, documents: InjectedDocuments, tenant: Tenant, request: Request
    ) -> Response[bytes]:
        return await _issue(documents, tenant, request, DocumentoPayload, "factura")

    @post("/notas-credito", summary="Emitir nota crédito")
    async def create_credit_note(
        self, documents: InjectedDocuments, tenant: Tenant, request: Request
    ) -> Response[bytes]:
        return await _issue(documents, tenant, request, NotaPayload, "nota_credito")

    @post("/notas-debito", summary="Emitir nota débito")
    async def create_debit_note(
        self, documents: InjectedDocuments, tenant: Tenant, request: Request
    ) -> Response[bytes]:
        return await _issue(documents, tenant, request, NotaPayload, "nota_debito")

    @get("/documentos", summary="Listar documentos")
    async def list_documents(
        self, documents: InjectedDocuments, tenant: Tenant, request: Request
    ) -> Response[bytes]:
        query = _list_query(request)
        records, total = await documents.list(tenant.id, **query)
        return json_response(
            responses.listing(records, total, query["page"], query["per_page"], base_url(request))
        )

    @get("/documentos/{uuid:str}", summary="Detalle de documento")
    async def detail(
        self, documents: InjectedDocuments, tenant: Tenant, request: Request, uuid: TrackingId
    ) -> Response[bytes]:
        record = await documents.get(tenant.id, uuid)
        return json_response(responses.detail(record, base_url(request)))

    @get("/documentos/{uuid:str}/consultar", summary="Consultar estado en DIAN")
    async def consult(
        self, documents: InjectedDocuments, tenant: Tenant, request: Request, uuid: TrackingId
    ) -> Response[bytes]:
        record, dian = await documents.refresh(tenant.id, uuid)
        if dian is not None:
            status = dict(
                is_valid=dian.is_valid,
                status_code=dian.status_code or None,
                status_description=dian.status_description or None,
                errors=list(dian.error_messages),
            )
        else:  # already final: DIAN is not asked again, its stored answer is given
            status = dict(
                is_valid=record.status == DocumentStatus.ACCEPTED,
                status_code=record.dian_status_code,
                status_description=record.dian_status_description or record.dian_message,
                errors=list(record.dian_errors),
            )
        return json_response(responses.consulted(record, base_url(request), **status))

    @get("/documentos/{uuid:str}/xml", summary="Descargar XML firmado")
    async def signed_xml(
        self, documents: InjectedDocuments, tenant: Tenant, uuid: TrackingId
    ) -> Response[bytes]:
        """The signed XML; 409 for a document that failed before it was signed."""
        xml = await documents.signed_xml(tenant.id, uuid)
        return Response(content=xml, media_type="application/xml")

    @get("/documentos/{uuid:str}/pdf", summary="Descargar representación gráfica (PDF)")
    async def pdf(self, pdfs: InjectedPdfs, tenant: Tenant, uuid: TrackingId) -> Response[bytes]:
        """The PDF with its QR; 409 until DIAN accepts the document."""
        name, content = await pdfs.pdf(tenant.id, uuid)
        return Response(
            content=content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/documentos/{uuid:str}/attached", summary="Descargar AttachedDocument")
    async def attached_document(
        self, attachments: InjectedAttachments, tenant: Tenant, uuid: TrackingId
    ) -> Response[bytes]:
        """The AttachedDocument for the buyer (signed document + DIAN's answer); 409 until
        the document is accepted."""
        name, xml = await attachments.attached_document(tenant.id, uuid)
        disposition = f'attachment; filename="{name}"'
        return Response(
            content=xml, media_type="application/xml", headers={"Content-Disposition": disposition}
        )


async def _issue(
    documents: IssueService,
    tenant: TenantView,
    request: Request[Any, Any, Any],
    payload_type: type[DocumentoPayload],
    kind: Kind,
) -> Response[bytes]:
    body = await request.body()
    payload = decode(body, payload_type)
    errors = check_documento(payload, kind)
    if errors:
        raise InvalidRequest(errors)
    document = to_document(payload, kind, now_bogota())
    record = await documents.issue(tenant, document, dialect=DIALECT, request_payload=body)
    return json_response(responses.created(record, base_url(request)), status_code=201)


def _list_query(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """``estado``, ``desde``, ``hasta``, ``page``, ``per_page`` checked the FacEPro way; every
    value is bounded before it reaches the database."""
    params = request.query_params
    errors: dict[str, list[str]] = {}
    estado = params.get("estado") or None
    if estado is not None and estado not in frozenset(DocumentStatus):
        errors["estado"] = ["El estado debe ser aceptado, rechazado, pendiente o fallido."]
    dates: dict[str, dt.date | None] = {}
    for name in ("desde", "hasta"):
        raw = params.get(name) or None
        dates[name] = parse_iso_date(raw) if raw else None
        if raw and dates[name] is None:
            errors[name] = ["La fecha debe tener el formato YYYY-MM-DD."]
        elif dates[name] is not None and not EARLIEST_DATE <= dates[name] <= LATEST_DATE:
            errors[name] = [
                f"La fecha debe estar entre {EARLIEST_DATE.isoformat()} y "
                f"{LATEST_DATE.isoformat()}."
            ]
    page = parse_bounded_int(params.get("page"), default=1, minimum=1, maximum=MAX_PAGE)
    if page is None:
        errors["page"] = [f"La página debe ser un entero entre 1 y {MAX_PAGE}."]
    per_page = parse_bounded_int(
        params.get("per_page"), default=DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PAGE
    )
    if per_page is None:
        errors["per_page"] = [f"per_page debe ser un entero entre 1 y {MAX_PER_PAGE}."]
    if errors:
        raise InvalidRequest(errors)
    assert page is not None and per_page is not None
    return {
        "status": estado,
        "date_from": dates["desde"],
        "date_to": dates["hasta"],
        "page": page,
        "per_page": min(per_page, MAX_PER_PAGE),
    }


router = Router(
    path="/api/v1",
    route_handlers=[FaceproController],
    dependencies={
        "auth": bearer_auth.provide(),
        "tenant": Provide(authenticated_tenant, sync_to_thread=False),
    },
    tags=["FacEPro Cloud"],
)
