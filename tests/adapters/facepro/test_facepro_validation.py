"""FacEPro payload rules: decoding errors and the seed's tables, on FacEPro paths."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.facepro.payloads import DocumentoPayload, NotaPayload
from adapters.facepro.validation import check_documento, decode
from core.api import InvalidRequest

CUFE = "a" * 96


def invoice(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "adquiriente": {
            "tipo_persona": "2",
            "tipo_documento": "13",
            "numero_documento": "71234567",
            "razon_social": "JUAN PEREZ",
            "responsabilidad_fiscal": "R-99-PN",
        },
        "lineas": [
            {
                "codigo": "P1",
                "descripcion": "Producto 1",
                "cantidad": 2,
                "precio": 50000,
                "iva_pct": 19,
            }
        ],
    }
    body.update(changes)
    return body


def note(**changes: Any) -> dict[str, Any]:
    body = invoice(
        factura_referencia={"numero": "SETP990000011", "cufe": CUFE, "fecha": "2026-05-10"},
        motivo={"codigo": "2", "descripcion": "Anulación"},
    )
    body.update(changes)
    return body


def errors_of(body: dict[str, Any], kind: str = "factura") -> dict[str, list[str]]:
    payload_type = DocumentoPayload if kind == "factura" else NotaPayload
    try:
        payload = decode(json.dumps(body).encode(), payload_type)
    except InvalidRequest as exc:
        return exc.errors
    return check_documento(payload, kind)  # type: ignore[arg-type]


def with_adquiriente(**fields: Any) -> dict[str, Any]:
    body = invoice()
    body["adquiriente"].update(fields)
    return body


def with_linea(**fields: Any) -> dict[str, Any]:
    body = invoice()
    body["lineas"][0].update(fields)
    return body


def test_seed_examples_are_valid() -> None:
    assert errors_of(invoice()) == {}
    assert errors_of(note(), "nota_credito") == {}
    debit = note(motivo={"codigo": "1", "descripcion": "Intereses por mora"})
    assert errors_of(debit, "nota_debito") == {}


def test_codes_sent_as_numbers_are_accepted() -> None:
    body = with_adquiriente(tipo_persona=2, tipo_documento=13, numero_documento=71234567)
    body["adquiriente"].update(codigo_municipio=5001, codigo_departamento=5)
    assert errors_of(body) == {}


def test_seed_422_example_messages() -> None:
    body = with_adquiriente(numero_documento=None)
    body["lineas"][0]["iva_pct"] = 150
    assert errors_of(body) == {
        "adquiriente.numero_documento": ["El número de documento es requerido."],
        "lineas.0.iva_pct": ["El IVA % debe ser un número entre 0 y 100."],
    }


def test_every_missing_required_field_is_reported_at_once() -> None:
    body = {"adquiriente": {}, "lineas": [{}]}
    assert set(errors_of(body)) == {
        "adquiriente.tipo_persona",
        "adquiriente.tipo_documento",
        "adquiriente.numero_documento",
        "adquiriente.razon_social",
        "adquiriente.responsabilidad_fiscal",
        "lineas.0.codigo",
        "lineas.0.descripcion",
        "lineas.0.cantidad",
        "lineas.0.precio",
        "lineas.0.iva_pct",
    }
    assert errors_of({}) == {
        "adquiriente": ["El adquiriente es requerido."],
        "lineas": ["Debe enviar al menos una línea."],
    }


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"tipo_persona": "3"}, "adquiriente.tipo_persona"),
        ({"tipo_documento": "99"}, "adquiriente.tipo_documento"),
        ({"tipo_documento": "91"}, "adquiriente.tipo_documento"),  # DIAN has it, the seed not
        ({"numero_documento": "71.234.567"}, "adquiriente.numero_documento"),
        ({"responsabilidad_fiscal": "R-99-XX"}, "adquiriente.responsabilidad_fiscal"),
        ({"email": "no-es-email"}, "adquiriente.email"),
        ({"codigo_municipio": "99999"}, "adquiriente.codigo_municipio"),
        ({"codigo_departamento": "00"}, "adquiriente.codigo_departamento"),
        (
            {"codigo_municipio": "11001", "codigo_departamento": "05"},
            "adquiriente.codigo_municipio",
        ),
    ],
)
def test_adquiriente_catalog_codes(fields: dict[str, Any], path: str) -> None:
    assert list(errors_of(with_adquiriente(**fields))) == [path]


def test_several_fiscal_responsibilities() -> None:
    assert errors_of(with_adquiriente(responsabilidad_fiscal="O-13;O-15")) == {}
    assert errors_of(with_adquiriente(responsabilidad_fiscal=["O-13", "O-23"])) == {}


def test_dv_required_and_checked_for_nit() -> None:
    nit = {"tipo_persona": "1", "tipo_documento": "31", "numero_documento": "800197268"}
    assert errors_of(with_adquiriente(**nit)) == {
        "adquiriente.dv": [
            "El dígito de verificación es requerido cuando el tipo de documento es NIT (31)."
        ]
    }
    assert errors_of(with_adquiriente(**nit, dv="4")) == {}
    assert errors_of(with_adquiriente(**nit, dv=4)) == {}
    assert errors_of(with_adquiriente(**nit, dv="5")) == {
        "adquiriente.dv": ["El dígito de verificación no corresponde al NIT."]
    }
    # For a cédula the DV is not FacEPro's business: it is ignored.
    assert errors_of(with_adquiriente(dv="9")) == {}


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"iva_pct": 16}, "lineas.0.iva_pct", "El IVA % debe ser 0, 5 o 19."),
        ({"iva_pct": -1}, "lineas.0.iva_pct", "El IVA % debe ser un número entre 0 y 100."),
        (
            {"iva_pct": "diecinueve"},
            "lineas.0.iva_pct",
            "El IVA % debe ser un número entre 0 y 100.",
        ),
        ({"iva_pct": "NaN"}, "lineas.0.iva_pct", "El IVA % debe ser un número entre 0 y 100."),
        ({"cantidad": 0}, "lineas.0.cantidad", "La cantidad debe ser un número mayor que 0."),
        ({"cantidad": "dos"}, "lineas.0.cantidad", "La cantidad debe ser un número."),
        ({"precio": -5}, "lineas.0.precio", "El precio debe ser un número mayor o igual a 0."),
        (
            {"unidad": "XYZ"},
            "lineas.0.unidad",
            "La unidad de medida no existe en el catálogo DIAN.",
        ),
        (
            {"descuento_pct": 120},
            "lineas.0.descuento_pct",
            "El descuento % debe ser un número entre 0 y 100.",
        ),
        (
            {"descuento_pct": 10, "descuento_valor": 1000},
            "lineas.0.descuento_valor",
            "Envíe descuento_pct o descuento_valor, no ambos.",
        ),
        (
            {"descuento_valor": 100001},
            "lineas.0.descuento_valor",
            "El descuento no puede superar el valor de la línea.",
        ),
        ({"descripcion": ["x"]}, "lineas.0.descripcion", "La descripción debe ser un texto."),
        ({"cantidad": "1e30"}, "lineas.0.cantidad", "La cantidad es demasiado grande."),
        ({"precio": 1e15}, "lineas.0.precio", "El precio es demasiado grande."),
        (
            {"cantidad": 1e8, "precio": 1e8},
            "lineas.0.precio",
            "El valor de la línea (cantidad × precio) es demasiado grande.",
        ),
    ],
)
def test_linea_rules(fields: dict[str, Any], path: str, message: str) -> None:
    assert errors_of(with_linea(**fields)) == {path: [message]}


@pytest.mark.parametrize("unidad", ["94", "EA", "KGM", "LTR", "MTR", "HUR", "NIU", "DZN"])
def test_any_dian_unit_is_accepted(unidad: str) -> None:
    assert errors_of(with_linea(unidad=unidad)) == {}


def test_decimal_amounts_as_numbers_or_strings() -> None:
    assert errors_of(with_linea(precio="19000.50", cantidad=1.5, descuento_valor=0.01)) == {}


def test_line_count_limits() -> None:
    line = invoice()["lineas"][0]
    assert errors_of(invoice(lineas=[line] * 200)) == {}
    assert errors_of(invoice(lineas=[line] * 201)) == {
        "lineas": ["El documento admite máximo 200 líneas."]
    }
    assert errors_of(invoice(lineas=[])) == {"lineas": ["Debe enviar al menos una línea."]}


def test_factura_date_and_time() -> None:
    assert errors_of(invoice(factura={"fecha": "2026-05-10", "hora": "15:30:00-05:00"})) == {}
    assert errors_of(invoice(factura={"fecha": "2026-05-10", "hora": "15:30:00"})) == {}
    assert errors_of(invoice(factura={"fecha": "10/05/2026", "hora": "25:00:00"})) == {
        "factura.fecha": ["La fecha debe tener el formato YYYY-MM-DD."],
        "factura.hora": ["La hora debe tener el formato HH:mm:ss-05:00."],
    }
    assert list(errors_of(invoice(factura={"fecha": "2026-02-30"}))) == ["factura.fecha"]


def test_note_requires_reference_and_reason() -> None:
    body = invoice()
    assert errors_of(body, "nota_credito") == {
        "factura_referencia": ["La factura de referencia es requerida."],
        "motivo": ["El motivo es requerido."],
    }
    body = note(factura_referencia={"cufe": "a1b2c3..."}, motivo={"codigo": "7"})
    assert errors_of(body, "nota_credito") == {
        "factura_referencia.numero": ["El número de la factura de referencia es requerido."],
        "factura_referencia.cufe": ["El CUFE debe tener 96 caracteres hexadecimales."],
        "factura_referencia.fecha": ["La fecha de la factura de referencia es requerida."],
        "motivo.codigo": ["El código del motivo debe ser uno de: 1, 2, 3, 4, 5 o 6."],
        "motivo.descripcion": ["La descripción del motivo es requerida."],
    }


def test_debit_note_reasons_are_one_to_four() -> None:
    assert errors_of(note(motivo={"codigo": "5", "descripcion": "x"}), "nota_debito") == {
        "motivo.codigo": ["El código del motivo debe ser uno de: 1, 2, 3 o 4."]
    }
    assert errors_of(note(motivo={"codigo": 6, "descripcion": "x"}), "nota_credito") == {}


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        (b"{", {"body": ["El cuerpo de la petición no es un JSON válido."]}),
        (b"", {"body": ["El cuerpo de la petición no es un JSON válido."]}),
        (b"[1, 2]", {"body": ["El cuerpo de la petición debe ser un objeto JSON."]}),
        (b'{"adquiriente": "JUAN"}', {"adquiriente": ["El adquiriente debe ser un objeto."]}),
        (b'{"lineas": {"a": 1}}', {"lineas": ["Las líneas debe ser una lista."]}),
        (
            b'{"adquiriente": {"tipo_persona": true}}',
            {"adquiriente.tipo_persona": ["El tipo de persona debe ser un texto."]},
        ),
    ],
)
def test_malformed_bodies(raw: bytes, errors: dict[str, list[str]]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode(raw, DocumentoPayload)
    assert caught.value.errors == errors


def test_control_characters_are_refused_where_they_are() -> None:
    body = with_adquiriente(razon_social="JUAN\u0001PEREZ")
    body["lineas"][0]["descripcion"] = "x\u0000y"
    body["lineas"][0]["codigo"] = "tab\tand newline\n are fine"
    assert errors_of(body) == {
        "adquiriente.razon_social": [
            "La razón social contiene caracteres de control no permitidos."
        ],
        "lineas.0.descripcion": ["La descripción contiene caracteres de control no permitidos."],
    }
    body = with_adquiriente(responsabilidad_fiscal=["O-13", "O-15\u0007"])
    assert "adquiriente.responsabilidad_fiscal.1" in errors_of(body)
