"""FacEPro Cloud request bodies as msgspec Structs.

Every field is optional at this layer so that a missing field becomes a Spanish
"es requerido" message on its own path (``validation.py``) instead of msgspec stopping at
the first one. Codes accept strings or numbers because the seed's PHP and JavaScript clients
build them either way; amounts are ``Decimal`` (msgspec decodes JSON numbers into ``Decimal``
from their text, so ``19000.50`` never goes through a float). Unknown fields are ignored, as
FacEPro itself does.

Every text has a maximum length, so no field can make the gateway hold or scan more than a
document needs: the seed's own limits (razón social 450, número de documento 20), RFC 5321's
254 for an e-mail, and generous bounds elsewhere (DIAN's Anexo sets none for these fields).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

from core.api import EMAIL_MAX_LENGTH

ShortText = Annotated[str, msgspec.Meta(max_length=50)]  # codes, dates, times
Code = ShortText | int
IdNumber = Annotated[str, msgspec.Meta(max_length=20)] | int
Name = Annotated[str, msgspec.Meta(max_length=450)]
Email = Annotated[str, msgspec.Meta(max_length=EMAIL_MAX_LENGTH)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]  # descriptions, addresses
UniqueCodeText = Annotated[str, msgspec.Meta(max_length=200)]  # a CUFE is 96 hex digits
Responsabilidades = ShortText | Annotated[list[ShortText], msgspec.Meta(max_length=10)]


class Factura(msgspec.Struct, kw_only=True):
    """``factura``: issue date and time; both default to now in America/Bogota."""

    fecha: ShortText | None = None
    hora: ShortText | None = None


class Adquiriente(msgspec.Struct, kw_only=True):
    """``adquiriente``: the customer."""

    tipo_persona: Code | None = None
    tipo_documento: Code | None = None
    numero_documento: IdNumber | None = None
    dv: Code | None = None
    razon_social: Name | None = None
    responsabilidad_fiscal: Responsabilidades | None = None
    email: Email | None = None
    direccion: Text | None = None
    codigo_municipio: Code | None = None
    codigo_departamento: Code | None = None


class Linea(msgspec.Struct, kw_only=True):
    """One item of ``lineas[]``."""

    codigo: Code | None = None
    descripcion: Text | None = None
    cantidad: Decimal | None = None
    unidad: Code | None = None
    precio: Decimal | None = None
    iva_pct: Decimal | None = None
    descuento_pct: Decimal | None = None
    descuento_valor: Decimal | None = None


class FacturaReferencia(msgspec.Struct, kw_only=True):
    """``factura_referencia``: the invoice a note corrects."""

    numero: Code | None = None
    cufe: UniqueCodeText | None = None
    fecha: ShortText | None = None


class Motivo(msgspec.Struct, kw_only=True):
    """``motivo``: why a note is issued (ConceptoNotaCredito / ConceptoNotaDebito)."""

    codigo: Code | None = None
    descripcion: Text | None = None


class DocumentoPayload(msgspec.Struct, kw_only=True):
    """Body of ``POST /documentos`` (factura de venta)."""

    factura: Factura | None = None
    adquiriente: Adquiriente | None = None
    lineas: list[Linea] | None = None


class NotaPayload(DocumentoPayload, kw_only=True):
    """Body of ``POST /notas-credito`` and ``POST /notas-debito``."""

    factura_referencia: FacturaReferencia | None = None
    motivo: Motivo | None = None
