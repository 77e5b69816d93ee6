"""FacEPro's response bodies, built from core's ``DocumentRecord`` and ``TenantView``.

Field names and order follow the seed's examples. Amounts are ``Decimal`` written as JSON
numbers: whole amounts without decimals (``122500``), others with their two decimals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import msgspec

from adapters.facepro.mapping import KIND_BY_TYPE_CODE
from core.api import DocumentRecord, DocumentStatus, TenantView, now_bogota, to_bogota

SERVICE = "FacEPro Cloud"
VERSION = "v1"
API_PREFIX = "/api/v1"

_ENCODER = msgspec.json.Encoder(decimal_format="number")


def encode(body: object) -> bytes:
    """JSON with ``Decimal`` amounts as numbers (msgspec would write them as strings)."""
    return _ENCODER.encode(body)


class Adquirente(msgspec.Struct, kw_only=True):
    documento: str
    razon_social: str


class Totales(msgspec.Struct, kw_only=True):
    subtotal: Decimal
    iva: Decimal
    total: Decimal


class Links(msgspec.Struct, kw_only=True, rename={"self_": "self"}):
    self_: str
    consultar: str
    xml: str
    pdf: str
    attached: str


class DocumentoResource(msgspec.Struct, kw_only=True):
    """The ``data`` of ``POST /documentos`` and the body of ``GET /documentos/{uuid}``."""

    tracking_id: str
    numero_completo: str
    tipo_documento: str
    prefijo: str
    consecutivo: int
    fecha_emision: str
    adquirente: Adquirente
    totales: Totales
    cufe: str
    zip_key: str | None
    estado: DocumentStatus
    estado_dian_codigo: str | None
    estado_dian_mensaje: str | None
    ultimo_error: str | None
    links: Links


class DianStatus(msgspec.Struct, kw_only=True):
    """``dian`` of ``GET /documentos/{uuid}/consultar``."""

    is_valid: bool
    status_code: str | None
    status_description: str | None
    errors: list[str]


def amount(value: Decimal) -> Decimal:
    """``122500.00`` -> ``122500``; ``19000.50`` stays ``19000.50``."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def iso_bogota(moment: dt.datetime) -> str:
    """``2026-05-10T15:30:00-05:00``."""
    return to_bogota(moment).replace(microsecond=0).isoformat()


def documento(record: DocumentRecord, base_url: str) -> DocumentoResource:
    """The seed's DocumentoResource for a stored document; links start at ``base_url``."""
    self_url = f"{base_url.rstrip('/')}{API_PREFIX}/documentos/{record.uuid}"
    return DocumentoResource(
        tracking_id=record.uuid,
        numero_completo=record.full_number,
        tipo_documento=KIND_BY_TYPE_CODE.get(record.type_code, record.type_code),
        prefijo=record.prefix,
        consecutivo=record.number,
        fecha_emision=iso_bogota(record.issue_datetime),
        adquirente=Adquirente(documento=record.customer_id, razon_social=record.customer_name),
        totales=Totales(
            subtotal=amount(record.line_extension),
            iva=amount(record.taxes.get("01", record.tax_total)),
            total=amount(record.payable),
        ),
        cufe=record.unique_code,
        zip_key=record.zip_key,
        estado=record.status,
        estado_dian_codigo=record.dian_status_code,
        estado_dian_mensaje=record.dian_status_description or record.dian_message,
        ultimo_error=last_error(record),
        links=Links(
            self_=self_url,
            consultar=f"{self_url}/consultar",
            xml=f"{self_url}/xml",
            pdf=f"{self_url}/pdf",
            attached=f"{self_url}/attached",
        ),
    )


def last_error(record: DocumentRecord) -> str | None:
    """What went wrong last: the gateway's own error, else DIAN's rejection reasons."""
    if record.last_error:
        return record.last_error
    if record.status in (DocumentStatus.REJECTED, DocumentStatus.FAILED) and record.dian_errors:
        return "; ".join(record.dian_errors)
    return None


def created(record: DocumentRecord, base_url: str) -> dict[str, Any]:
    """201 body of the three POST endpoints."""
    return {"ok": True, "data": documento(record, base_url)}


def detail(record: DocumentRecord, base_url: str) -> dict[str, Any]:
    """200 body of ``GET /documentos/{uuid}``.

    The seed says the body is "identical to POST's ``data``" and its clients read
    ``doc.estado`` at the top, while FacEPro answers ``{"ok": true, "data": {...}}``: both
    readings work because the resource's fields are also given at the top level.
    """
    resource = documento(record, base_url)
    return {"ok": True, "data": resource, **msgspec.structs.asdict(resource)}


def listing(
    records: Sequence[DocumentRecord], total: int, page: int, per_page: int, base_url: str
) -> dict[str, Any]:
    """200 body of ``GET /documentos``: ``data`` (what the seed's clients iterate) and ``meta``."""
    last_page = max(1, -(-total // per_page))
    return {
        "ok": True,
        "data": [documento(r, base_url) for r in records],
        "meta": {
            "current_page": page,
            "per_page": per_page,
            "total": total,
            "last_page": last_page,
            "from": (page - 1) * per_page + 1 if records else None,
            "to": (page - 1) * per_page + len(records) if records else None,
        },
    }


def consulted(
    record: DocumentRecord,
    base_url: str,
    *,
    is_valid: bool,
    status_code: str | None,
    status_description: str | None,
    errors: Sequence[str],
) -> dict[str, Any]:
    """200 body of ``GET /documentos/{uuid}/consultar``."""
    return {
        "ok": True,
        "documento": documento(record, base_url),
        "dian": DianStatus(
            is_valid=is_valid,
            status_code=status_code,
            status_description=status_description,
            errors=list(errors),
        ),
    }


def health() -> dict[str, str]:
    return {
        "status": "ok",
        "service": SERVICE,
        "version": VERSION,
        "time": iso_bogota(now_bogota()),
    }


def me(tenant: TenantView, user: dict[str, Any]) -> dict[str, Any]:
    """``GET /me``: the credential as the ``user`` and the tenant it belongs to."""
    return {
        "user": user,
        "tenant": {
            "id": tenant.id,
            "uuid": tenant.uuid,
            "nit": tenant.nit,
            "dv": tenant.dv,
            "razon_social": tenant.party.name,
            "estado": tenant.status,
        },
    }
