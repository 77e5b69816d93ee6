"""Factus' numbering ranges on core's (``ctx.ranges``): the Factus range id *is* the core
range id (bills name it in ``numbering_range_id``), its ``document`` is Factus' code
(21 factura de venta, 22 nota crédito, 23 nota débito, 24 documento soporte, 25 nota de
ajuste; research §6) mapped to core's range type.

``current`` is, in every answer, the next number the range hands out (Factus: "siguiente
número"). In a request (create, ``PATCH .../current``) it is the last number already used
elsewhere, as Factus' docs ask: the range continues after it, so no number is issued twice;
a value below the range's start means none was used.

Dates as Factus writes them (research §2.5): ``dd-mm-YYYY`` in a single range,
``YYYY-mm-dd`` in list rows, timestamps ``2024-09-10T15:30:26Z``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from adapters.factus import catalogs
from core.api import CHANNEL_INVOICES, CHANNEL_SUPPORT, RangeRecord, now_bogota

# Factus' range document code -> core range type (a document kind's ``range_type``).
CORE_TYPES = {"21": "01", "22": "91", "23": "92", "24": "05", "25": "95"}
FACTUS_CODES = {core: factus for factus, core in CORE_TYPES.items()}
# Codes whose ranges come from a DIAN resolution (looked up with GetNumberingRange).
WITH_RESOLUTION = {"21": CHANNEL_INVOICES, "24": CHANNEL_SUPPORT}
# Notes are numbered without a DIAN resolution: Factus gives them 1..16,000,000.
NOTE_FROM, NOTE_TO = 1, 16_000_000
NOTE_VALID_TO = dt.date(2050, 12, 31)
MAX_PREFIX = 4  # DIAN prefixes have up to four characters
MAX_TEXT = 40


def document_name(code: str) -> str:
    found = catalogs.row("numbering_range_document_codes", code)
    return found.name if found else ""


def timestamp(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _common(record: RangeRecord) -> dict[str, Any]:
    numbering = record.range
    return {
        "prefix": numbering.prefix,
        "from": numbering.from_number,
        "to": numbering.to_number,
        "current": record.next_number,
        "resolution_number": numbering.resolution_number or None,
    }


def range_object(record: RangeRecord) -> dict[str, Any]:
    """A single range (show, create, ``PATCH .../current``): ``document`` is the code."""
    numbering = record.range
    code = FACTUS_CODES[numbering.document_type]
    today = now_bogota().date()
    return {
        "id": numbering.id,
        "document": code,
        "document_name": document_name(code),
        **_common(record),
        "start_date": numbering.valid_from.strftime("%d-%m-%Y"),
        "end_date": numbering.valid_to.strftime("%d-%m-%Y"),
        "technical_key": numbering.technical_key,
        "is_expired": numbering.valid_to < today,
        "is_active": 0 if record.retired_at else 1,
        "created_at": timestamp(record.created_at),
        "updated_at": timestamp(record.created_at),
    }


def list_row(record: RangeRecord) -> dict[str, Any]:
    """A row of ``GET /v1/numbering-ranges``: ``document`` is the name, ISO dates."""
    numbering = record.range
    code = FACTUS_CODES[numbering.document_type]
    today = now_bogota().date()
    return {
        "id": numbering.id,
        "document": document_name(code),
        **_common(record),
        "start_date": numbering.valid_from.isoformat(),
        "end_date": numbering.valid_to.isoformat(),
        "technical_key": numbering.technical_key,
        "is_expired": numbering.valid_to < today,
        "is_active": 0 if record.retired_at else 1,
        "deleted_at": timestamp(record.retired_at),
        "created_at": timestamp(record.created_at),
        "updated_at": timestamp(record.created_at),
    }


def matches(record: RangeRecord, filters: Mapping[str, str]) -> bool:
    """``filter[id]``, ``filter[document]`` (exact), ``filter[resolution_number]``,
    ``filter[technical_key]`` (contained), ``filter[is_active]`` (1/0)."""
    numbering = record.range
    wanted_id = filters.get("id")
    if wanted_id is not None and wanted_id.strip() != str(numbering.id):
        return False
    document = filters.get("document")
    if document is not None and document.strip() != FACTUS_CODES.get(numbering.document_type):
        return False
    for name, value in (
        ("resolution_number", numbering.resolution_number),
        ("technical_key", numbering.technical_key),
    ):
        wanted = filters.get(name)
        if wanted is not None and wanted.strip() not in (value or ""):
            return False
    active = filters.get("is_active")
    return active is None or active.strip() == ("0" if record.retired_at else "1")


def filters_of(query: Mapping[str, str]) -> dict[str, str]:
    """``filter[name]=value`` query parameters (empty values are no filter)."""
    found = {}
    for key, value in query.items():
        if key.startswith("filter[") and key.endswith("]") and value.strip():
            found[key[len("filter[") : -1]] = value
    return found


def next_after(current: int | None, from_number: int) -> int:
    """The next number of a range whose last used number is ``current``."""
    if current is None or current < from_number:
        return from_number
    return current + 1


def as_int(value: Any) -> int | None:
    """An integer as Laravel's ``integer`` rule accepts it (``5`` or ``"5"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def check_create(body: Mapping[str, Any], installed: set[str]) -> dict[str, list[str]]:
    """Laravel-style field errors of a create request (Spanish, per field)."""
    errors: dict[str, list[str]] = {}
    document = body.get("document")
    code = str(document).strip() if isinstance(document, str | int) else None
    if document is None or document == "":
        errors["document"] = ["El campo documento es obligatorio."]
    elif code not in CORE_TYPES or CORE_TYPES[code] not in installed:
        errors["document"] = ["El campo documento seleccionado es inválido."]
    prefix = body.get("prefix")
    if prefix is None or prefix == "":
        errors["prefix"] = ["El campo prefijo es obligatorio."]
    elif not isinstance(prefix, str) or not prefix.isascii() or not prefix.isalnum():
        errors["prefix"] = ["El campo prefijo solo debe contener letras y números."]
    elif len(prefix) > MAX_PREFIX:
        errors["prefix"] = [f"El campo prefijo no debe contener más de {MAX_PREFIX} caracteres."]
    current = body.get("current")
    if current is not None and (as_int(current) is None or as_int(current) < 0):
        errors["current"] = ["El campo consecutivo actual debe ser un número entero positivo."]
    resolution = body.get("resolution_number")
    if code in WITH_RESOLUTION and (resolution is None or str(resolution).strip() == ""):
        errors["resolution_number"] = ["El campo número de resolución es obligatorio."]
    elif resolution is not None and (
        not isinstance(resolution, str | int) or len(str(resolution)) > MAX_TEXT
    ):
        errors["resolution_number"] = ["El campo número de resolución no es válido."]
    return errors
