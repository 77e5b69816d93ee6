"""Request bodies to payload Structs, within limits, failing as ``InvalidRequest``.

Every dialect decodes the same way, so every dialect gets the same protections:

- the body size (``BodyTooLarge``; the app also stops reading at the limit, see ``errors``);
- the nesting depth, measured by a linear scan *before* msgspec sees the body, so a
  10,000-level array costs a few microseconds instead of reaching the decoder's recursion;
- string lengths and patterns declared on the payload Structs with ``msgspec.Meta``;
- numbers: finite, and of a sane magnitude and precision. JSON numbers decode into
  ``Decimal`` from their text, so ``1e-999999999`` is not silently 0 and ``"NaN"`` is not a
  quantity; both are refused here, with the field's path;
- integers within 64 bits, so none overflows a database column later.

Messages are Spanish and name the field through ``labels`` (field name -> "El precio"); a
dialect may replace the wrong-type message of a field through ``type_messages``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import TypeVar

import msgspec

from core.dialects.fields import ASCII_DIGITS_PATTERN
from core.errors import BodyTooLarge, InvalidRequest

T = TypeVar("T")

BODY = "body"
"""The path of the body itself in ``InvalidRequest.errors``."""

INVALID_JSON = "El cuerpo de la petición no es un JSON válido."
BODY_NOT_OBJECT = "El cuerpo de la petición debe ser un objeto JSON."
INT64 = 2**63 - 1


@dataclass(frozen=True, kw_only=True)
class DecodeLimits:
    """What one request body may be. The defaults suit invoices with hundreds of lines."""

    max_body_bytes: int = 1024 * 1024
    max_depth: int = 32
    # Decimal digits of one number, and how far from 1 its magnitude may go: far beyond any
    # amount, quantity or rate, far inside what ``Decimal`` arithmetic keeps exact.
    max_number_digits: int = 40
    min_exponent: int = -20
    max_exponent: int = 40


DEFAULT_LIMITS = DecodeLimits()


def decode_json(
    body: bytes,
    payload_type: type[T],
    *,
    limits: DecodeLimits = DEFAULT_LIMITS,
    labels: Mapping[str, str] | None = None,
    type_messages: Mapping[str, str] | None = None,
) -> T:
    """The ``payload_type`` value of a JSON body, or ``BodyTooLarge`` / ``InvalidRequest``."""
    if len(body) > limits.max_body_bytes:
        raise BodyTooLarge(limits.max_body_bytes)
    labels = labels or {}
    too_deep = nesting_too_deep(body, limits.max_depth)
    if too_deep is not None:
        raise InvalidRequest(
            {too_deep: [f"El contenido está anidado a más de {limits.max_depth} niveles."]}
        )
    try:
        value = msgspec.json.decode(body, type=payload_type)
    except msgspec.ValidationError as exc:
        path, message = translate_error(str(exc), labels, type_messages or {})
        raise InvalidRequest({path: [message]}) from None
    except msgspec.DecodeError:
        raise InvalidRequest({BODY: [INVALID_JSON]}) from None
    errors: dict[str, list[str]] = {}
    for path, message in number_problems(value, limits, labels, type_messages or {}):
        errors.setdefault(path, []).append(message)
    if errors:
        raise InvalidRequest(errors)
    return value


# ------------------------------------------------------------------------------ nesting

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def nesting_too_deep(body: bytes, max_depth: int) -> str | None:
    """The top-level field under which ``body`` nests deeper than ``max_depth`` (``BODY`` when
    there is none), or ``None`` when it does not.

    Brackets inside strings do not count. The scan jumps from string to string (one
    non-backtracking pattern each) and counts brackets between them with bytes methods; only a
    stretch that might cross the limit is stepped through. An unterminated string stops the
    scan: the body is not JSON, and the decoder reports that before going any deeper.
    """
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return None
    depth, field, candidate, position = 0, BODY, None, 0
    while position < len(body):
        quote = body.find(b'"', position)
        end = len(body) if quote < 0 else quote
        stretch = body[position:end]
        if candidate is not None and stretch.lstrip()[:1] == b":":
            field = candidate
        candidate = None
        openers = stretch.count(b"[") + stretch.count(b"{")
        if (
            depth + openers > max_depth
            and depth + max(accumulate(map(_STEP.__getitem__, stretch)), default=0) > max_depth
        ):
            return field
        depth += openers - stretch.count(b"]") - stretch.count(b"}")
        if quote < 0:
            break
        string = _STRING.match(body, quote)
        if string is None:
            return None
        if depth == 1:
            candidate = _key(string.group())
        position = string.end()
    return None


def _key(quoted: bytes) -> str | None:
    try:
        return msgspec.json.decode(quoted, type=str)
    except msgspec.DecodeError:
        return None


# ------------------------------------------------------------------------------ numbers


def number_problems(
    value: object,
    limits: DecodeLimits,
    labels: Mapping[str, str],
    type_messages: Mapping[str, str],
    path: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """Every number of a decoded payload that no document should carry, with its path."""
    found: list[tuple[str, str]] = []
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            found += number_problems(
                getattr(value, name), limits, labels, type_messages, (*path, name)
            )
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += number_problems(item, limits, labels, type_messages, (*path, str(index)))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += number_problems(item, limits, labels, type_messages, (*path, str(key)))
    elif isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        problem = _number_problem(value, limits)
        if problem is not None:
            field = _field(path)
            message = type_messages.get(field) or f"{labels.get(field, 'El campo')} {problem}."
            found.append((".".join(path), message))
    return found


def _number_problem(value: Decimal | float | int, limits: DecodeLimits) -> str | None:
    if isinstance(value, int):
        return None if -INT64 - 1 <= value <= INT64 else "es demasiado grande"
    if isinstance(value, float):
        return None if math.isfinite(value) else "debe ser un número finito"
    if not value.is_finite():
        return "debe ser un número finito"
    if not value:
        return None
    if len(value.as_tuple().digits) > limits.max_number_digits:
        return "tiene demasiados dígitos"
    if value.adjusted() > limits.max_exponent:
        return "es demasiado grande"
    if value.adjusted() < limits.min_exponent:
        return "tiene más decimales de los admitidos"
    return None


# ------------------------------------------------------------------------------ messages

_AT = re.compile(r" - at `\$(.*)`$")
_SEGMENT = re.compile(r"\.([^.\[`]+)|\[(\d+)\]|\[([^\]]*)\]")
_EXPECTED = re.compile(r"^Expected `([^`]*)`(.*?)(?: - at |$)")
_MISSING = re.compile(r"^Object missing required field `([^`]*)`")
_UNKNOWN = re.compile(r"^Object contains unknown field `([^`]*)`")
_LENGTH = re.compile(r" of length (<=|>=) (\d+)")
_BOUND = re.compile(r" (<=|>=|<|>) (-?[\d.]+)")
_REGEX = re.compile(r" matching regex '(.*)'")


def translate_error(
    message: str, labels: Mapping[str, str], type_messages: Mapping[str, str]
) -> tuple[str, str]:
    """msgspec's English ``ValidationError`` text as (dotted path, Spanish message)."""
    at = _AT.search(message)
    segments = [
        name or index or key.strip('"')
        for name, index, key in _SEGMENT.findall(at.group(1) if at else "")
    ]
    head = message[: at.start()] if at else message
    missing, unknown = _MISSING.match(head), _UNKNOWN.match(head)
    if missing or unknown:
        name = (missing or unknown).group(1)  # type: ignore[union-attr]
        path = ".".join([*segments, name])
        if missing:
            return path, f"{labels.get(name, 'El campo ' + name)} es requerido."
        return path, f"El campo {name} no está permitido."
    path = ".".join(segments)
    field = _field(segments)
    if not segments:
        return BODY, BODY_NOT_OBJECT
    label = labels.get(field, "El campo")
    expected = _EXPECTED.match(head)
    kinds = expected.group(1) if expected else ""
    constraint = expected.group(2) if expected else ""
    if (length := _LENGTH.search(constraint)) is not None:
        limit = int(length.group(2))
        unit = "caracteres" if kinds == "str" else "elementos"
        if length.group(1) == "<=":
            return path, f"{label} admite máximo {limit} {unit}."
        return path, f"{label} debe tener al menos {limit} {unit}."
    if (regex := _REGEX.search(constraint)) is not None:
        if regex.group(1) == ASCII_DIGITS_PATTERN:
            return path, f"{label} solo admite dígitos (0-9)."
        return path, f"{label} no tiene un formato válido."
    if field in type_messages:
        return path, type_messages[field]
    if (bound := _BOUND.search(constraint)) is not None:
        words = {
            "<=": "menor o igual a",
            ">=": "mayor o igual a",
            "<": "menor que",
            ">": "mayor que",
        }
        return path, f"{label} debe ser un número {words[bound.group(1)]} {bound.group(2)}."
    if "out of range" in head:
        return path, f"{label} es demasiado grande."
    return path, f"{label} debe ser {_what(kinds, head)}."


def _what(kinds: str, message: str) -> str:
    options = kinds.split(" | ")
    if "decimal" in kinds or "decimal" in message or "float" in options:
        return "un número"
    if "str" in options or not kinds:
        return "un texto"
    if "int" in options:
        return "un número entero"
    if "bool" in options:
        return "verdadero o falso"
    if "array" in options:
        return "una lista"
    return "un objeto"


def _field(segments: tuple[str, ...] | list[str]) -> str:
    return next((s for s in reversed(segments) if not s.isdigit()), "")


__all__ = [
    "BODY",
    "DEFAULT_LIMITS",
    "DecodeLimits",
    "decode_json",
    "nesting_too_deep",
    "number_problems",
    "translate_error",
]
