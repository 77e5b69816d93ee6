"""The toolkit's decoding limits and field checks, on the inputs that used to get through."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
import pytest

from core.api import (
    BodyTooLarge,
    DecodeLimits,
    InvalidRequest,
    decode_json,
    is_ascii_digits,
    is_email,
    parse_bounded_int,
    parse_iso_date,
)
from core.dialects.decoding import nesting_too_deep


class Linea(msgspec.Struct):
    precio: Decimal


class Cuerpo(msgspec.Struct):
    lineas: list[Linea] = []
    nota: str | None = None


def errors_of(body: bytes) -> dict[str, list[str]]:
    with pytest.raises(InvalidRequest) as caught:
        decode_json(body, Cuerpo, labels={"precio": "El precio"})
    return caught.value.errors


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", "a"),
        (b"[" * 10_000, "body"),
        (b'{"a": 1, "b": {"c": ' + b"{" * 40, "b"),
        (b'{"a": "' + b"[" * 40 + b'"}', None),  # brackets inside a string do not nest
        (b'{"a": "\\"' + b"[" * 40 + b'"}', None),  # nor after an escaped quote
        (b'{"a": "' + b"\\" * 40 + b'"}', None),
        (b'{"a": "unterminated ' + b"[" * 40, None),  # not JSON: the decoder says so
        (b"[" + b"[], " * 5_000 + b"]", None),  # many brackets, shallow
    ],
)
def test_nesting_scan(body: bytes, found: str | None) -> None:
    assert nesting_too_deep(body, 32) == found


def test_deep_bodies_never_reach_the_decoder() -> None:
    assert errors_of(b'{"nota": ' + b"[" * 100_000 + b"]" * 100_000 + b"}") == {
        "nota": ["El contenido está anidado a más de 32 niveles."]
    }


def test_size_limit() -> None:
    with pytest.raises(BodyTooLarge):
        decode_json(b" " * 101, Cuerpo, limits=DecodeLimits(max_body_bytes=100))


@pytest.mark.parametrize(
    ("precio", "message"),
    [
        (b"1e-999999999", "El precio tiene más decimales de los admitidos."),
        (b'"NaN"', "El precio debe ser un número finito."),
        (b'"-Infinity"', "El precio debe ser un número finito."),
        (b"1e999999999", "El precio es demasiado grande."),
        (b"0." + b"1" * 50, "El precio tiene demasiados dígitos."),
    ],
)
def test_numbers_must_be_finite_and_sane(precio: bytes, message: str) -> None:
    body = b'{"lineas": [{"precio": 1}, {"precio": ' + precio + b"}]}"
    assert errors_of(body) == {"lineas.1.precio": [message]}


def test_ordinary_numbers_pass() -> None:
    body = b'{"lineas": [{"precio": 0}, {"precio": 8403.361344537815}, {"precio": "1e15"}]}'
    assert [line.precio for line in decode_json(body, Cuerpo).lineas] == [
        Decimal(0),
        Decimal("8403.361344537815"),
        Decimal("1e15"),
    ]


def test_wrong_types_name_the_field_in_spanish() -> None:
    assert errors_of(b'{"lineas": [{"precio": [1]}]}') == {
        "lineas.0.precio": ["El precio debe ser un número."]
    }
    assert errors_of(b'{"lineas": {}}') == {"lineas": ["El campo debe ser una lista."]}


@pytest.mark.parametrize("text", ["0", "0123456789"])
def test_ascii_digits(text: str) -> None:
    assert is_ascii_digits(text)


@pytest.mark.parametrize("text", ["", "²", "٧١٢٣٤٥٦٧", "１２", "12a", " 12"])
def test_not_ascii_digits(text: str) -> None:
    assert not is_ascii_digits(text)


@pytest.mark.parametrize("text", ["juan@correo.com", "a.b+c@sub.dominio.co"])
def test_emails(text: str) -> None:
    assert is_email(text)


@pytest.mark.parametrize(
    "text",
    [
        "no-es-email",
        "a@b",
        "a@@b.co",
        "a b@c.co",
        "a@b..co",
        "a@.co",
        "@b.co",
        "a@" + "b" * 80_000,  # made the old pattern backtrack for seconds
        "a@" + "b" * 300 + ".co",
    ],
)
def test_not_emails(text: str) -> None:
    assert not is_email(text)


def test_dates_are_ascii_calendar_dates() -> None:
    assert parse_iso_date("2026-05-10") == dt.date(2026, 5, 10)
    for text in ("2026-02-30", "10/05/2026", "٢٠٢٦-٠٥-١٠", "2026-5-10", "2026-05-10\n"):
        assert parse_iso_date(text) is None


def test_bounded_ints() -> None:
    bounds = {"default": 1, "minimum": 1, "maximum": 100}
    assert parse_bounded_int(None, **bounds) == 1
    assert parse_bounded_int("007", **bounds) == 7
    assert parse_bounded_int("100", **bounds) == 100
    for text in ("0", "101", "-1", "²", "1.5", "9" * 5_000, "9223372036854775808"):
        assert parse_bounded_int(text, **bounds) is None
