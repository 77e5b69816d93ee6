"""DIAN code lists: known entries, unknown codes as ``None``, data shipped inside the package."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest

from core import catalogs


def test_municipality_carries_its_department():
    medellin = catalogs.municipality("05001")
    assert medellin is not None
    assert (medellin.code, medellin.name) == ("05001", "Medellín")
    assert medellin.department == catalogs.Department(code="05", name="Antioquia")


def test_every_municipality_belongs_to_a_listed_department():
    from core.catalogs.source import read_table

    rows = read_table("municipalities")
    assert len(rows) == 1122
    for row in rows:
        assert row["municipality_code"][:2] == row["department_code"]
        assert catalogs.department(row["department_code"]).name == row["department_name"]  # type: ignore[union-attr]


@pytest.mark.parametrize("code", ["1100", "99999", "", None, "11001 "])
def test_unknown_municipality_is_none(code):
    assert catalogs.municipality(code) is None


def test_departments_and_countries():
    assert catalogs.department("11").name == "Bogotá"  # type: ignore[union-attr]
    assert catalogs.department("76").name == "Valle del Cauca"  # type: ignore[union-attr]
    assert catalogs.department("00") is None
    assert catalogs.country("CO").name == "Colombia"  # type: ignore[union-attr]
    assert catalogs.country("US").name == "Estados Unidos"  # type: ignore[union-attr]
    assert catalogs.country("co") is None
    assert catalogs.country("XX") is None


def test_tax_schemes_give_the_ubl_name():
    assert catalogs.tax_scheme("01") == catalogs.TaxScheme(
        code="01", name="IVA", description="Impuesto sobre las Ventas", is_withholding=False
    )
    assert catalogs.tax_scheme("04").name == "INC"  # type: ignore[union-attr]
    assert catalogs.tax_scheme("22").name == "INC Bolsas"  # type: ignore[union-attr]
    assert catalogs.tax_scheme("ZZ").name == "No aplica"  # type: ignore[union-attr]
    assert [c for c in ("05", "06", "07") if catalogs.tax_scheme(c).is_withholding] == [
        "05",
        "06",
        "07",
    ]  # type: ignore[union-attr]
    assert catalogs.tax_scheme("99") is None


def test_tax_rates():
    assert catalogs.tax_rates("01") == {Decimal("0"), Decimal("5"), Decimal("16"), Decimal("19")}
    assert catalogs.tax_rates("04") == {Decimal("2"), Decimal("4"), Decimal("8"), Decimal("16")}
    assert catalogs.is_valid_rate("01", Decimal("19.00"))
    assert not catalogs.is_valid_rate("01", Decimal("18"))
    assert not catalogs.is_valid_rate("04", Decimal("19"))
    assert catalogs.is_valid_rate("03", Decimal("0.414"))  # ICA rates are not a closed list
    assert catalogs.is_per_unit_scheme("22") and not catalogs.is_per_unit_scheme("01")
    assert catalogs.PER_UNIT_TAX_UNITS["22"] == "NIU"


def test_party_codes():
    assert catalogs.identification_type("31").name == "NIT"  # type: ignore[union-attr]
    assert catalogs.identification_type("48") is not None  # PPT, added in 1.9
    assert catalogs.identification_type("99") is None
    assert catalogs.organization_type("1").name.startswith("Persona Jurídica")  # type: ignore[union-attr]
    assert [
        c
        for c in ("O-13", "O-15", "O-23", "O-47", "R-99-PN", "O-99", "O-48")
        if catalogs.fiscal_responsibility(c)
    ] == [
        "O-13",
        "O-15",
        "O-23",
        "O-47",
        "R-99-PN",
    ]
    assert catalogs.party_tax_scheme_name("ZA") == "IVA e INC"
    assert catalogs.party_tax_scheme_name("05") is None


def test_payment_and_note_codes():
    assert catalogs.payment_form("2").name == "Crédito"  # type: ignore[union-attr]
    assert catalogs.payment_form("3") is None
    assert catalogs.payment_means("10").name == "Efectivo"  # type: ignore[union-attr]
    assert catalogs.payment_means("ZZZ") is not None
    assert catalogs.payment_means("54") is None
    assert catalogs.credit_note_concept("2").name == "Anulación de factura electrónica"  # type: ignore[union-attr]
    assert catalogs.credit_note_concept("7") is None
    assert catalogs.debit_note_concept("1").name == "Intereses"  # type: ignore[union-attr]
    assert catalogs.debit_note_concept("5") is None


def test_units_currencies_and_item_codes():
    for code in ("94", "NIU", "KGM", "LTR", "DZN", "HUR"):
        assert catalogs.is_unit_code(code), code
    assert not catalogs.is_unit_code("UND")
    assert catalogs.currency("COP") is not None and catalogs.currency("XYZ") is None
    assert catalogs.discount_code("09").name == "Descuento general"  # type: ignore[union-attr]
    assert catalogs.reference_price_code("01").name == "Valor comercial"  # type: ignore[union-attr]
    assert catalogs.item_id_scheme("999") is not None and catalogs.item_id_scheme("002") is None


def test_operation_types_are_keyed_by_root():
    assert catalogs.operation_type("10").name == "Estándar"  # type: ignore[union-attr]
    assert catalogs.operation_type("20") is None  # 20 is a credit-note code, not an invoice one
    assert catalogs.operation_type("20", "CreditNote").active  # type: ignore[union-attr]
    assert not catalogs.operation_type("23", "CreditNote").active  # type: ignore[union-attr]
    assert catalogs.operation_type("32", "DebitNote") is not None


def test_document_types():
    info = catalogs.document_type("91")
    assert info is not None
    assert (info.ubl_root, info.unique_code, info.rule_prefix) == (
        "CreditNote",
        "CUDE-SHA384",
        "CA",
    )
    assert catalogs.document_type("01").rule_prefix == "FA"  # type: ignore[union-attr]
    assert catalogs.document_type("77") is None


def test_data_files_ship_inside_the_package():
    data = resources.files("core.catalogs.data")
    names = {entry.name for entry in data.iterdir()}
    assert {"municipalities.csv", "tax_schemes.csv", "README.txt"} <= names
