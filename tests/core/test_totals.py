"""Totals engine: known answers computed by hand from the DIAN formulas (core/totals.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.model import (
    AllowanceCharge,
    AllowanceChargeAmount,
    DeclaredTotals,
    Document,
    Line,
    MonetaryTotals,
    Party,
    PrepaidPayment,
    ReferencePrice,
    Tax,
    TaxSubtotal,
    TaxTotal,
    Withholding,
)
from core.totals import check_declared_totals, compute_totals, payable_amount, round_money

CUSTOMER = Party(organization_type="2", id_type="13", id_number="71234567", name="JUAN PEREZ")


def iva(percent: str) -> Tax:
    return Tax(scheme="01", percent=D(percent))


def document(*lines: Line, **fields) -> Document:
    return Document(type_code="01", operation_type="10", customer=CUSTOMER, lines=lines, **fields)


def line(quantity: str, price: str, *taxes: Tax, **fields) -> Line:
    return Line(
        description="Artículo", quantity=D(quantity), unit_price=D(price), taxes=taxes, **fields
    )


def test_facepro_seed_example():
    """FacEPro's documented request: 2 × 50000 and 1 × 25000 with 10 % off, all at 19 %."""
    totals = compute_totals(
        document(
            line("2", "50000", iva("19")),
            line("1", "25000", iva("19"), allowances_charges=(AllowanceCharge(percent=D("10")),)),
        )
    )
    assert totals.monetary == MonetaryTotals(
        line_extension=D("122500.00"),
        tax_exclusive=D("122500.00"),
        tax_inclusive=D("145775.00"),
        allowance_total=D("0.00"),
        charge_total=D("0.00"),
        prepaid=D("0.00"),
        payable_rounding=D("0.00"),
        payable=D("145775.00"),
    )
    assert totals.tax_totals == (
        TaxTotal(
            scheme="01",
            tax_amount=D("23275.00"),
            subtotals=(
                TaxSubtotal(
                    scheme="01",
                    taxable_amount=D("122500.00"),
                    tax_amount=D("23275.00"),
                    percent=D("19"),
                ),
            ),
        ),
    )
    assert [lt.line_extension for lt in totals.lines] == [D("100000.00"), D("22500.00")]
    assert totals.lines[1].allowances_charges == (
        AllowanceChargeAmount(
            is_charge=False, amount=D("2500.00"), base_amount=D("25000.00"), percent=D("10")
        ),
    )
    assert totals.tax_amount("01") == D("23275.00")
    assert totals.tax_amount("04") == D("0")


def test_mixed_iva_rates_give_one_subtotal_per_rate():
    totals = compute_totals(
        document(
            line("1", "10000", iva("19")),
            line("2", "5000", iva("5")),
            line("1", "3000", iva("0")),
            line("1", "1000", iva("19")),
        )
    )
    (total,) = totals.tax_totals
    assert total.scheme == "01"
    assert [(s.percent, s.taxable_amount, s.tax_amount) for s in total.subtotals] == [
        (D("19"), D("11000.00"), D("2090.00")),
        (D("5"), D("10000.00"), D("500.00")),
        (D("0"), D("3000.00"), D("0.00")),
    ]
    assert total.tax_amount == D("2590.00")
    assert totals.monetary.line_extension == D("24000.00")
    assert totals.monetary.tax_exclusive == D("24000.00")  # exempt (0 %) lines carry IVA too
    assert totals.monetary.tax_inclusive == D("26590.00")
    assert totals.monetary.payable == D("26590.00")


def test_lines_without_taxes_stay_out_of_tax_exclusive():
    totals = compute_totals(document(line("1", "10000", iva("19")), line("1", "7000")))
    assert totals.monetary.line_extension == D("17000.00")
    assert totals.monetary.tax_exclusive == D("10000.00")
    assert totals.monetary.tax_inclusive == D("18900.00")


def test_inc_8_and_a_line_with_two_taxes_counts_its_base_once():
    inc = Tax(scheme="04", percent=D("8"))
    totals = compute_totals(document(line("1", "50000", inc), line("1", "20000", iva("19"), inc)))
    assert [t.scheme for t in totals.tax_totals] == ["04", "01"]
    inc_total, iva_total = totals.tax_totals
    assert inc_total.subtotals == (
        TaxSubtotal(
            scheme="04", taxable_amount=D("70000.00"), tax_amount=D("5600.00"), percent=D("8")
        ),
    )
    assert iva_total.tax_amount == D("3800.00")
    assert [t.scheme for t in totals.lines[1].tax_totals] == ["01", "04"]
    assert totals.monetary.tax_exclusive == D("70000.00")  # not 90000: line 2 counted once
    assert totals.monetary.tax_inclusive == D("79400.00")


def test_per_unit_bag_tax():
    bag = Tax(scheme="22", per_unit_amount=D("66"))
    totals = compute_totals(document(line("2", "1000", iva("19")), line("3", "0", bag)))
    bag_total = totals.tax_totals[1]
    assert bag_total == TaxTotal(
        scheme="22",
        tax_amount=D("198.00"),
        subtotals=(
            TaxSubtotal(
                scheme="22",
                taxable_amount=D("0.00"),
                tax_amount=D("198.00"),
                per_unit_amount=D("66.00"),
                base_unit_measure=D("3"),
                unit_code="NIU",
            ),
        ),
    )
    assert totals.monetary.line_extension == D("2000.00")
    assert totals.monetary.tax_exclusive == D("2000.00")
    assert totals.monetary.tax_inclusive == D("2578.00")  # 2000 + 380 IVA + 198 bags


def test_per_unit_tax_with_its_own_base_quantity_sums_units_across_lines():
    bag = Tax(scheme="22", per_unit_amount=D("66"), per_unit_base_quantity=D("2"))
    totals = compute_totals(document(line("1", "500", bag), line("1", "800", bag)))
    (subtotal,) = totals.tax_totals[0].subtotals
    assert (subtotal.base_unit_measure, subtotal.tax_amount) == (D("4"), D("264.00"))


def test_withholdings_are_reported_but_do_not_change_payable():
    rete_iva = Withholding(scheme="05", percent=D("15"))
    rete_fuente = Withholding(scheme="06", percent=D("2.5"))
    totals = compute_totals(
        document(
            line("1", "100000", iva("19"), withholdings=(rete_iva, rete_fuente)),
            line("1", "50000", iva("19"), withholdings=(rete_fuente,)),
        )
    )
    assert totals.withholding_totals == (
        TaxTotal(
            scheme="05",
            tax_amount=D("2850.00"),
            subtotals=(
                TaxSubtotal(
                    scheme="05",
                    taxable_amount=D("19000.00"),
                    tax_amount=D("2850.00"),
                    percent=D("15"),
                ),
            ),
        ),
        TaxTotal(
            scheme="06",
            tax_amount=D("3750.00"),
            subtotals=(
                TaxSubtotal(
                    scheme="06",
                    taxable_amount=D("150000.00"),
                    tax_amount=D("3750.00"),
                    percent=D("2.5"),
                ),
            ),
        ),
    )
    assert totals.lines[0].withholding_totals[0].subtotals[0].taxable_amount == D("19000.00")
    assert [t.scheme for t in totals.tax_totals] == ["01"]
    assert totals.monetary.payable == D("178500.00")


def test_withholding_with_explicit_base():
    totals = compute_totals(
        document(
            line(
                "1",
                "1000",
                withholdings=(Withholding(scheme="07", percent=D("0.966"), base=D("1000")),),
            )
        )
    )
    assert totals.withholding_totals[0].tax_amount == D("9.66")


def test_rounding_is_per_line_and_documents_sum_rounded_values():
    totals = compute_totals(document(line("3", "33.333", iva("19"))))
    assert totals.lines[0].line_extension == D("100.00")  # 99.999 rounds half up
    assert totals.tax_totals[0].tax_amount == D("19.00")

    totals = compute_totals(document(*(line("1", "10.03", iva("19")) for _ in range(3))))
    # each line: 10.03 × 19 % = 1.9057 → 1.91; the document sums 3 × 1.91 = 5.73
    # (rounding the document base instead would give 30.09 × 19 % = 5.7171 → 5.72)
    assert totals.tax_totals[0].subtotals[0].taxable_amount == D("30.09")
    assert totals.tax_totals[0].tax_amount == D("5.73")
    assert totals.monetary.tax_inclusive == D("35.82")


def test_half_up_not_bankers():
    assert round_money(D("0.125")) == D("0.13")
    assert round_money(D("0.135")) == D("0.14")
    assert round_money(D("-0.125")) == D("-0.13")


def test_line_discount_as_amount_and_line_charge():
    totals = compute_totals(
        document(
            line(
                "4",
                "2500",
                iva("19"),
                allowances_charges=(
                    AllowanceCharge(amount=D("1000"), reason_code="09"),
                    AllowanceCharge(is_charge=True, percent=D("5")),
                ),
            )
        )
    )
    (lt,) = totals.lines
    assert lt.allowances_charges == (
        AllowanceChargeAmount(
            is_charge=False,
            amount=D("1000.00"),
            base_amount=D("10000.00"),
            percent=D("10.00"),
            reason_code="09",
        ),
        AllowanceChargeAmount(
            is_charge=True, amount=D("500.00"), base_amount=D("10000.00"), percent=D("5")
        ),
    )
    assert lt.line_extension == D("9500.00")
    assert totals.tax_totals[0].tax_amount == D("1805.00")


def test_document_allowance_charge_prepaid_and_rounding():
    totals = compute_totals(
        document(
            line("1", "100000", iva("19")),
            allowances_charges=(
                AllowanceCharge(percent=D("5"), reason="Pronto pago"),
                AllowanceCharge(is_charge=True, amount=D("3000"), reason="Flete"),
            ),
            prepaid_payments=(PrepaidPayment(id="ANT-1", amount=D("50000")),),
            payable_rounding=D("-0.40"),
        )
    )
    allowance, charge = totals.allowances_charges
    assert (allowance.amount, allowance.base_amount) == (D("5000.00"), D("100000.00"))
    assert (charge.amount, charge.percent) == (D("3000.00"), D("3.00"))
    assert totals.tax_totals[0].tax_amount == D("19000.00")  # document terms never touch taxes
    assert totals.monetary == MonetaryTotals(
        line_extension=D("100000.00"),
        tax_exclusive=D("100000.00"),
        tax_inclusive=D("119000.00"),
        allowance_total=D("5000.00"),
        charge_total=D("3000.00"),
        prepaid=D("50000.00"),
        payable_rounding=D("-0.40"),
        payable=D("116999.60"),  # prepaid is reported, not subtracted (FAU14)
    )
    assert payable_amount(D("119000"), D("5000"), D("3000"), D("-0.40")) == D("116999.60")


def test_free_of_charge_line_extends_to_zero_and_is_taxed_on_its_reference_price():
    sample = line(
        "2",
        "0",
        iva("19"),
        free_of_charge=ReferencePrice(price_type_code="01", price=D("1500")),
    )
    totals = compute_totals(document(line("1", "10000", iva("19")), sample))
    assert totals.lines[1].line_extension == D("0.00")
    assert totals.lines[1].tax_totals[0].subtotals[0].taxable_amount == D("3000.00")
    assert totals.tax_totals[0].tax_amount == D("2470.00")
    assert totals.monetary.line_extension == D("10000.00")
    assert totals.monetary.tax_exclusive == D("13000.00")
    assert totals.monetary.tax_inclusive == D("12470.00")


def test_tax_without_percent_or_amount_is_rejected():
    with pytest.raises(ValueError):
        compute_totals(document(line("1", "1000", Tax(scheme="01"))))


def test_declared_totals_within_a_peso_pass():
    declared = DeclaredTotals(
        line_extension=D("122500"),
        tax_exclusive=D("122500"),
        tax_inclusive=D("145776"),
        payable=D("145775.00"),
    )
    doc = document(
        line("2", "50000", iva("19")), line("1", "22500", iva("19")), declared_totals=declared
    )
    assert check_declared_totals(doc, compute_totals(doc), "FA") == []


def test_declared_totals_that_differ_name_the_rule():
    declared = DeclaredTotals(
        line_extension=D("125000"),
        tax_exclusive=D("125000"),
        tax_inclusive=D("148750"),
        allowance_total=D("0"),
        charge_total=D("0"),
        prepaid=D("0"),
        payable=D("146000"),
    )
    doc = document(
        line("2", "50000", iva("19")), line("1", "22500", iva("19")), declared_totals=declared
    )
    problems = check_declared_totals(doc, compute_totals(doc), "FA")
    assert [(p.rule, p.path) for p in problems] == [
        ("FAU02", "declared_totals.line_extension"),
        ("FAU04", "declared_totals.tax_exclusive"),
        ("FAU06", "declared_totals.tax_inclusive"),
        ("FAU14", "declared_totals.payable"),
    ]
    assert problems[0].message == (
        "LineExtensionAmount informado (125000) no coincide con el calculado (122500.00): debe ser "
        "la suma de los valores de las líneas."
    )
    assert all(p.severity == "error" for p in problems)
    credit = check_declared_totals(doc, compute_totals(doc), "CA")
    assert [p.rule for p in credit] == ["CAU02", "CAU04", "CAU06", "CAU14"]


def test_no_declared_totals_no_problems():
    doc = document(line("1", "1", iva("19")))
    assert check_declared_totals(doc, compute_totals(doc), "FA") == []
