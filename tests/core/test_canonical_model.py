"""The canonical model is the contract vendors write plugins against: JSON in, JSON out, exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
import pytest

from core.clock import BOGOTA
from core.model import (
    AllowanceCharge,
    BillingReference,
    Discrepancy,
    Document,
    Line,
    Party,
    Tax,
    Withholding,
)

NOTE = Document(
    type_code="91",
    operation_type="20",
    issue_date=dt.date(2026, 11, 23),
    issue_time=dt.time(9, 30, 15, tzinfo=BOGOTA),
    customer=Party(
        organization_type="1",
        id_type="31",
        id_number="900373076",
        dv="4",
        name="CLIENTE S.A.S.",
        tax_level_codes=("O-13", "O-15"),
        tax_scheme="01",
    ),
    lines=(
        Line(
            description="Servicio",
            quantity=Decimal("3.000001"),
            unit_price=Decimal("123456789012.345678"),
            allowances_charges=(AllowanceCharge(percent=Decimal("12.5")),),
            taxes=(Tax(scheme="01", percent=Decimal("19.00")),),
            withholdings=(Withholding(scheme="06", percent=Decimal("2.5")),),
        ),
    ),
    billing_reference=BillingReference(
        number="SETP990000000", uuid="a" * 96, issue_date=dt.date(2026, 11, 20)
    ),
    discrepancy=Discrepancy(code="2", description="Anulación"),
)


def test_json_round_trip_keeps_every_decimal_digit() -> None:
    encoded = msgspec.json.encode(NOTE)
    decoded = msgspec.json.decode(encoded, type=Document)
    assert decoded == NOTE
    line = decoded.lines[0]
    assert line.unit_price == Decimal("123456789012.345678")
    assert str(line.quantity) == "3.000001"
    assert str(line.taxes[0].percent) == "19.00"  # trailing zeros survive too
    assert b'"unit_price":"123456789012.345678"' in encoded  # money travels as text, not float


def test_unknown_fields_are_refused_and_documents_are_immutable() -> None:
    raw = msgspec.to_builtins(NOTE)
    raw["lines"][0]["precio"] = "1"
    with pytest.raises(msgspec.ValidationError, match="precio"):
        msgspec.convert(raw, Document)
    with pytest.raises(AttributeError):
        NOTE.type_code = "01"  # type: ignore[misc]


def test_full_number_joins_prefix_and_number() -> None:
    assert NOTE.full_number is None
    assert msgspec.structs.replace(NOTE, prefix="NC", number=7).full_number == "NC7"


def test_json_numbers_decode_to_exact_decimals() -> None:
    raw = msgspec.json.encode(NOTE).replace(
        b'"unit_price":"123456789012.345678"', b'"unit_price":0.1'
    )
    assert msgspec.json.decode(raw, type=Document).lines[0].unit_price == Decimal("0.1")
