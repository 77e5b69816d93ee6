"""APIDIAN's document endpoints under ``/api/ubl2.1`` (research §1.2, §4, §5).

``POST /invoice``, ``/invoice-aiu``, ``/invoice-mandate``, ``/invoice-export``,
``/invoice-contingency``, ``/credit-note``, ``/debit-note``, ``/eqdoc``, ``/support-document``
and ``/sd-credit-note``, each also with ``/{testSetId}``; ``/invoice-contingency-4`` (stored
now, sent later) is in ``contingency``. Without a test-set id the document goes with
SendBillSync and the answer carries DIAN's verdict; with one it goes with SendTestSetAsync to
that test set and the answer carries the ZipKey (the verdict: ``status/zip``).

Each handler reads the body (``requests``: APIDIAN's rules and messages), picks the
company's resolution, maps it (``mapping``), issues it with the client's own number and
renders APIDIAN's answer (``responses``) from the record, the signed XML and the SOAP
exchange with DIAN captured while issuing (``ResponseDian``, ``reqfe``, ``rptafe``).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from adapters.apidian import mapping, requests
from adapters.apidian.auth import DIALECT, UBL_PREFIX, Tenant, token_router
from adapters.apidian.document_rules import Endpoint
from adapters.apidian.errors import json_response
from adapters.apidian.form_rules import as_bool, as_text
from adapters.apidian.paths import apidian_path
from adapters.apidian.responses import document_answer, kind_answer, stored_answer
from core.api import (
    AttachedDocuments,
    CertificateExpired,
    DianExchange,
    DocumentStatus,
    DuplicateDocument,
    EmailDeliveries,
    InjectedAttachments,
    InjectedDeliveries,
    InjectedDocuments,
    InvalidRequest,
    IssueService,
    NotFound,
    NumberingRange,
    TenantView,
    ValidationFailed,
    capture_exchanges,
    days_until,
    now_bogota,
    validation_fields,
    zip_xml,
)

_TEST_SET_ID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
SEND_OPERATIONS = frozenset({"SendBillSync", "SendTestSetAsync"})
ALREADY_SENT = "Este documento ya fue enviado anteriormente, se registra en la base de datos."
TestSetId = FromPath[str]

EXPIRED_CERTIFICATE = (
    "El certificado digital ya se encuentra vencido, actualícelo para poder firmar documentos."
)


# endpoint -> what APIDIAN's route summary calls it
TITLES: dict[Endpoint, str] = {
    "invoice": "Factura electrónica",
    "invoice-aiu": "Factura AIU",
    "invoice-mandate": "Factura de mandato",
    "invoice-export": "Factura de exportación (2)",
    "invoice-contingency": "Factura de contingencia, instrumento de transmisión (3)",
    "credit-note": "Nota crédito (4) o nota de ajuste crédito (26)",
    "debit-note": "Nota débito (5) o nota de ajuste débito (25)",
    "eqdoc": "Documento equivalente POS (15)",
    "support-document": "Documento soporte (11)",
    "sd-credit-note": "Nota de ajuste al documento soporte (13)",
}


def endpoint_handlers(endpoint: Endpoint) -> list[Any]:
    """``POST /{endpoint}`` (SendBillSync) and ``POST /{endpoint}/{testSetId}``
    (SendTestSetAsync), both issuing through ``issue``."""
    title = TITLES[endpoint]

    @post(f"/{endpoint}", summary=f"{title} (SendBillSync)", name=endpoint)
    async def sync(
        documents: InjectedDocuments,
        attachments: InjectedAttachments,
        deliveries: InjectedDeliveries,
        tenant: Tenant,
        request: Request[Any, Any, Any],
    ) -> Response[bytes]:
        return await issue(endpoint, None, documents, attachments, deliveries, tenant, request)

    @post(
        f"/{endpoint}/{{test_set_id:str}}",
        summary=f"{title} (SendTestSetAsync)",
        name=f"{endpoint}-test-set",
    )
    async def test_set(
        test_set_id: TestSetId,
        documents: InjectedDocuments,
        attachments: InjectedAttachments,
        deliveries: InjectedDeliveries,
        tenant: Tenant,
        request: Request[Any, Any, Any],
    ) -> Response[bytes]:
        return await issue(
            endpoint, test_set_id, documents, attachments, deliveries, tenant, request
        )

    return [sync, test_set]


async def issue(
    endpoint: Endpoint,
    test_set_id: str | None,
    documents: IssueService,
    attachments: AttachedDocuments,
    deliveries: EmailDeliveries,
    tenant: TenantView,
    request: Request[Any, Any, Any],
) -> Response[bytes]:
    """Read, number, issue and answer one document (see the module docstring)."""
    if test_set_id is not None and not _TEST_SET_ID.fullmatch(test_set_id):
        # DIAN's test-set ids are GUIDs; anything else (APIDIAN's ``/invoice/preeliminar-view``,
        # not offered here) is no route, and no number is spent on it
        return json_response({"message": "The route could not be found."}, 404)
    body = requests.read(await request.body(), endpoint)
    kind = requests.dian_type(body) or ""
    numbering = requests.choose_range(body, await _ranges(documents, tenant, kind))
    errors = requests.check_resolution(body, numbering)
    if errors:
        raise InvalidRequest(errors)
    assert numbering is not None
    now = now_bogota()
    document = mapping.to_document(body, endpoint, tenant, numbering, now)
    sendmail = as_bool(body.get("sendmail"))
    try:
        with capture_exchanges() as exchanges:
            record = await documents.issue(
                tenant,
                document,
                dialect=DIALECT,
                request_payload=await request.body(),
                dialect_data=_kept(body),
                deliver_email=sendmail,
                test_set_id=test_set_id,
            )
    except ValidationFailed as failed:
        raise InvalidRequest(validation_fields(failed.problems, apidian_path(endpoint))) from None
    except DuplicateDocument as duplicate:
        return await _already_sent(documents, tenant, duplicate)
    except CertificateExpired as expired:  # APIDIAN's early exit: HTTP 200, nothing numbered
        return json_response(
            {
                "success": False,
                "message": EXPIRED_CERTIFICATE,
                "expiration_date": expired.not_after.strftime("%Y-%m-%d %H:%M:%S"),
                "certificate_days_left": 0,
            }
        )
    stored = await documents.documents.get(tenant.id, record.uuid)  # one read for the answer
    attached = await attachments.for_stored(stored)
    copy_to = tenant.party.contact.email if tenant.party.contact else None
    accepted = record.status == DocumentStatus.ACCEPTED
    if as_bool(body.get("sendmailtome")) and accepted and copy_to:
        # APIDIAN's ``sendmailtome``: the company gets a copy of the buyer's e-mail
        await deliveries.send_to(tenant.id, record.uuid, copy_to)
    # a document that failed before it was signed has none: the answer says so
    signed = stored.signed_xml.encode("utf-8") if record.unique_code and stored.signed_xml else None
    environment = documents.registry.environments.get(record.environment)
    kind = documents.registry.document_types.get(record.type_code)
    if kind.deferred_sending:  # stored signed, sent later: APIDIAN's own answer
        xml_name = f"{kind.file_prefix}{(stored.zip_name or 'z.zip')[1:-4]}"
        return json_response(
            stored_answer(
                record,
                signed=signed,
                zipped=zip_xml(signed, f"{xml_name}.xml") if signed else None,
                xml_file_name=xml_name,
                qr=environment.qr_url(record.unique_code) if record.unique_code else "",
                certificate_days_left=await certificate_days_left(documents, tenant),
                resolution_days_left=(numbering.valid_to - now.date()).days,
                attached_prefix=as_text(body.get("atacheddocument_name_prefix")) or "",
            )
        )
    answer = document_answer(
        record,
        exchange=_send_exchange(exchanges),
        signed=signed,
        attached=attached,
        qr=environment.qr_url(record.unique_code) if record.unique_code else "",
        certificate_days_left=await certificate_days_left(documents, tenant),
        resolution_days_left=days_until(numbering.valid_to, now.date()),
        sendmail=sendmail is True,
        attached_prefix=as_text(body.get("atacheddocument_name_prefix")) or "",
        test_set=test_set_id is not None,
    )
    return json_response(answer)


async def _already_sent(
    documents: IssueService, tenant: TenantView, duplicate: DuplicateDocument
) -> Response[bytes]:
    """APIDIAN's answer to a number it already sent (``VALIDATE_BEFORE_SENDING``): HTTP 200
    with the stored document's customer, code and total; nothing is sent again."""
    body: dict[str, Any] = {"success": False, "message": ALREADY_SENT}
    if duplicate.existing_uuid is not None:
        record = await documents.get(tenant.id, duplicate.existing_uuid)
        key = kind_answer(record.type_code).code_key
        body.update({"customer": record.customer_id, key: record.unique_code})
        body["sale"] = record.payable
    return json_response(body)


def _kept(body: dict[str, Any]) -> dict[str, Any]:
    """Fields APIDIAN uses outside the XML and the PDF texts, kept with the document."""
    keys = ("seze", "sendmailtome", "atacheddocument_name_prefix", "establishment_name")
    return {key: body[key] for key in keys if body.get(key) is not None}


def _send_exchange(exchanges: list[DianExchange]) -> DianExchange | None:
    sends = [e for e in exchanges if e.operation in SEND_OPERATIONS]
    return sends[-1] if sends else None


async def _ranges(documents: IssueService, tenant: TenantView, kind: str) -> list[NumberingRange]:
    records = await documents.ranges.list_ranges(tenant.id, tenant.environment)
    return [r.range for r in records if r.range.document_type == kind]


async def certificate_days_left(documents: IssueService, tenant: TenantView) -> int | None:
    """Days until the tenant's certificate expires (APIDIAN's ``certificate_days_left``), as
    core's readiness counts them; ``None`` without a certificate."""
    try:
        record = await documents.tenants.get_tenant(tenant.id)
    except NotFound:
        return None
    if record.certificate is None:
        return None
    return days_until(record.certificate.not_after, now_bogota().date())


ROUTE_HANDLERS = [
    token_router(UBL_PREFIX, [h for endpoint in TITLES for h in endpoint_handlers(endpoint)])
]
