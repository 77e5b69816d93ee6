"""FacEPro's field rules, checked before anything reaches core.

The rules are the seed's tables (tipo_persona, tipo_documento, responsabilidad_fiscal,
unidad, iva_pct, motivo ...). Every finding is collected, keyed by FacEPro's dotted path
(``lineas.0.iva_pct``) with a Spanish message, so a client sees all its mistakes at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal, TypeVar

import msgspec

from adapters.facepro.payloads import (
    Adquiriente,
    DocumentoPayload,
    FacturaReferencia,
    Linea,
    Motivo,
    NotaPayload,
)
from core.api import (
    DecodeLimits,
    catalogs,
    decode_json,
    is_ascii_digits,
    is_email,
    is_valid_nit,
    parse_iso_date,
)

Kind = Literal["factura", "nota_credito", "nota_debito"]
Errors = dict[str, list[str]]

TIPOS_PERSONA = frozenset({"1", "2"})
TIPOS_DOCUMENTO = frozenset({"11", "12", "13", "21", "22", "31", "41", "42", "50"})
NUMERIC_ID_TYPES = frozenset({"11", "12", "13", "31"})
RESPONSABILIDADES = frozenset({"O-13", "O-15", "O-23", "O-47", "R-99-PN"})
IVA_RATES = frozenset({Decimal(0), Decimal(5), Decimal(19)})
MOTIVOS: dict[Kind, frozenset[str]] = {
    "nota_credito": frozenset({"1", "2", "3", "4", "5", "6"}),
    "nota_debito": frozenset({"1", "2", "3", "4"}),
}
MAX_LINEAS = 200
# Far above any real invoice, far below where Decimal's 28-digit context stops being exact.
MAX_AMOUNT = Decimal("1e15")
DEFAULT_UNIDAD = "94"

_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(-05:00)?")
_HEX96 = re.compile(r"[0-9a-fA-F]{96}")
# Characters XML 1.0 cannot carry: the signed UBL could not be built with them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def as_code(value: str | int | None) -> str | None:
    """A code as text: numbers become their digits, blanks become ``None``."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def dane_code(value: str | int | None, width: int) -> str | None:
    """A DANE code as text; numbers sent without leading zeros (5001) get them back."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(width)
    return as_code(value)


def responsabilidades(value: str | list[str] | None) -> tuple[str, ...]:
    """``responsabilidad_fiscal`` as a tuple: one code, ``O-13;O-15`` or a list of codes."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"[;,]", value)
    return tuple(code.strip() for code in items if code and code.strip())


def parse_time(value: str) -> dt.time | None:
    """``HH:mm:ss`` (optionally ``-05:00``) as a naive time, or ``None`` when invalid."""
    match = _TIME.fullmatch(value)
    if not match:
        return None
    hour, minute, second = (int(g) for g in match.groups()[:3])
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


P = TypeVar("P", bound=DocumentoPayload)


# Field -> how messages name it, for wrong-type answers of the decoder.
LABELS = {
    "factura": "La factura",
    "fecha": "La fecha",
    "hora": "La hora",
    "adquiriente": "El adquiriente",
    "tipo_persona": "El tipo de persona",
    "tipo_documento": "El tipo de documento",
    "numero_documento": "El número de documento",
    "dv": "El dígito de verificación",
    "razon_social": "La razón social",
    "responsabilidad_fiscal": "La responsabilidad fiscal",
    "email": "El email",
    "direccion": "La dirección",
    "codigo_municipio": "El código de municipio",
    "codigo_departamento": "El código de departamento",
    "lineas": "Las líneas",
    "codigo": "El código",
    "descripcion": "La descripción",
    "cantidad": "La cantidad",
    "unidad": "La unidad de medida",
    "precio": "El precio",
    "iva_pct": "El IVA %",
    "descuento_pct": "El descuento %",
    "descuento_valor": "El descuento",
    "factura_referencia": "La factura de referencia",
    "numero": "El número",
    "cufe": "El CUFE",
    "motivo": "El motivo",
}
# The wrong-type message of a field, where the seed words it its own way.
TYPE_MESSAGES = {"iva_pct": "El IVA % debe ser un número entre 0 y 100."}
LIMITS = DecodeLimits()


def decode(body: bytes, payload_type: type[P]) -> P:
    """The payload Struct for a request body within the toolkit's limits, or
    ``InvalidRequest`` on FacEPro's paths: malformed JSON and wrong types are 422, never 500."""
    return decode_json(
        body, payload_type, limits=LIMITS, labels=LABELS, type_messages=TYPE_MESSAGES
    )


class _Collector:
    def __init__(self) -> None:
        self.errors: Errors = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)


def _is_number(value: Decimal) -> bool:
    return value.is_finite()


def check_documento(payload: DocumentoPayload, kind: Kind) -> Errors:
    """Every rule of the seed for an invoice or a note; an empty dict means valid."""
    out = _Collector()
    _check_characters(payload, "", out)
    if payload.factura is not None:
        if payload.factura.fecha is not None and parse_iso_date(payload.factura.fecha) is None:
            out.add("factura.fecha", "La fecha debe tener el formato YYYY-MM-DD.")
        if payload.factura.hora is not None and parse_time(payload.factura.hora) is None:
            out.add("factura.hora", "La hora debe tener el formato HH:mm:ss-05:00.")
    if payload.adquiriente is None:
        out.add("adquiriente", "El adquiriente es requerido.")
    else:
        _check_adquiriente(payload.adquiriente, out)
    _check_lineas(payload.lineas, out)
    if kind != "factura":
        assert isinstance(payload, NotaPayload)
        _check_referencia(payload.factura_referencia, out)
        _check_motivo(payload.motivo, kind, out)
    return out.errors


def _check_characters(value: object, path: str, out: _Collector) -> None:
    """Every text of the payload, at any depth, must be XML-safe."""
    if isinstance(value, str):
        if _NOT_XML.search(value):
            label = LABELS.get(path.rsplit(".", 1)[-1], "El campo")
            out.add(path, f"{label} contiene caracteres de control no permitidos.")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_characters(item, f"{path}.{index}", out)
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            _check_characters(getattr(value, name), f"{path}.{name}" if path else name, out)


def _check_adquiriente(a: Adquiriente, out: _Collector) -> None:
    p = "adquiriente."
    tipo_persona = as_code(a.tipo_persona)
    if tipo_persona is None:
        out.add(p + "tipo_persona", "El tipo de persona es requerido.")
    elif tipo_persona not in TIPOS_PERSONA:
        out.add(p + "tipo_persona", "El tipo de persona debe ser 1 (Jurídica) o 2 (Natural).")

    tipo_documento = as_code(a.tipo_documento)
    if tipo_documento is None:
        out.add(p + "tipo_documento", "El tipo de documento es requerido.")
    elif tipo_documento not in TIPOS_DOCUMENTO:
        out.add(
            p + "tipo_documento",
            "El tipo de documento no es válido (use 11, 12, 13, 21, 22, 31, 41, 42 o 50).",
        )

    numero = as_code(a.numero_documento)
    if numero is None:
        out.add(p + "numero_documento", "El número de documento es requerido.")
    elif tipo_documento in NUMERIC_ID_TYPES and not is_ascii_digits(numero):
        out.add(p + "numero_documento", "El número de documento solo admite dígitos (NIT sin DV).")
    elif len(numero) > 20:
        out.add(p + "numero_documento", "El número de documento admite máximo 20 caracteres.")

    dv = as_code(a.dv)
    if tipo_documento == "31":
        if dv is None:
            out.add(
                p + "dv",
                "El dígito de verificación es requerido cuando el tipo de documento es NIT (31).",
            )
        elif not (len(dv) == 1 and is_ascii_digits(dv)):
            out.add(p + "dv", "El dígito de verificación debe ser un solo dígito.")
        elif numero is not None and is_ascii_digits(numero) and not is_valid_nit(numero, dv):
            out.add(p + "dv", "El dígito de verificación no corresponde al NIT.")

    if a.razon_social is None or not a.razon_social.strip():
        out.add(p + "razon_social", "La razón social es requerida.")
    elif len(a.razon_social) > 450:
        out.add(p + "razon_social", "La razón social admite máximo 450 caracteres.")

    codes = responsabilidades(a.responsabilidad_fiscal)
    if not codes:
        out.add(p + "responsabilidad_fiscal", "La responsabilidad fiscal es requerida.")
    for code in codes:
        if code not in RESPONSABILIDADES:
            out.add(
                p + "responsabilidad_fiscal",
                f"La responsabilidad fiscal {code} no es válida "
                "(use O-13, O-15, O-23, O-47 o R-99-PN).",
            )

    if a.email is not None and a.email.strip() and not is_email(a.email.strip()):
        out.add(p + "email", "El email no es válido.")

    municipio = dane_code(a.codigo_municipio, 5)
    departamento = dane_code(a.codigo_departamento, 2)
    if departamento is not None and catalogs.department(departamento) is None:
        out.add(p + "codigo_departamento", "El código DANE de departamento no existe.")
    if municipio is not None:
        if catalogs.municipality(municipio) is None:
            out.add(p + "codigo_municipio", "El código DANE de municipio no existe.")
        elif departamento is not None and not municipio.startswith(departamento):
            out.add(p + "codigo_municipio", "El municipio no pertenece al departamento indicado.")


def _check_lineas(lineas: list[Linea] | None, out: _Collector) -> None:
    if not lineas:
        out.add("lineas", "Debe enviar al menos una línea.")
        return
    if len(lineas) > MAX_LINEAS:
        out.add("lineas", f"El documento admite máximo {MAX_LINEAS} líneas.")
    for index, linea in enumerate(lineas):
        _check_linea(linea, f"lineas.{index}.", out)


def _check_linea(linea: Linea, p: str, out: _Collector) -> None:
    if as_code(linea.codigo) is None:
        out.add(p + "codigo", "El código del producto es requerido.")
    if linea.descripcion is None or not linea.descripcion.strip():
        out.add(p + "descripcion", "La descripción es requerida.")

    if linea.cantidad is None:
        out.add(p + "cantidad", "La cantidad es requerida.")
    elif not _is_number(linea.cantidad) or linea.cantidad <= 0:
        out.add(p + "cantidad", "La cantidad debe ser un número mayor que 0.")
    elif linea.cantidad >= MAX_AMOUNT:
        out.add(p + "cantidad", "La cantidad es demasiado grande.")

    if linea.precio is None:
        out.add(p + "precio", "El precio es requerido.")
    elif not _is_number(linea.precio) or linea.precio < 0:
        out.add(p + "precio", "El precio debe ser un número mayor o igual a 0.")
    elif linea.precio >= MAX_AMOUNT:
        out.add(p + "precio", "El precio es demasiado grande.")
    elif (
        linea.cantidad is not None
        and _is_number(linea.cantidad)
        and Decimal(0) < linea.cantidad < MAX_AMOUNT
        and linea.cantidad * linea.precio >= MAX_AMOUNT
    ):
        out.add(p + "precio", "El valor de la línea (cantidad × precio) es demasiado grande.")

    if linea.iva_pct is None:
        out.add(p + "iva_pct", "El IVA % es requerido.")
    elif not _is_number(linea.iva_pct) or not Decimal(0) <= linea.iva_pct <= Decimal(100):
        out.add(p + "iva_pct", "El IVA % debe ser un número entre 0 y 100.")
    elif linea.iva_pct not in IVA_RATES:
        out.add(p + "iva_pct", "El IVA % debe ser 0, 5 o 19.")

    unidad = as_code(linea.unidad)
    if unidad is not None and not catalogs.is_unit_code(unidad):
        out.add(p + "unidad", "La unidad de medida no existe en el catálogo DIAN.")

    if linea.descuento_pct is not None and linea.descuento_valor is not None:
        out.add(p + "descuento_valor", "Envíe descuento_pct o descuento_valor, no ambos.")
    elif linea.descuento_pct is not None:
        pct = linea.descuento_pct
        if not _is_number(pct) or not Decimal(0) <= pct <= Decimal(100):
            out.add(p + "descuento_pct", "El descuento % debe ser un número entre 0 y 100.")
    elif linea.descuento_valor is not None:
        valor = linea.descuento_valor
        if not _is_number(valor) or valor < 0:
            out.add(p + "descuento_valor", "El descuento debe ser un número mayor o igual a 0.")
        elif (
            linea.cantidad is not None
            and linea.precio is not None
            and _is_number(linea.cantidad)
            and _is_number(linea.precio)
            and valor > linea.cantidad * linea.precio
        ):
            out.add(p + "descuento_valor", "El descuento no puede superar el valor de la línea.")


def _check_referencia(ref: FacturaReferencia | None, out: _Collector) -> None:
    p = "factura_referencia."
    if ref is None:
        out.add("factura_referencia", "La factura de referencia es requerida.")
        return
    if as_code(ref.numero) is None:
        out.add(p + "numero", "El número de la factura de referencia es requerido.")
    if ref.cufe is None or not ref.cufe.strip():
        out.add(p + "cufe", "El CUFE de la factura de referencia es requerido.")
    elif not _HEX96.fullmatch(ref.cufe.strip()):
        out.add(p + "cufe", "El CUFE debe tener 96 caracteres hexadecimales.")
    if ref.fecha is None or not ref.fecha.strip():
        out.add(p + "fecha", "La fecha de la factura de referencia es requerida.")
    elif parse_iso_date(ref.fecha.strip()) is None:
        out.add(p + "fecha", "La fecha debe tener el formato YYYY-MM-DD.")


def _check_motivo(motivo: Motivo | None, kind: Kind, out: _Collector) -> None:
    if motivo is None:
        out.add("motivo", "El motivo es requerido.")
        return
    allowed = MOTIVOS[kind]
    codigo = as_code(motivo.codigo)
    if codigo is None:
        out.add("motivo.codigo", "El código del motivo es requerido.")
    elif codigo not in allowed:
        out.add("motivo.codigo", f"El código del motivo debe ser uno de: {_listing(allowed)}.")
    if motivo.descripcion is None or not motivo.descripcion.strip():
        out.add("motivo.descripcion", "La descripción del motivo es requerida.")


def _listing(codes: Iterable[str]) -> str:
    ordered = sorted(codes)
    return ", ".join(ordered[:-1]) + " o " + ordered[-1]
