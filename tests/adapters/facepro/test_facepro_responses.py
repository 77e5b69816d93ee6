"""FacEPro response bodies and error shapes, byte for byte."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from adapters.facepro import responses
from adapters.facepro.errors import problems_to_errors
from core.clock import BOGOTA
from core.errors import ValidationFailed
from core.model import DocumentRecord, Problem

CUFE = "c" * 96


def record(**changes: object) -> DocumentRecord:
    values: dict[str, object] = dict(
        uuid="550e8400-e29b-41d4-a716-446655440000",
        tenant_id=2,
        dialect="facepro",
        type_code="01",
        environment="simulador",
        prefix="SETP",
        number=990000011,
        issue_datetime=dt.datetime(2026, 5, 10, 15, 30, 0, 123456, tzinfo=BOGOTA),
        customer_id="71234567",
        customer_name="JUAN PEREZ",
        line_extension=Decimal("122500.00"),
        tax_total=Decimal("23275.00"),
        taxes={"01": Decimal("23275.00")},
        payable=Decimal("145775.00"),
        unique_code=CUFE,
        status="aceptado",
        zip_key="abcdef1234",
        dian_status_code="00",
        dian_status_description="Procesado correctamente",
    )
    values.update(changes)
    return DocumentRecord(**values)  # type: ignore[arg-type]


def encoded(body: object) -> dict:
    return json.loads(responses.encode(body))


SEED_DATA = {
    "tracking_id": "550e8400-e29b-41d4-a716-446655440000",
    "numero_completo": "SETP990000011",
    "tipo_documento": "factura",
    "prefijo": "SETP",
    "consecutivo": 990000011,
    "fecha_emision": "2026-05-10T15:30:00-05:00",
    "adquirente": {"documento": "71234567", "razon_social": "JUAN PEREZ"},
    "totales": {"subtotal": 122500, "iva": 23275, "total": 145775},
    "cufe": CUFE,
    "zip_key": "abcdef1234",
    "estado": "aceptado",
    "estado_dian_codigo": "00",
    "estado_dian_mensaje": "Procesado correctamente",
    "ultimo_error": None,
    "links": {
        "self": "https://gw.example/api/v1/documentos/550e8400-e29b-41d4-a716-446655440000",
        "consultar": "https://gw.example/api/v1/documentos/550e8400-e29b-41d4-a716-446655440000/consultar",
        "xml": "https://gw.example/api/v1/documentos/550e8400-e29b-41d4-a716-446655440000/xml",
        "pdf": "https://gw.example/api/v1/documentos/550e8400-e29b-41d4-a716-446655440000/pdf",
        "attached": "https://gw.example/api/v1/documentos/550e8400-e29b-41d4-a716-446655440000/attached",
    },
}


def test_created_body_matches_the_seed_example() -> None:
    raw = responses.encode(responses.created(record(), "https://gw.example/"))
    assert json.loads(raw) == {"ok": True, "data": SEED_DATA}
    assert b'"subtotal":122500,' in raw  # a JSON number without decimals, as in the seed


def test_amounts_with_cents_keep_them_as_numbers() -> None:
    body = encoded(responses.created(record(payable=Decimal("145775.50")), "https://gw.example"))
    assert body["data"]["totales"]["total"] == 145775.5
    raw = responses.encode(responses.created(record(payable=Decimal("145775.50")), "h"))
    assert b'"total":145775.50' in raw


def test_detail_is_wrapped_and_flat() -> None:
    body = encoded(responses.detail(record(), "https://gw.example"))
    assert body == {"ok": True, "data": SEED_DATA, **SEED_DATA}


def test_note_type_and_rejection_error() -> None:
    rejected = record(
        type_code="91",
        status="rechazado",
        dian_status_code="99",
        dian_status_description="Validación contiene errores en campos mandatorios.",
        dian_errors=("Regla: CBG04a, Rechazo: Documento referenciado no existe",),
    )
    data = encoded(responses.created(rejected, "https://gw.example"))["data"]
    assert data["tipo_documento"] == "nota_credito"
    assert data["estado"] == "rechazado"
    assert data["ultimo_error"] == "Regla: CBG04a, Rechazo: Documento referenciado no existe"


def test_listing_meta() -> None:
    body = encoded(responses.listing([record()], total=41, page=3, per_page=20, base_url="h"))
    assert body["meta"] == {
        "current_page": 3,
        "per_page": 20,
        "total": 41,
        "last_page": 3,
        "from": 41,
        "to": 41,
    }
    assert [d["numero_completo"] for d in body["data"]] == ["SETP990000011"]
    empty = encoded(responses.listing([], total=0, page=1, per_page=20, base_url="h"))
    assert empty == {
        "ok": True,
        "data": [],
        "meta": {
            "current_page": 1,
            "per_page": 20,
            "total": 0,
            "last_page": 1,
            "from": None,
            "to": None,
        },
    }


def test_health_time_is_bogota() -> None:
    body = responses.health()
    assert {k: body[k] for k in ("status", "service", "version")} == {
        "status": "ok",
        "service": "FacEPro Cloud",
        "version": "v1",
    }
    assert body["time"].endswith("-05:00")
    assert dt.datetime.fromisoformat(body["time"]).microsecond == 0


def test_core_problems_use_facepro_paths() -> None:
    exc = ValidationFailed(
        [
            Problem(
                path="lines[0].quantity", message="La cantidad debe ser positiva", rule="FAV07"
            ),
            Problem(path="customer.dv", message="DV no corresponde"),
            Problem(path="customer.dv", message="solo un aviso", severity="warning"),
        ]
    )
    assert problems_to_errors(exc) == {
        "lineas.0.cantidad": ["FAV07: La cantidad debe ser positiva"],
        "adquiriente.dv": ["DV no corresponde"],
    }
