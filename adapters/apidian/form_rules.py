"""A Laravel-style rule-string validator: the document FormRequests over the decoded JSON body.

APIDIAN validates with Laravel rule strings (``required|numeric``, ``nullable|exists:taxes,id``
...) on dotted paths with ``*`` wildcards, and answers every failure under that path with the
Spanish message of ``resources/lang/es/validation.php`` (research Appendix A and §2.3). This
module evaluates the same strings on the same paths, so a client gets the messages and the
field paths it already parses. Only the rules APIDIAN's document requests use are known:

``required``, ``nullable``, ``required_if:field,value``, ``required_with:field``,
``required_unless:field,v1,v2``, ``numeric``, ``integer``, ``boolean``, ``string``,
``array``, ``email``, ``alpha_num``, ``date_format:Y-m-d`` / ``H:i:s``, ``exists:table``
(an id of ``catalogs``; ``exists:table,code`` a code), ``in:a,b``, ``digits:n``,
``digits_between:a,b``, ``size:n``, ``max:n``, ``between:a,b``, ``after_or_equal:field`` (a
date not before another field's date, or today's when that field is absent, as Laravel
compares with "now"). Like Laravel,
an absent or null optional value is not checked further; each field gets the message of its
first failing rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.apidian import catalogs
from core.api import is_email, now_bogota

Errors = dict[str, list[str]]
MISSING: Any = object()

# resources/lang/es/validation.php (the messages APIDIAN answers with)
MESSAGES = {
    "required": "El campo {a} es obligatorio.",
    "required_if": "El campo {a} es obligatorio cuando {other} es {value}.",
    "required_with": "El campo {a} es obligatorio cuando {values} está presente.",
    "required_unless": "El campo {a} es obligatorio a menos que {other} esté en {values}.",
    "numeric": "{a} debe ser numérico.",
    "integer": "{a} debe ser un número entero.",
    "boolean": "El campo {a} debe tener un valor verdadero o falso.",
    "string": "{a} debe ser una cadena de caracteres.",
    "array": "{a} debe ser un conjunto.",
    "email": "{a} no es un correo válido",
    "alpha_num": "{a} sólo debe contener letras y números.",
    "date_format": "{a} no corresponde al formato {format}.",
    "exists": "{a} es inválido.",
    "in": "{a} es inválido.",
    "digits": "{a} debe tener {digits} dígitos.",
    "digits_between": "{a} debe tener entre {min} y {max} dígitos.",
    "size": "{a} debe contener {size} caracteres.",
    "max": "{a} no debe ser mayor que {max} caracteres.",
    "after_or_equal": "{a} debe ser una fecha posterior o igual a {date}.",
    "between": (
        "{a} tiene que estar entre {min} - {max} o no se establecio el atributo que define el "
        "minimo y maximo."
    ),
}
# Attribute names validation.php translates (only exact keys, as Laravel does).
ATTRIBUTES = {"date": "fecha", "time": "hora", "email": "correo electrónico"}
DIAN_DV = "Error, el digito de verificacion no es valido para este NIT."
RESOLUTION_NOT_CONFIGURED = "La resolución no está configurada."

_FORMATS = {"Y-m-d": "%Y-%m-%d", "H:i:s": "%H:%M:%S"}
_FORMAT_SHAPES = {
    "Y-m-d": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "H:i:s": re.compile(r"\d{2}:\d{2}:\d{2}"),
}
_INTEGER = re.compile(r"[+-]?\d+")
_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
_ALPHA_NUM = re.compile(r"[^\W_]+")
_TRUE = (True, 1, "1", "true")
_FALSE = (False, 0, "0", "false")


def message(rule: str, path: str, **values: object) -> str:
    return MESSAGES[rule].format(a=ATTRIBUTES.get(path, path), **values)


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path (list indexes as numbers), or ``MISSING``."""
    node = data
    for part in path.split("."):
        if isinstance(node, Mapping):
            node = node.get(part, MISSING)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
        if node is MISSING:
            return MISSING
    return node


def expand(data: Any, pattern: str) -> Iterator[str]:
    """The concrete paths a pattern with ``*`` names in ``data``."""
    head, star, tail = pattern.partition(".*")
    if not star:
        yield pattern
        return
    items = lookup(data, head)
    if not isinstance(items, list):
        return
    for index in range(len(items)):
        yield from expand(data, f"{head}.{index}{tail}")


def blank(value: Any) -> bool:
    return value is MISSING or value is None or (isinstance(value, str) and not value.strip())


def as_decimal(value: Any) -> Decimal | None:
    """A Laravel ``numeric`` value as ``Decimal`` (strings, integers and floats)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def as_int(value: Any) -> int | None:
    """A Laravel ``integer`` value (``1355`` or ``"1355"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def as_bool(value: Any) -> bool | None:
    if value in _TRUE and not isinstance(value, float):
        return True
    if value in _FALSE and not isinstance(value, float):
        return False
    return None


def as_text(value: Any) -> str | None:
    """Scalars as text (PHP casts numbers to strings where a string is expected)."""
    if blank(value) or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_date(value: Any, fmt: str = "Y-m-d") -> dt.date | dt.time | None:
    if not isinstance(value, str) or not _FORMAT_SHAPES[fmt].fullmatch(value):
        return None
    try:
        moment = dt.datetime.strptime(value, _FORMATS[fmt])
    except ValueError:
        return None
    return moment.date() if fmt == "Y-m-d" else moment.time()


def _required_if(data: Any, args: list[str], path: str) -> bool:
    other = _sibling(args[0], path)
    expected = [a for a in args[1:] if a != "="]
    found = lookup(data, other)
    if blank(found):
        return False
    text = as_text(found)
    if isinstance(found, bool):
        text = "true" if found else "false"
    return text in expected


def _sibling(pattern: str, path: str) -> str:
    """``lines.*.x`` referenced from ``lines.3.y`` -> ``lines.3.x``."""
    if "*" not in pattern:
        return pattern
    indexes = re.findall(r"\.(\d+)(?=\.|$)", path)
    for index in indexes:
        pattern = pattern.replace("*", index, 1)
    return pattern


def _exists(args: list[str], value: Any) -> bool:
    """``exists:table`` (an id) or ``exists:table,code`` (a DIAN code of the table)."""
    if args[1:2] == ["code"]:
        text = as_text(value)
        return text is not None and any(r.code == text for r in catalogs.rows(args[0]))
    number = as_int(value)
    return number is not None and catalogs.row(args[0], number) is not None


def check_value(rule: str, args: list[str], value: Any) -> bool:
    """Whether a present value passes one (non-presence) rule."""
    match rule:
        case "numeric":
            return as_decimal(value) is not None
        case "integer":
            return as_int(value) is not None
        case "boolean":
            return as_bool(value) is not None
        case "string":
            return isinstance(value, str)
        case "array":
            return isinstance(value, dict | list)
        case "email":
            return isinstance(value, str) and is_email(value)
        case "alpha_num":
            text = as_text(value)
            return text is not None and bool(_ALPHA_NUM.fullmatch(text))
        case "date_format":
            return as_date(value, args[0]) is not None
        case "exists":
            return _exists(args, value)
        case "in":
            return as_text(value) in [a.strip() for a in args]
        case "digits" | "digits_between":
            text = as_text(value) or ""
            low, high = (int(args[0]), int(args[0])) if rule == "digits" else map(int, args)
            return text.isdigit() and low <= len(text) <= high
        case "size":
            return isinstance(value, str) and len(value) == int(args[0])
        case "max":  # lenient: a phone sent as a number is measured as its digits
            text = as_text(value)
            return text is not None and len(text) <= int(args[0])
        case "between":
            number = as_decimal(value)
            return number is not None and Decimal(args[0]) <= number <= Decimal(args[1])
    return True


def _failure(rule: str, args: list[str], path: str) -> str:
    values: dict[str, object] = {}
    if rule == "date_format":
        values["format"] = args[0]
    elif rule == "digits" or rule == "size":
        values["digits" if rule == "digits" else "size"] = args[0]
    elif rule in ("digits_between", "between"):
        values.update(min=args[0], max=args[1])
    elif rule == "max":
        values["max"] = args[0]
    return message(rule, path, **values)


def validate(data: Any, rules: Mapping[str, str | Sequence[str]], errors: Errors) -> None:
    """Check ``data`` against ``{pattern: "rule|rule:args"}``; failures go into ``errors``."""
    for pattern, spec in rules.items():
        parts = spec.split("|") if isinstance(spec, str) else list(spec)
        for path in expand(data, pattern):
            if path in errors:
                continue
            failed = _check(data, path, parts)
            if failed:
                errors[path] = [failed]


def _check(data: Any, path: str, parts: Sequence[str]) -> str | None:
    value = lookup(data, path)
    parsed = [(p.partition(":")[0], p.partition(":")[2].split(",")) for p in parts]
    if blank(value):  # Laravel turns "" into null before validating
        for rule, args in parsed:
            if rule == "required":
                return message("required", path)
            if rule == "required_if" and _required_if(data, args, path):
                other, shown = args[0], [a for a in args[1:] if a != "="][0]
                return message("required_if", path, other=other, value=shown)
            if rule == "required_with" and not blank(lookup(data, _sibling(args[0], path))):
                return message("required_with", path, values=args[0])
            if rule == "required_unless":
                found = as_text(lookup(data, _sibling(args[0], path)))
                if found not in args[1:]:
                    return message(
                        "required_unless", path, other=args[0], values=", ".join(args[1:])
                    )
        return None
    for rule, args in parsed:
        if rule in ("required", "nullable", "required_if", "required_with", "required_unless"):
            continue
        if rule == "after_or_equal":
            if not _after_or_equal(data, args[0], path, value):
                return message("after_or_equal", path, date=ATTRIBUTES.get(args[0], args[0]))
            continue
        if not check_value(rule, args, value):
            return _failure(rule, args, path)
    return None


def _after_or_equal(data: Any, other: str, path: str, value: Any) -> bool:
    """``after_or_equal:other`` on ``Y-m-d`` dates. A value that is not a date passes here
    (its ``date_format`` rule answers for it), and so does one compared with a malformed
    date (that field has its own error); with ``other`` absent the value is compared with
    today, Bogotá time."""
    day = as_date(value)
    if not isinstance(day, dt.date):
        return True
    found = lookup(data, _sibling(other, path))
    if blank(found):
        return day >= now_bogota().date()
    reference = as_date(found)
    return not isinstance(reference, dt.date) or day >= reference
