"""Column types that behave the same on SQLite and PostgreSQL.

SQLite stores neither time zones nor exact decimals; these types make both databases hand back
timezone-aware datetimes (America/Bogota) and ``Decimal`` money, so callers never branch on the
backend. ``CompressedText`` and ``CompressedJson`` keep the large XML and JSON of a document
deflated in a binary column and hand back the same text and values.
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import DateTime, LargeBinary, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from core.clock import BOGOTA

MONEY_SCALE = 2


class AwareDateTime(TypeDecorator[dt.datetime]):
    """``timestamptz`` on PostgreSQL; UTC text on SQLite. Naive datetimes are refused on write;
    values come back in Bogota time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(BOGOTA)


class Money(TypeDecorator[Decimal]):
    """``numeric(18, 2)`` on PostgreSQL; exact decimal text on SQLite (its NUMERIC is a float)."""

    impl = Numeric(18, MONEY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(Numeric(18, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError("money must be a Decimal")
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


# What a compressed value starts with. Values written before core revision 0014 are plain
# UTF-8 (text in SQLite, bytes converted from text in PostgreSQL), which never holds a NUL.
COMPRESSED_MARK = b"\x00z"
# Level 1: about a third of the size of the XML for half the CPU of the default level.
COMPRESSION_LEVEL = 1


def compress(data: bytes) -> bytes:
    return COMPRESSED_MARK + zlib.compress(data, COMPRESSION_LEVEL)


def decompress(value: bytes | memoryview | str) -> bytes:
    """The stored bytes of ``compress`` (or of a value written before it existed)."""
    if isinstance(value, str):
        return value.encode("utf-8")
    data = bytes(value)
    if data.startswith(COMPRESSED_MARK):
        return zlib.decompress(data[len(COMPRESSED_MARK) :])
    return data


class CompressedText(TypeDecorator[str]):
    """Text (signed XML) deflated in a binary column; reads back the same string."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else compress(value.encode("utf-8"))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else decompress(value).decode("utf-8")


_JSON_ENCODER = msgspec.json.Encoder()
_JSON_DECODER = msgspec.json.Decoder()


class CompressedJson(TypeDecorator[Any]):
    """A JSON value (written with msgspec, as the engine's JSON columns are) deflated in a
    binary column; reads back the same value."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else compress(_JSON_ENCODER.encode(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else _JSON_DECODER.decode(decompress(value))
