"""Pre-flight: clean invoices and notes pass; rules on the number, range, dates, header, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from preflight_cases import (
    CREDIT_DOC,
    CREDIT_NOTE,
    DEBIT_NOTE,
    INVOICE_DOC,
    RANGE,
    REFERENCE,
    TODAY,
    document_type,
    rules,
    run,
)

from core.model import (
    Discrepancy,
    Payment,
    Problem,
)


def test_clean_invoice_has_no_findings():
    assert run() == []


def test_clean_invoice_before_numbering_has_no_findings():
    assert run(INVOICE_DOC.__replace__(prefix=None, number=None, issue_date=None)) == []


def test_clean_credit_note_has_no_findings():
    assert run(CREDIT_DOC, CREDIT_NOTE) == []


def test_clean_credit_note_without_reference():
    doc = CREDIT_DOC.__replace__(operation_type="22", billing_reference=None)
    assert run(doc, CREDIT_NOTE) == []


# --- number and range -----------------------------------------------------------------------


def test_fad05a_only_letters_and_digits():
    found = run(
        INVOICE_DOC.__replace__(prefix="SE-T"),
        numbering_range=RANGE.__replace__(prefix="SE-T"),
    )
    assert found == [
        Problem(
            path="number",
            rule="FAD05a",
            message=(
                "El número del documento 'SE-T990000011' solo puede tener letras y dígitos (máximo "
                "20): no se permiten caracteres adicionales como espacios o guiones."
            ),
        )
    ]


def test_rule_prefix_follows_the_document_type():
    doc = CREDIT_DOC.__replace__(prefix="N C")
    assert rules(run(doc, CREDIT_NOTE)) == ["CAD05a"]


def test_fad05b_below_range():
    assert rules(run(INVOICE_DOC.__replace__(number=989999999))) == ["FAD05b"]


def test_fad05c_above_range():
    found = run(INVOICE_DOC.__replace__(number=995000001))
    assert rules(found) == ["FAD05c"]
    assert found[0].message == (
        "El número 995000001 es mayor que el final del rango autorizado (995000000)."
    )


def test_fad05d_prefix_of_another_range():
    found = run(INVOICE_DOC.__replace__(prefix="FV"))
    assert [(p.rule, p.path) for p in found] == [("FAD05d", "prefix")]


def test_fad05e_no_range_for_an_invoice():
    assert rules(run(numbering_range=None)) == ["FAD05e"]


def test_fad05e_range_of_another_document_type():
    assert rules(run(numbering_range=RANGE.__replace__(document_type="91"))) == ["FAD05e"]


def test_fad05e_expired_range():
    found = run(numbering_range=RANGE.__replace__(valid_to=dt.date(2026, 5, 9)))
    assert [(p.rule, p.path) for p in found] == [("FAD05e", "issue_date")]


def test_fad09a_issue_date_before_the_range_starts():
    found = run(numbering_range=RANGE.__replace__(valid_from=dt.date(2026, 5, 11)))
    assert [(p.rule, p.path) for p in found] == [("FAD09a", "issue_date")]


# --- issue date -----------------------------------------------------------------------------


@pytest.mark.parametrize("days", [-6, 11, -400])
def test_fad09e_outside_the_window_is_an_error(days):
    found = run(
        INVOICE_DOC.__replace__(issue_date=TODAY + dt.timedelta(days=days)),
        numbering_range=RANGE.__replace__(valid_from=dt.date(2020, 1, 1)),
    )
    assert [(p.rule, p.severity) for p in found] == [("FAD09e", "error")]


@pytest.mark.parametrize("days", [-5, -1, 1, 10])
def test_fad09e_another_day_inside_the_window_is_a_warning(days):
    found = run(INVOICE_DOC.__replace__(issue_date=TODAY + dt.timedelta(days=days)))
    assert [(p.rule, p.severity, p.path) for p in found] == [("FAD09e", "warning", "issue_date")]


def test_fad09e_warning_message():
    (found,) = run(INVOICE_DOC.__replace__(issue_date=dt.date(2026, 5, 9)))
    assert found.message == (
        "La fecha de emisión (2026-05-09) no es la fecha actual (2026-05-10); la DIAN exige que "
        "la fecha de firma coincida con la de emisión."
    )


def test_today_is_bogota_today():
    # 03:00 UTC on the 11th is still the 10th in Bogotá (-05:00)
    utc = dt.datetime(2026, 5, 11, 3, 0, tzinfo=dt.UTC)
    assert run(now=utc) == []
    assert rules(run(INVOICE_DOC.__replace__(issue_date=dt.date(2026, 5, 11)), now=utc)) == [
        "FAD09e"
    ]


def test_due_date_before_issue_date():
    doc = INVOICE_DOC.__replace__(
        payment=Payment(form="2", means_code="47", due_date=TODAY - dt.timedelta(days=1))
    )
    assert [(p.rule, p.path) for p in run(doc)] == [("PAS-D03", "payment.due_date")]


# --- header ---------------------------------------------------------------------------------


def test_fad02_operation_type_of_the_document_type():
    assert rules(run(INVOICE_DOC.__replace__(operation_type="20"))) == ["FAD02"]
    assert rules(run(CREDIT_DOC.__replace__(operation_type="10"), CREDIT_NOTE)) == ["CAD02"]


def test_fad02_operation_type_from_the_catalog():
    debit = CREDIT_DOC.__replace__(
        type_code="92",
        operation_type="30",
        discrepancy=Discrepancy(code="1", description="Intereses"),
    )
    assert run(debit, DEBIT_NOTE) == []
    assert rules(run(debit.__replace__(operation_type="33"), DEBIT_NOTE)) == ["DAD02"]  # legacy


def test_fad15a_currency():
    assert rules(run(INVOICE_DOC.__replace__(currency="ABC"))) == ["FAD15a"]


def test_payment_form_and_means():
    doc = INVOICE_DOC.__replace__(payment=Payment(form="3", means_code="54"))
    assert [(p.rule, p.path) for p in run(doc)] == [
        ("PAS-D01", "payment.form"),
        ("PAS-D02", "payment.means_code"),
    ]


# --- notes ----------------------------------------------------------------------------------


def test_cbg02_credit_note_needs_a_reference():
    found = run(CREDIT_DOC.__replace__(billing_reference=None), CREDIT_NOTE)
    assert found == [
        Problem(
            path="billing_reference",
            rule="CBG02",
            message=(
                "La nota con tipo de operación 20 debe referenciar la factura que corrige "
                "(BillingReference)."
            ),
        )
    ]


def test_cbg02_follows_the_types_requires_reference():
    doc = CREDIT_DOC.__replace__(operation_type="21", billing_reference=None)
    other = document_type("94", "CreditNote", "NAA", {"21": "?"}, frozenset({"20"}))
    assert run(doc, other) == []
    assert rules(run(doc, document_type("91", "CreditNote", "CA", {"21": "?"}))) == ["CBG02"]


def test_dbg02_debit_note_needs_a_reference_unless_32():
    debit = CREDIT_DOC.__replace__(
        type_code="92",
        operation_type="30",
        billing_reference=None,
        discrepancy=Discrepancy(code="4", description="Otros"),
    )
    assert rules(run(debit, DEBIT_NOTE)) == ["DBG02"]
    assert run(debit.__replace__(operation_type="32"), DEBIT_NOTE) == []


def test_cbg06_note_dated_before_the_invoice():
    reference = REFERENCE.__replace__(issue_date=TODAY + dt.timedelta(days=1))
    found = run(CREDIT_DOC.__replace__(billing_reference=reference), CREDIT_NOTE)
    assert found == [
        Problem(
            path="issue_date",
            rule="CBG06",
            message=(
                "La fecha de la nota (2026-05-10) es anterior a la del documento referenciado "
                "SETP990000011 (2026-05-11)."
            ),
        )
    ]


def test_note_concept():
    assert [
        (p.rule, p.path) for p in run(CREDIT_DOC.__replace__(discrepancy=None), CREDIT_NOTE)
    ] == [("PAS-N01", "discrepancy")]
    bad = CREDIT_DOC.__replace__(discrepancy=Discrepancy(code="7", description="?"))
    assert [(p.rule, p.path) for p in run(bad, CREDIT_NOTE)] == [("PAS-N02", "discrepancy.code")]


def test_invoices_ignore_note_fields():
    assert run(INVOICE_DOC.__replace__(billing_reference=REFERENCE)) == []
