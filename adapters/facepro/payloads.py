"""FacEPro Cloud request bodies as msgspec Structs.

Every field is optional at this layer so that a missing field becomes a Spanish
"es requerido" message on its own path (``validation.py``) instead of msgspec stopping at
the first one. Codes accept strings or numbers because the seed's PHP and JavaScript clients
build them either way; amounts are ``Decimal`` (msgspec decodes JSON numbers into ``Decimal``
from their text, so ``19000.50`` never goes through a float). Unknown fields are ignored, as
FacEPro itself does.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

Code = str | int


class Factura(msgspec.Struct, kw_only=True):
    """``factura``: issue date and time; both default to now in America/Bogota."""

    fecha: str | None = None
    hora: str | None = None


class Adquiriente(msgspec.Struct, kw_only=True):
    """``adquiriente``: the customer."""

    tipo_persona: Code | None = None
    tipo_documento: Code | None = None
    numero_documento: Code | None = None
    dv: Code | None = None
    razon_social: str | None = None
    responsabilidad_fiscal: str | list[str] | None = None
    email: str | None = None
    direccion: str | None = None
    codigo_municipio: Code | None = None
    codigo_departamento: Code | None = None


class Linea(msgspec.Struct, kw_only=True):
    """One item of ``lineas[]``."""

    codigo: Code | None = None
    descripcion: str | None = None
    cantidad: Decimal | None = None
    unidad: Code | None = None
    precio: Decimal | None = None
    iva_pct: Decimal | None = None
    descuento_pct: Decimal | None = None
    descuento_valor: Decimal | None = None


class FacturaReferencia(msgspec.Struct, kw_only=True):
    """``factura_referencia``: the invoice a note corrects."""

    numero: Code | None = None
    cufe: str | None = None
    fecha: str | None = None


class Motivo(msgspec.Struct, kw_only=True):
    """``motivo``: why a note is issued (ConceptoNotaCredito / ConceptoNotaDebito)."""

    codigo: Code | None = None
    descripcion: str | None = None


class DocumentoPayload(msgspec.Struct, kw_only=True):
    """Body of ``POST /documentos`` (factura de venta)."""

    factura: Factura | None = None
    adquiriente: Adquiriente | None = None
    lineas: list[Linea] | None = None


class NotaPayload(DocumentoPayload, kw_only=True):
    """Body of ``POST /notas-credito`` and ``POST /notas-debito``."""

    factura_referencia: FacturaReferencia | None = None
    motivo: Motivo | None = None
