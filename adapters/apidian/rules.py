"""APIDIAN's request rules (its Laravel FormRequests) with its Spanish messages.

APIDIAN validates with Laravel rules and the messages of its ``resources/lang/es/
validation.php``; the attribute in a message is the dotted field path, except the few names
Laravel translates (``email`` -> "correo electrónico"). ``Rules`` checks one decoded JSON
object, collects every finding by field path and raises ``InvalidRequest`` once, so the client
sees all its mistakes in one 422, as Laravel answers.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.apidian import catalogs
from core.api import BODY, DecodeLimits, InvalidRequest, check_digit, decode_json

# A logo may be 1 MB, sent in base64 (4/3 of it) inside JSON: bodies up to 2 MiB.
LIMITS = DecodeLimits(max_body_bytes=2 * 1024 * 1024)

ATTRIBUTES = {"email": "correo electrónico", "date": "fecha", "password": "contraseña"}
DV_MESSAGE = "Error, el digito de verificacion no es valido para este NIT."
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^[0-9]+$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


def decode_object(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body (an empty body is ``{}``, as Laravel reads it)."""
    if not body.strip():
        return {}
    value = decode_json(body, dict, limits=LIMITS)
    if not isinstance(value, dict):
        raise InvalidRequest({BODY: ["El cuerpo de la petición debe ser un objeto JSON."]})
    return value


def attribute(field: str) -> str:
    """Laravel's displayable attribute: a translated name, else the path without ``_``."""
    return ATTRIBUTES.get(field, field.replace("_", " "))


def present(value: Any) -> bool:
    """Laravel's ``required``: not null, not an empty or blank string, not an empty array."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def as_text(value: Any) -> str | None:
    """A scalar as Laravel compares it (``12345`` and ``"12345"`` alike); ``None`` otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value.strip()
    return None


def as_int(value: Any) -> int | None:
    """Laravel's ``integer``: an int, or a string/float holding one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    return None


def is_numeric(value: Any) -> bool:
    text = as_text(value)
    if text is None or not text:
        return False
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite()


class Rules:
    """Collects findings about one request object, by field path, in Laravel's wording."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return present(self.data.get(field))

    def failed(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidRequest(self.errors)

    # --------------------------------------------------------------- presence

    def required(self, field: str) -> bool:
        """``required``; whether the field is there."""
        if self.has(field):
            return True
        self.add(field, f"El campo {attribute(field)} es obligatorio.")
        return False

    def required_with(self, field: str, others: tuple[str, ...]) -> None:
        if not self.has(field) and any(self.has(o) for o in others):
            values = " / ".join(attribute(o) for o in others if self.has(o))
            self.add(
                field, f"El campo {attribute(field)} es obligatorio cuando {values} está presente."
            )

    def required_if(self, field: str, other: str, value: str) -> bool:
        if as_text(self.data.get(other)) == value and not self.has(field):
            self.add(
                field,
                f"El campo {attribute(field)} es obligatorio cuando {attribute(other)} es {value}.",
            )
            return False
        return True

    # ------------------------------------------------------------------ types

    def string(self, field: str, *, max_length: int | None = None) -> str | None:
        value = self.data.get(field)
        if not present(value):
            return None
        if not isinstance(value, str):
            self.add(field, f"El campo {attribute(field)} debe ser una cadena de caracteres.")
            return None
        if max_length is not None and len(value) > max_length:
            self.add(field, f"{attribute(field)} no debe ser mayor que {max_length} caracteres.")
            return None
        return value.strip()

    def integer(self, field: str, *, minimum: int | None = None) -> int | None:
        value = self.data.get(field)
        if not present(value):
            return None
        number = as_int(value)
        if number is None:
            self.add(field, f"{attribute(field)} debe ser un número entero.")
            return None
        if minimum is not None and number < minimum:
            self.add(field, f"El tamaño de {attribute(field)} debe ser de al menos {minimum}.")
            return None
        return number

    def numeric(self, field: str) -> str | None:
        value = self.data.get(field)
        if not present(value):
            return None
        if not is_numeric(value):
            self.add(field, f"{attribute(field)} debe ser numérico.")
            return None
        return as_text(value)

    def digits(self, field: str, count: int) -> str | None:
        text = self.numeric(field)
        if text is None:
            return None
        if not _DIGITS.match(text) or len(text) != count:
            self.add(field, f"{attribute(field)} debe tener {count} dígitos.")
            return None
        return text

    def digits_between(self, field: str, low: int, high: int) -> str | None:
        text = self.numeric(field)
        if text is None:
            return None
        if not _DIGITS.match(text) or not low <= len(text) <= high:
            self.add(field, f"{attribute(field)} debe tener entre {low} y {high} dígitos.")
            return None
        return text

    def email(self, field: str) -> str | None:
        text = self.string(field)
        if text is not None and not _EMAIL.match(text):
            self.add(field, f"{attribute(field)} no es un correo válido")
            return None
        return text

    def url(self, field: str) -> str | None:
        text = self.string(field)
        if text is not None and not _URL.match(text):
            self.add(field, f"El formato {attribute(field)} es inválido.")
            return None
        return text

    def boolean(self, field: str) -> bool | None:
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if as_text(value) in ("1", "0", "true", "false"):
            return as_text(value) in ("1", "true")
        self.add(field, f"El campo {attribute(field)} debe tener un valor verdadero o falso.")
        return None

    def date(self, field: str) -> dt.date | None:
        """``date_format:Y-m-d``."""
        text = self.string(field)
        if text is None:
            return None
        try:
            if len(text) != 10:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.add(field, f"{attribute(field)} no corresponde al formato Y-m-d.")
            return None

    def base64(self, field: str) -> bytes | None:
        text = self.string(field)
        if text is None:
            return None
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            self.add(field, "The base64 encoding is not valid.")
            return None

    # ------------------------------------------------------------- catalogs

    def exists(
        self, field: str, table: str, *, message: str | None = None
    ) -> catalogs.CatalogRow | None:
        """``exists:<table>,id``: the row of the id given, or ``None`` (and a finding)."""
        value = self.data.get(field)
        if not present(value):
            return None
        number = as_int(value)
        found = None if number is None else catalogs.row(table, number)
        if found is None:
            self.add(field, message or f"{attribute(field)} es inválido.")
        return found

    def nit_and_dv(self, nit: str, dv: str | None) -> None:
        """The URL's ``nit`` (``numeric|digits_between:1,15``) and ``dv``
        (``numeric|digits:1|dian_dv``), checked as APIDIAN checks them."""
        path = Rules({"nit": nit, "dv": dv})
        nit_text = path.digits_between("nit", 1, 15) if path.required("nit") else None
        dv_text = path.digits("dv", 1) if path.required("dv") else None
        if nit_text is not None and dv_text is not None and check_digit(nit_text) != dv_text:
            path.add("dv", DV_MESSAGE)
        for field, messages in path.errors.items():
            for message in messages:
                self.add(field, message)
