"""Factus' amounts from tax-included prices (research §3.1), on the documented examples."""

from __future__ import annotations

from decimal import Decimal as D

from adapters.factus.amounts import document_amounts, item_amounts


def test_seed_credit_note_item_80000_at_19_percent() -> None:
    item = item_amounts(
        price=D("80000"), quantity=1, discount_rate=D("0"), tax_rate=D("19.00"), is_excluded=False
    )
    assert (item.total, item.gross_value, item.taxable_amount, item.tax_amount, item.discount) == (
        D("80000.00"),
        D("67226.89"),
        D("67226.89"),
        D("12773.11"),
        D("0.00"),
    )


def test_bill_example_with_discount_withholdings_and_surcharge() -> None:
    first = item_amounts(
        price=D("50000"),
        quantity=1,
        discount_rate=D("20"),
        tax_rate=D("19.00"),
        is_excluded=False,
        withholdings=[("06", D("7.00")), ("05", D("15.00"))],
    )
    second = item_amounts(
        price=D("50000"), quantity=1, discount_rate=D("0"), tax_rate=D("5.00"), is_excluded=False
    )
    assert (first.total, first.gross_value, first.tax_amount, first.discount) == (
        D("40000.00"),
        D("33613.45"),
        D("6386.55"),
        D("8403.36"),
    )
    assert [(w.code, w.value) for w in first.withholdings] == [
        ("06", D("2352.94")),
        ("05", D("957.98")),
    ]
    assert (second.gross_value, second.tax_amount) == (D("47619.05"), D("2380.95"))
    doc = document_amounts([first, second], [(True, D("9000.00"))])
    assert (doc.gross_value, doc.taxable_amount, doc.tax_amount) == (
        D("81232.50"),
        D("81232.50"),
        D("8767.50"),
    )
    assert (doc.surcharge_amount, doc.discount_amount, doc.total) == (
        D("9000.00"),
        D("0.00"),
        D("99000.00"),
    )
    assert doc.withholdings == (("05", D("957.98")), ("06", D("2352.94")))


def test_withholdings_are_summed_per_code_across_items() -> None:
    items = [
        item_amounts(
            price=D("11900"),
            quantity=2,
            discount_rate=D("0"),
            tax_rate=D("19"),
            is_excluded=False,
            withholdings=[("06", D("2.5"))],
        )
        for _ in range(2)
    ]
    assert document_amounts(items).withholdings == (("06", D("1000.00")),)


def test_excluded_item_is_untaxed() -> None:
    item = item_amounts(
        price=D("40000"),
        quantity=1,
        discount_rate=D("0"),
        tax_rate=D("0.00"),
        is_excluded=True,
        withholdings=[("06", D("3.50"))],
    )
    assert (item.gross_value, item.taxable_amount, item.tax_amount) == (
        D("40000.00"),
        D("0.00"),
        D("0.00"),
    )
    assert item.withholdings[0].value == D("1400.00")


def test_quantity_multiplies_before_the_tax_is_taken_out() -> None:
    item = item_amounts(
        price=D("1000"), quantity=3, discount_rate=D("0"), tax_rate=D("19"), is_excluded=False
    )
    assert (item.total, item.gross_value, item.tax_amount) == (
        D("3000.00"),
        D("2521.01"),
        D("478.99"),
    )
