"""What the bill and note handlers share: validate (issue), find, render, delete, send.

Issuing (research §7): the body is checked field by field (422, nothing stored); a
``reference_code`` the tenant already used for that kind returns that document, asking DIAN
again when it is still pending, without spending a number; a document of the kind that DIAN
rejected, or that is still waiting for DIAN, blocks the next ``validate`` with 409 until it is
deleted (``DELETE …/reference/{code}``) or resolves. A tenant's validates of one kind run one
at a time across gateway processes (``issue_claims``), so both checks hold with several
processes on one database. Otherwise core issues it (stored before
it is sent) and the answer is 201 with ``status`` 1 once DIAN validated it, else 0 and
DIAN's messages in ``errors``.

Documents are found only among the tenant's own Factus documents: another tenant's number is
"not found", exactly like a missing one.
"""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from adapters.factus.auth import DIALECT
from adapters.factus.checks import Checked, Kind, as_int, check_bill, check_note, ordered
from adapters.factus.document_responses import (
    NOT_VALIDATED_MESSAGES,
    OK,
    PENDING_MESSAGES,
    SUCCESS,
    checked_of,
    created_message,
    document_data,
    encode,
    list_row,
    notes_of,
)
from adapters.factus.errors import conflict, json_response, message_body, not_found
from adapters.factus.issue_claims import ClaimTimeout, issuing
from adapters.factus.listing import pagination
from adapters.factus.mapping import TYPE_CODES, to_document
from adapters.factus.payloads import BillPayload, EmailPayload, NotePayload
from core.api import (
    AppContext,
    DocumentRepository,
    DocumentStatus,
    InvalidRequest,
    NotFound,
    StoredDocument,
    TenantView,
    ValidationFailed,
    decode_json,
    document_file_names,
    is_email,
    now_bogota,
    rate_limit_headers,
)

Ctx = NamedDependency[SkipValidation[AppContext]]

PER_PAGE = 10
MAX_PAGE = 1_000_000
NOT_VALIDATED = (DocumentStatus.PENDING, DocumentStatus.REJECTED, DocumentStatus.FAILED)
_LOCKS: dict[tuple[int, str, str], list[Any]] = {}  # key -> [lock, users]


@asynccontextmanager
async def _one_at_a_time(tenant_id: int, kind: Kind, reference: str) -> AsyncIterator[None]:
    """One holder of a key at a time in this process (a bill's list of notes)."""
    key = (tenant_id, kind, reference)
    entry = _LOCKS.get(key)
    if entry is None:
        entry = _LOCKS[key] = [asyncio.Lock(), 0]
    entry[1] += 1
    try:
        async with entry[0]:
            yield
    finally:
        entry[1] -= 1
        if entry[1] == 0:
            _LOCKS.pop(key, None)


def repository(ctx: AppContext) -> DocumentRepository:
    return ctx.documents.documents


def answer(body: Any, status_code: int = 200) -> Response[bytes]:
    return Response(
        content=encode(body),
        status_code=status_code,
        media_type="application/json",
        headers=rate_limit_headers(),
    )


def found_nothing(number: str) -> Response[bytes]:
    return not_found(f"No se encontró el documento {number}")


def not_validated(kind: Kind) -> Response[bytes]:
    return json_response(
        message_body(409, NOT_VALIDATED_MESSAGES[kind]),
        409,
        rate_limit_headers(),
    )


# ------------------------------------------------------------------------------ finding


async def find_by_number(ctx: AppContext, tenant: TenantView, kind: Kind, number: str):
    if not number or len(number) > 60:
        return None
    found, _ = await repository(ctx).list_stored(
        tenant.id, 1, 1, dialect=DIALECT, type_code=TYPE_CODES[kind], full_number=number
    )
    return found[0] if found else None


async def find_by_reference(
    ctx: AppContext, tenant: TenantView, kind: Kind, reference: str
) -> StoredDocument | None:
    if not reference or len(reference) > 100:
        return None
    found, _ = await repository(ctx).list_stored(
        tenant.id, 1, 1, dialect=DIALECT, type_code=TYPE_CODES[kind], reference=reference
    )
    return found[0] if found else None


async def render(
    ctx: AppContext, tenant: TenantView, stored: StoredDocument, *, show: bool = False
) -> dict[str, Any]:
    checked = checked_of(stored)
    assert checked is not None
    environment = ctx.registry.environments.get(stored.environment)
    numbering_range = None
    credit_notes = notes_of(stored, "credit_note")
    debit_notes = notes_of(stored, "debit_note")
    if checked.kind == "bill":
        try:
            numbering_range = await ctx.ranges.range_of(
                tenant.id, stored.environment, "01", stored.prefix, stored.number
            )
        except NotFound:
            numbering_range = None
    return document_data(
        stored,
        checked,
        tenant,
        qr_url=environment.qr_url(stored.unique_code or ""),
        numbering_range=numbering_range,
        party=stored.canonical().customer if checked.customer is None else None,  # type: ignore[union-attr]
        credit_notes=credit_notes,
        debit_notes=debit_notes,
        show=show,
    )


# ------------------------------------------------------------------------------ issuing


async def validate(
    ctx: AppContext, tenant: TenantView, request: Request[Any, Any, Any], kind: Kind
) -> Response[bytes]:
    body = await request.body()
    if kind == "bill":
        bill_payload = decode_json(body, BillPayload)
        errors, checked = check_bill(bill_payload)
        raw_range = bill_payload.numbering_range_id
        raw_bill = None
    else:
        note_payload = decode_json(body, NotePayload)
        errors, checked = check_note(note_payload, kind)
        raw_range = note_payload.numbering_range_id
        raw_bill = note_payload.bill_id
    errors = dict(errors)
    range_id = as_int(raw_range)
    if (
        raw_range is not None
        and str(raw_range).strip()
        and "numbering_range_id" not in errors
        and (range_id is None or not await usable_range(ctx, tenant, kind, range_id))
    ):
        errors["numbering_range_id"] = ["El campo id rango de numeración es inválido."]
    bill = None
    bill_id = as_int(raw_bill)
    if kind != "bill" and bill_id is not None and "bill_id" not in errors:
        bill = await _bill(ctx, tenant, bill_id)
        if bill is None:
            errors["bill_id"] = ["La factura seleccionada no existe."]
        elif bill.status != DocumentStatus.ACCEPTED or not bill.unique_code:
            errors["bill_id"] = ["La factura seleccionada no ha sido validada por la DIAN."]
            bill = None
    if errors or checked is None:
        raise InvalidRequest(ordered(errors))
    try:
        async with issuing(ctx, tenant.id, kind, checked.reference_code):
            return await _issue(ctx, tenant, kind, checked, bill, body)
    except ClaimTimeout:
        return conflict(PENDING_MESSAGES[kind])


async def _issue(
    ctx: AppContext,
    tenant: TenantView,
    kind: Kind,
    checked: Checked,
    bill: StoredDocument | None,
    body: bytes,
) -> Response[bytes]:
    existing = await find_by_reference(ctx, tenant, kind, checked.reference_code)
    if existing is not None:  # a retry: that document, asked about again when still pending
        if existing.status == DocumentStatus.PENDING:
            await ctx.documents.refresh(tenant.id, existing.uuid)
            existing = await repository(ctx).get(tenant.id, existing.uuid)
        stored_checked = checked_of(existing) or checked
        return answer(
            {
                "status": "Created",
                "message": created_message(stored_checked, existing),
                "data": await render(ctx, tenant, existing),
            },
            201,
        )
    if await blocking(ctx, tenant, kind) is not None:
        return conflict(PENDING_MESSAGES[kind])
    bill_data: dict[str, Any] | None = None
    bill_customer = None
    if bill is not None:
        issued = bill.issue_datetime or bill.created_at
        bill_data = {
            "id": bill.id,
            "number": bill.full_number,
            "cufe": bill.unique_code,
            "issue_date": issued.date().isoformat(),
        }
        if checked.customer is None:
            bill_checked = checked_of(bill)
            if bill_checked is not None and bill_checked.customer is not None:
                checked = msgspec.structs.replace(checked, customer=bill_checked.customer)
            else:
                canonical = bill.canonical()
                bill_customer = canonical.customer if canonical else None
    document = to_document(checked, now_bogota(), bill=bill_data, bill_customer=bill_customer)
    try:
        record = await ctx.documents.issue(
            tenant,
            document,
            dialect=DIALECT,
            request_payload=body,
            dialect_data={"checked": msgspec.to_builtins(checked), "bill": bill_data},
            deliver_email=checked.send_email,
            reference=checked.reference_code,
            range_id=checked.numbering_range_id,
        )
    except ValidationFailed as failed:
        raise InvalidRequest(ordered(factus_fields(failed))) from None
    stored = await repository(ctx).get(tenant.id, record.uuid)
    if bill is not None:
        await link_note(ctx, tenant, bill.id, stored, kind, add=True)
    return answer(
        {
            "status": "Created",
            "message": created_message(checked, stored),
            "data": await render(ctx, tenant, stored),
        },
        201,
    )


async def usable_range(ctx: AppContext, tenant: TenantView, kind: Kind, range_id: int) -> bool:
    today = now_bogota().date()
    for record in await ctx.ranges.list_ranges(tenant.id, tenant.environment):
        found = record.range
        if found.id == range_id:
            return (
                found.document_type == TYPE_CODES[kind]
                and found.valid_from <= today <= found.valid_to
                and record.remaining > 0
            )
    return False


async def _bill(ctx: AppContext, tenant: TenantView, bill_id: int) -> StoredDocument | None:
    try:
        found = await repository(ctx).get_by_id(tenant.id, bill_id)
    except NotFound:
        return None
    return found if found.type_code == "01" else None


async def blocking(ctx: AppContext, tenant: TenantView, kind: Kind) -> StoredDocument | None:
    """The tenant's Factus document of this kind that DIAN has not validated, if any; a
    pending one is asked about first (it may have been validated meanwhile)."""
    found, _ = await repository(ctx).list_stored(
        tenant.id,
        1,
        5,
        dialect=DIALECT,
        type_code=TYPE_CODES[kind],
        statuses=[str(s) for s in NOT_VALIDATED],
    )
    for stored in found:
        if stored.status == DocumentStatus.PENDING and stored.unique_code:
            record, _ = await ctx.documents.refresh(tenant.id, stored.uuid)
            if record.status == DocumentStatus.ACCEPTED:
                continue
        return stored
    return None


_LINE = re.compile(r"^lines\[(\d+)\]\.?(.*)$")
_LINE_FIELDS = {
    "quantity": "quantity",
    "unit_price": "price",
    "unit_code": "unit_measure_id",
    "description": "name",
    "code": "code_reference",
    "taxes": "tax_rate",
    "withholdings": "withholding_taxes",
    "allowances_charges": "discount_rate",
    "standard_item_id": "standard_code_id",
}
_DOCUMENT_FIELDS = {
    "payment": "payment_method_code",
    "billing_reference": "bill_id",
    "discrepancy": "correction_concept_code",
    "invoice_period": "billing_period",
    "operation_type": "customization_id",
    "allowances_charges": "allowance_charges",
    "issue_date": "numbering_range_id",
}


def factus_fields(failed: ValidationFailed) -> dict[str, list[str]]:
    """Core's pre-flight problems on the paths the client sent (``items.0.price``)."""
    fields: dict[str, list[str]] = {}
    for problem in failed.problems:
        if problem.severity != "error":
            continue
        path = problem.path
        line = _LINE.match(path)
        if line:
            head = re.split(r"[.\[]", line.group(2) or "", maxsplit=1)[0]
            path = f"items.{line.group(1)}.{_LINE_FIELDS.get(head, head or 'name')}"
        else:
            head = re.split(r"[.\[]", path, maxsplit=1)[0]
            if head == "customer":
                path = "customer." + (path.split(".", 1)[1] if "." in path else "identification")
            else:
                path = _DOCUMENT_FIELDS.get(head, head or "items")
        text = f"{problem.rule}: {problem.message}" if problem.rule else problem.message
        fields.setdefault(path, []).append(text)
    return fields or {"items": ["El documento no es válido."]}


async def link_note(
    ctx: AppContext,
    tenant: TenantView,
    bill_id: int,
    note: StoredDocument,
    kind: Kind,
    *,
    add: bool,
) -> None:
    """Keep the bill's list of its notes (``credit_notes`` / ``debit_notes``) with it."""
    async with _one_at_a_time(tenant.id, "bill", f"notes-of-{bill_id}"):
        try:
            bill = await repository(ctx).get_by_id(tenant.id, bill_id)
        except NotFound:
            return
        data = dict(bill.dialect_data or {})
        own = dict(data.get("dialect") or {})
        notes = [n for n in own.get("notes") or [] if n.get("id") != note.id]
        if add:
            notes.append({"id": note.id, "number": note.full_number, "kind": kind})
        own["notes"] = notes
        data["dialect"] = own
        await repository(ctx).update(bill.uuid, dialect_data=data)


# ------------------------------------------------------------------------------ reading


async def show(ctx: AppContext, tenant: TenantView, kind: Kind, number: str) -> Response[bytes]:
    stored = await find_by_number(ctx, tenant, kind, number)
    if stored is None:
        return found_nothing(number)
    return answer(
        {"status": OK, "message": SUCCESS, "data": await render(ctx, tenant, stored, show=True)}
    )


async def listing(
    ctx: AppContext,
    tenant: TenantView,
    kind: Kind,
    request: Request[Any, Any, Any],
    *,
    row: Callable[[StoredDocument, str], dict[str, Any]] | None = None,
) -> Response[bytes]:
    """A page of the kind's documents; ``row`` renders one (default: a bill's or note's)."""
    params = request.query_params
    page = as_int(params.get("page")) or 1
    if not 1 <= page <= MAX_PAGE:
        raise InvalidRequest({"page": ["El campo page debe ser un número entre 1 y 1000000."]})
    filters: dict[str, Any] = {"dialect": DIALECT, "type_code": TYPE_CODES[kind]}
    for name, column in (
        ("identification", "customer_id"),
        ("names", "customer_name_contains"),
        ("number", "full_number"),
        ("prefix", "prefix"),
        ("reference_code", "reference"),
    ):
        value = (params.get(f"filter[{name}]") or "").strip()
        if value:
            filters[column] = value[:100]
    status = (params.get("filter[status]") or "").strip()
    if status == "1":
        filters["statuses"] = [str(DocumentStatus.ACCEPTED)]
    elif status == "0":
        filters["statuses"] = [str(s) for s in NOT_VALIDATED]
    elif status:
        raise InvalidRequest({"filter.status": ["El campo filter.status es inválido."]})
    rows, total = await repository(ctx).list_stored(tenant.id, page, PER_PAGE, **filters)
    name = tenant.party.trade_name or tenant.party.name
    data = [
        row(stored, name) if row else list_row(stored, checked_of(stored), name) for stored in rows
    ]
    base = str(request.url).split("?", 1)[0]
    sent = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"))
    kept = [(k, v) for k, v in sent if k != "page"]  # in the client's order
    return answer(
        {
            "status": OK,
            "message": SUCCESS,
            "data": {"data": data, "pagination": pagination(total, page, PER_PAGE, base, kept)},
        }
    )


# ------------------------------------------------------------------------------ files


async def download(
    ctx: AppContext, tenant: TenantView, kind: Kind, number: str, what: str
) -> Response[bytes]:
    stored = await find_by_number(ctx, tenant, kind, number)
    if stored is None:
        return found_nothing(number)
    if stored.status != DocumentStatus.ACCEPTED:
        return not_validated(kind)
    prefix = ctx.registry.document_types.get(stored.type_code).file_prefix
    year = (stored.issue_datetime or stored.created_at).year
    xml_name, _ = document_file_names(prefix, tenant.nit, year, stored.number)
    if what == "pdf":
        _, content = await ctx.pdfs.pdf(tenant.id, stored.uuid)
        key = "pdf_base_64_encoded"
    else:
        content = (stored.signed_xml or "").encode("utf-8")
        key = "xml_base_64_encoded"
    data = {"file_name": xml_name.removesuffix(".xml"), key: base64.b64encode(content).decode()}
    return answer({"status": OK, "message": SUCCESS, "data": data})


async def delete(
    ctx: AppContext, tenant: TenantView, kind: Kind, reference: str
) -> Response[bytes]:
    stored = await find_by_reference(ctx, tenant, kind, reference)
    if stored is None:
        return not_found(f"No se encontró el documento con código de referencia {reference}")
    if stored.status == DocumentStatus.ACCEPTED or not await repository(ctx).delete_unaccepted(
        tenant.id, stored.uuid
    ):
        return json_response(
            message_body(
                409,
                f"El documento con código de referencia {reference} ya fue validado por la "
                "DIAN y no se puede eliminar",
            ),
            409,
            rate_limit_headers(),
        )
    checked = checked_of(stored)
    bill_id = checked.bill_id if checked is not None else None
    if bill_id is not None:
        await link_note(ctx, tenant, bill_id, stored, kind, add=False)
    return answer(
        {
            "status": OK,
            "message": f"Documento con código de referencia {reference} eliminado con éxito",
        }
    )


async def send_email(
    ctx: AppContext,
    tenant: TenantView,
    kind: Kind,
    number: str,
    request: Request[Any, Any, Any],
) -> Response[bytes]:
    payload = decode_json(await request.body() or b"{}", EmailPayload)
    address = (payload.email or "").strip() or None
    if address is not None and not is_email(address):
        raise InvalidRequest({"email": ["El campo email debe ser una dirección de correo válida."]})
    stored = await find_by_number(ctx, tenant, kind, number)
    if stored is None:
        return found_nothing(number)
    if stored.status != DocumentStatus.ACCEPTED:
        return not_validated(kind)
    if await ctx.smtp.settings(tenant.id) is None:
        return conflict("La empresa no tiene un servidor de correo configurado")
    await ctx.deliveries.send_to(tenant.id, stored.uuid, address)
    name = {"bill": "Factura", "credit_note": "Nota crédito", "debit_note": "Nota débito"}[kind]
    return answer({"status": OK, "message": f"{name} enviada al cliente con éxito"})


async def email_content(
    ctx: AppContext, tenant: TenantView, kind: Kind, number: str
) -> Response[bytes]:
    stored = await find_by_number(ctx, tenant, kind, number)
    if stored is None:
        return found_nothing(number)
    if stored.status != DocumentStatus.ACCEPTED:
        return not_validated(kind)
    subject, zip_bytes = await ctx.deliveries.content(tenant.id, stored.uuid)
    data = {"subject": subject, "attached_document": base64.b64encode(zip_bytes).decode()}
    return answer({"status": OK, "message": SUCCESS, "data": data})
