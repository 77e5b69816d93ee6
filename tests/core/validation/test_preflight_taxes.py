"""Pre-flight rules on taxes, withholdings and the declared totals."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from preflight_cases import (
    CREDIT_DOC,
    CREDIT_NOTE,
    DEBIT_NOTE,
    INVOICE_DOC,
    LINES,
    rules,
    run,
    with_line,
)

from core.model import (
    DeclaredTotals,
    Discrepancy,
    Tax,
    TaxSubtotal,
    TaxTotal,
    Withholding,
)
from core.totals import compute_totals

# --- taxes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tax", "path"),
    [
        (Tax(scheme="01", percent=D("18")), "lines[0].taxes[0].percent"),
        (Tax(scheme="04", percent=D("19")), "lines[0].taxes[0].percent"),
        (Tax(scheme="01"), "lines[0].taxes[0].percent"),
        (Tax(scheme="05", percent=D("15")), "lines[0].taxes[0].scheme"),
        (Tax(scheme="99", percent=D("1")), "lines[0].taxes[0].scheme"),
        (Tax(scheme="22"), "lines[0].taxes[0].per_unit_amount"),
        (Tax(scheme="03", percent=D("0.4145")), "lines[0].taxes[0].percent"),
    ],
)
def test_fas01b_tax_scheme_and_rate(tax, path):
    assert [(p.rule, p.path) for p in run(with_line(taxes=(tax,)))] == [("FAS01b", path)]


def test_fas01b_message_names_the_valid_rates():
    (found,) = run(with_line(taxes=(Tax(scheme="01", percent=D("18")),)))
    assert found.message == (
        "Tributo IVA (01) informado no coincide, revisar Porcentaje, Nombre y ID: 18 % no es una "
        "tarifa válida (0.00, 5.00, 16.00, 19.00)."
    )


def test_valid_taxes_of_every_kind_pass():
    taxes = (
        Tax(scheme="01", percent=D("5.00")),
        Tax(scheme="04", percent=D("8")),
        Tax(scheme="03", percent=D("0.414")),
        Tax(scheme="22", per_unit_amount=D("66")),
    )
    assert run(with_line(taxes=taxes)) == []


def test_withholdings_scheme_and_document_type():
    doc = with_line(withholdings=(Withholding(scheme="01", percent=D("15")),))
    assert [(p.rule, p.path) for p in run(doc)] == [("PAS-S01", "lines[0].withholdings[0].scheme")]
    note = CREDIT_DOC.__replace__(
        lines=(LINES[0].__replace__(withholdings=(Withholding(scheme="05", percent=D("15")),)),)
    )
    assert [(p.rule, p.path) for p in run(note, CREDIT_NOTE)] == [
        ("PAS-S02", "lines[0].withholdings[0]")
    ]
    fine = with_line(
        withholdings=(
            Withholding(scheme="05", percent=D("15")),
            Withholding(scheme="06", percent=D("2.5")),
        )
    )
    assert run(fine) == []


def test_fas04_fas07_on_declared_tax_totals():
    computed = compute_totals(INVOICE_DOC)
    subtotal = computed.tax_totals[0].subtotals[0]
    declared = computed.__replace__(
        tax_totals=(
            TaxTotal(
                scheme="01",
                tax_amount=D("23275.00"),
                subtotals=(
                    subtotal.__replace__(taxable_amount=D("100000.00"), tax_amount=D("19000.00")),
                    subtotal.__replace__(taxable_amount=D("22500.00"), tax_amount=D("4275.00")),
                ),
            ),
            TaxTotal(
                scheme="04",
                tax_amount=D("500.00"),
                subtotals=(
                    TaxSubtotal(
                        scheme="04",
                        taxable_amount=D("10000"),
                        tax_amount=D("500.00"),
                        percent=D("8"),
                    ),
                ),
            ),
        )
    )
    assert [(p.rule, p.path) for p in run(totals=declared)] == [
        ("FAS04", "tax_totals[0]"),
        ("FAS07", "tax_totals[1].subtotals[0].tax_amount"),
    ]


def test_computed_totals_pass_the_tax_arithmetic_with_many_rounded_lines():
    line = LINES[0].__replace__(quantity=D("1"), unit_price=D("10.03"))
    doc = INVOICE_DOC.__replace__(lines=(line,) * 40)
    assert run(doc) == []


# --- declared totals ------------------------------------------------------------------------


def test_fau_rules_on_declared_totals():
    doc = INVOICE_DOC.__replace__(
        declared_totals=DeclaredTotals(
            line_extension=D("122500"),
            tax_exclusive=D("125000"),
            tax_inclusive=D("145775"),
            allowance_total=D("10"),
            charge_total=D("0"),
            prepaid=D("0"),
            payable=D("145774.50"),
        )
    )
    assert [(p.rule, p.path) for p in run(doc)] == [
        ("FAU04", "declared_totals.tax_exclusive"),
        ("FAU08", "declared_totals.allowance_total"),
    ]


def test_declared_totals_on_a_debit_note_use_its_prefix():
    debit = CREDIT_DOC.__replace__(
        type_code="92",
        operation_type="30",
        discrepancy=Discrepancy(code="3", description="Cambio del valor"),
        declared_totals=DeclaredTotals(payable=D("1")),
    )
    assert rules(run(debit, DEBIT_NOTE)) == ["DAU14"]
