"""FacEPro payload -> canonical Document, and canonical problem paths -> FacEPro paths."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from adapters.facepro.mapping import facepro_path, to_document
from adapters.facepro.payloads import DocumentoPayload, NotaPayload
from adapters.facepro.validation import check_documento, decode
from core import catalogs
from core.clock import BOGOTA
from core.model import (
    Address,
    AllowanceCharge,
    BillingReference,
    Contact,
    Discrepancy,
    Line,
    Party,
    Tax,
)

NOW = dt.datetime(2026, 5, 10, 15, 30, 12, 345, tzinfo=BOGOTA)
MINUS_5 = dt.timezone(dt.timedelta(hours=-5))
CUFE = "AB" * 48

SEED_INVOICE = {
    "adquiriente": {
        "tipo_persona": "2",
        "tipo_documento": "13",
        "numero_documento": "71234567",
        "razon_social": "JUAN PEREZ",
        "responsabilidad_fiscal": "R-99-PN",
        "email": "juan@correo.com",
        "direccion": "Calle 50 # 30-20",
        "codigo_municipio": "05001",
        "codigo_departamento": "05",
    },
    "lineas": [
        {
            "codigo": "PROD-001",
            "descripcion": "Repuesto motocicleta XYZ",
            "cantidad": 2,
            "precio": 50000,
            "iva_pct": 19,
        },
        {
            "codigo": "SERV-010",
            "descripcion": "Mano de obra instalación",
            "cantidad": 1,
            "precio": 25000,
            "iva_pct": 19,
            "descuento_pct": 10,
        },
    ],
}


def mapped(body: dict[str, Any], kind: str = "factura"):
    payload_type = DocumentoPayload if kind == "factura" else NotaPayload
    payload = decode(json.dumps(body).encode(), payload_type)
    assert check_documento(payload, kind) == {}  # type: ignore[arg-type]
    return to_document(payload, kind, NOW)  # type: ignore[arg-type]


def test_seed_invoice_maps_to_canonical_document() -> None:
    document = mapped(SEED_INVOICE)
    assert (document.type_code, document.operation_type) == ("01", "10")
    assert document.issue_date == dt.date(2026, 5, 10)
    assert document.issue_time == dt.time(15, 30, 12, tzinfo=MINUS_5)
    assert document.customer == Party(
        organization_type="2",
        id_type="13",
        id_number="71234567",
        name="JUAN PEREZ",
        tax_level_codes=("R-99-PN",),
        tax_scheme="ZZ",
        address=Address(
            municipality_code="05001",
            city_name="Medellín",
            department_code="05",
            department_name="Antioquia",
            line="Calle 50 # 30-20",
        ),
        contact=Contact(email="juan@correo.com"),
    )
    assert document.lines == (
        Line(
            code="PROD-001",
            description="Repuesto motocicleta XYZ",
            quantity=Decimal(2),
            unit_code="94",
            unit_price=Decimal(50000),
            taxes=(Tax(scheme="01", percent=Decimal(19)),),
        ),
        Line(
            code="SERV-010",
            description="Mano de obra instalación",
            quantity=Decimal(1),
            unit_code="94",
            unit_price=Decimal(25000),
            allowances_charges=(AllowanceCharge(percent=Decimal(10), reason="Descuento"),),
            taxes=(Tax(scheme="01", percent=Decimal(19)),),
        ),
    )
    assert document.billing_reference is None and document.discrepancy is None


def test_given_date_and_time_win_over_now() -> None:
    document = mapped(
        {**SEED_INVOICE, "factura": {"fecha": "2026-05-01", "hora": "08:05:09-05:00"}}
    )
    assert document.issue_date == dt.date(2026, 5, 1)
    assert document.issue_time == dt.time(8, 5, 9, tzinfo=MINUS_5)


def test_nit_customer_keeps_dv_and_department_comes_from_municipality() -> None:
    body = json.loads(json.dumps(SEED_INVOICE))
    body["adquiriente"] = {
        "tipo_persona": 1,
        "tipo_documento": 31,
        "numero_documento": 800197268,
        "dv": 4,
        "razon_social": "DIAN",
        "responsabilidad_fiscal": "O-13;O-15",
        "codigo_municipio": 11001,
    }
    body["lineas"][0]["descuento_valor"] = "1000.50"
    body["lineas"][0]["unidad"] = "KGM"
    document = mapped(body)
    customer = document.customer
    assert (customer.organization_type, customer.id_type, customer.id_number, customer.dv) == (
        "1",
        "31",
        "800197268",
        "4",
    )
    assert customer.tax_level_codes == ("O-13", "O-15") and customer.tax_scheme == "01"
    assert customer.address == Address(
        municipality_code="11001",
        city_name=catalogs.municipality("11001").name,  # type: ignore[union-attr]
        department_code="11",
        department_name=catalogs.department("11").name,  # type: ignore[union-attr]
    )
    assert customer.contact is None
    assert document.lines[0].allowances_charges == (
        AllowanceCharge(amount=Decimal("1000.50"), reason="Descuento"),
    )
    assert document.lines[0].unit_code == "KGM"


@pytest.mark.parametrize(
    ("kind", "type_code", "operation_type", "motivo"),
    [("nota_credito", "91", "20", "2"), ("nota_debito", "92", "30", "1")],
)
def test_notes_map_reference_and_discrepancy(
    kind: str, type_code: str, operation_type: str, motivo: str
) -> None:
    body = {
        **SEED_INVOICE,
        "factura_referencia": {"numero": "SETP990000011", "cufe": CUFE, "fecha": "2026-05-10"},
        "motivo": {"codigo": motivo, "descripcion": " Anulación por error "},
    }
    document = mapped(body, kind)
    assert (document.type_code, document.operation_type) == (type_code, operation_type)
    assert document.billing_reference == BillingReference(
        number="SETP990000011", uuid=CUFE.lower(), issue_date=dt.date(2026, 5, 10), type_code="01"
    )
    assert document.discrepancy == Discrepancy(code=motivo, description="Anulación por error")


@pytest.mark.parametrize(
    ("canonical", "facepro"),
    [
        ("lines[0].quantity", "lineas.0.cantidad"),
        ("lines[12].unit_price", "lineas.12.precio"),
        ("lines[1].unit_code", "lineas.1.unidad"),
        ("lines[1].taxes[0].percent", "lineas.1.iva_pct"),
        ("lines[1].taxes[0]", "lineas.1.iva_pct"),
        ("lines[2].allowances_charges[0].percent", "lineas.2.descuento_pct"),
        ("lines[2].allowances_charges[0].amount", "lineas.2.descuento_valor"),
        ("lines[0]", "lineas.0"),
        ("customer.dv", "adquiriente.dv"),
        ("customer.id_number", "adquiriente.numero_documento"),
        ("customer.tax_level_codes[1]", "adquiriente.responsabilidad_fiscal"),
        ("customer.address.municipality_code", "adquiriente.codigo_municipio"),
        ("customer.address.department_code", "adquiriente.codigo_departamento"),
        ("customer.contact.email", "adquiriente.email"),
        ("issue_date", "factura.fecha"),
        ("billing_reference.uuid", "factura_referencia.cufe"),
        ("billing_reference.issue_date", "factura_referencia.fecha"),
        ("discrepancy.code", "motivo.codigo"),
        ("payment.due_date", "payment.due_date"),
        ("number", "consecutivo"),
        ("supplier.dv", "emisor.dv"),
        ("customer.address", "adquiriente.direccion"),
        ("", "documento"),
    ],
)
def test_canonical_paths_come_back_as_facepro_paths(canonical: str, facepro: str) -> None:
    assert facepro_path(canonical) == facepro
