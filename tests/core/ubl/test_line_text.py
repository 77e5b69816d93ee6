"""The totals and lines parsed from text (``core.ubl.line_text``) serialise exactly as the
ones the API builds, and lines the text cannot carry identically are left to the API."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from lxml import etree

from core.model import AllowanceCharge, Line, ReferencePrice, StandardItemId, Tax, Withholding
from core.sample_documents import sample_document
from core.totals import compute_totals
from core.ubl import lines as ubl_lines
from core.ubl.line_text import NotAsText, lines_text
from core.ubl.monetary import add_monetary_total
from core.ubl.namespaces import CAC, new_root
from core.ubl.taxes import add_tax_totals

IVA = (Tax(scheme="01", percent=Decimal("19")),)
LINES = {
    "escaped texts": Line(
        description='Tornillo "3/4" & <tuerca> ]]> \tcon\nsaltos\r\nde línea',
        code="A&B",
        quantity=Decimal("2.5"),
        unit_code='N"U\t',
        unit_price=Decimal("1000.125"),
        taxes=IVA,
        notes=("nota < 1 & > 0\r", "segunda ñ 😀"),
        brand_name="Marca",
        model_name="Modelo",
        standard_item_id=StandardItemId(scheme_id="010", id="7701234567890"),
    ),
    "per-unit and percent taxes": Line(
        description="Bolsa",
        quantity=Decimal("3"),
        unit_price=Decimal("100"),
        taxes=(Tax(scheme="22", per_unit_amount=Decimal("66")), *IVA),
    ),
    "withholdings": Line(
        description="Servicio",
        quantity=Decimal("1"),
        unit_price=Decimal("1000000"),
        taxes=IVA,
        withholdings=(
            Withholding(scheme="06", percent=Decimal("4")),
            Withholding(scheme="05", percent=Decimal("15")),
        ),
    ),
    "no taxes": Line(description="Exento", quantity=Decimal("1"), unit_price=Decimal("5")),
}
API_ONLY = {
    "free of charge": Line(
        description="Muestra",
        quantity=Decimal("1"),
        unit_price=Decimal("0"),
        free_of_charge=ReferencePrice(price_type_code="01", price=Decimal("5000")),
        taxes=IVA,
    ),
    "line allowance": Line(
        description="Con descuento",
        quantity=Decimal("1"),
        unit_price=Decimal("100"),
        allowances_charges=(AllowanceCharge(is_charge=False, percent=Decimal("10")),),
        taxes=IVA,
    ),
    "empty note": Line(
        description="x", quantity=Decimal("1"), unit_price=Decimal("1"), notes=("",)
    ),
    "control character": Line(description="a\x01b", quantity=Decimal("1"), unit_price=Decimal("1")),
}


MONETARY = {
    "Invoice": "LegalMonetaryTotal",
    "CreditNote": "LegalMonetaryTotal",
    "DebitNote": "RequestedMonetaryTotal",
}


def _both(root_name: str, lines: tuple[Line, ...], **changes) -> tuple[bytes, bytes]:
    """(parsed when possible, built with the API) serialisations of the closing elements."""
    document = msgspec.structs.replace(sample_document("01"), lines=lines, **changes)
    totals = compute_totals(document)
    monetary, withholdings = MONETARY[root_name], root_name == "Invoice"
    parsed, built = new_root(root_name), new_root(root_name)
    ubl_lines.add_totals_and_lines(
        parsed, root_name, totals, lines, "COP", monetary=monetary, withholdings=withholdings
    )
    add_tax_totals(built, totals.tax_totals, "COP")
    if withholdings:
        add_tax_totals(built, totals.withholding_totals, "COP", withholding=True)
    add_monetary_total(built, getattr(CAC, monetary), totals.monetary, "COP")
    ubl_lines.add_lines(built, root_name, lines, totals.lines, "COP")
    return etree.tostring(parsed, encoding="UTF-8"), etree.tostring(built, encoding="UTF-8")


@pytest.mark.parametrize("root_name", ["Invoice", "CreditNote", "DebitNote"])
@pytest.mark.parametrize("name", LINES)
def test_parsed_lines_serialise_as_built_ones(root_name, name):
    lines = (LINES[name], *sample_document("01").lines)
    lines_text("cac:X", "cbc:Y", True, True, _with_totals(lines), "COP")  # raises otherwise
    parsed, built = _both(root_name, lines)
    assert parsed == built


def test_a_payable_rounding_is_written_too():
    parsed, built = _both("Invoice", sample_document("01").lines, payable_rounding=Decimal("0.3"))
    assert b"PayableRoundingAmount" in parsed
    assert parsed == built


@pytest.mark.parametrize("name", API_ONLY)
def test_lines_the_text_cannot_carry_are_built(name):
    lines = (*sample_document("01").lines, API_ONLY[name])
    if name == "control character":
        with pytest.raises(ValueError):
            _both("Invoice", lines)
        return
    with pytest.raises(NotAsText):
        lines_text("cac:X", "cbc:Y", True, True, _with_totals(lines), "COP")
    parsed, built = _both("Invoice", lines)
    assert parsed == built


def _with_totals(lines: tuple[Line, ...]):
    document = msgspec.structs.replace(sample_document("01"), lines=lines)
    return zip(lines, compute_totals(document).lines, strict=True)


def test_a_root_without_the_cac_and_cbc_prefixes_gets_built_lines(monkeypatch):
    document = sample_document("01")
    totals = compute_totals(document)
    built = []
    monkeypatch.setattr(ubl_lines, "add_lines", lambda *args: built.append(args))
    root = etree.Element("{urn:example}Document", nsmap={None: "urn:example"})
    ubl_lines.add_totals_and_lines(
        root, "Invoice", totals, document.lines, "COP", monetary="LegalMonetaryTotal",
        withholdings=True,
    )  # fmt: skip
    assert len(built) == 1
