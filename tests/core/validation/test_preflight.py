"""Pre-flight: clean invoices and notes pass; each rule fires on a crafted document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from core.clock import BOGOTA
from core.contracts import DocumentType
from core.model import (
    Address,
    AllowanceCharge,
    BillingReference,
    DeclaredTotals,
    Discrepancy,
    Document,
    Line,
    NumberingRange,
    Party,
    Payment,
    PrepaidPayment,
    Problem,
    ReferencePrice,
    Software,
    StandardItemId,
    Tax,
    TaxSubtotal,
    TaxTotal,
    TenantView,
    Withholding,
)
from core.totals import compute_totals
from core.validation.preflight import preflight

NOW = dt.datetime(2026, 5, 10, 15, 30, tzinfo=BOGOTA)
TODAY = NOW.date()


def document_type(
    code: str,
    root: str,
    prefix: str,
    customizations: dict[str, str],
    requires_reference: frozenset[str] = frozenset(),
) -> DocumentType:
    return DocumentType(
        code=code,
        title=code,
        ubl_root=root,  # type: ignore[arg-type]
        profile_id="DIAN 2.1",
        unique_code="CUFE" if code == "01" else "CUDE",
        file_prefix="fv",
        rule_prefix=prefix,
        customization_ids=customizations,
        build=lambda *a, **k: None,  # type: ignore[arg-type,return-value]
        requires_reference=requires_reference,
        permission=code,
        authorized_numbering=code == "01",
    )


INVOICE = document_type("01", "Invoice", "FA", {"10": "Estándar", "09": "AIU"})
CREDIT_NOTE = document_type(
    "91", "CreditNote", "CA", {"20": "Con referencia", "22": "Sin"}, frozenset({"20"})
)
DEBIT_NOTE = document_type("92", "DebitNote", "DA", {})  # empty: checked against the catalog

SUPPLIER = Party(
    organization_type="1",
    id_type="31",
    id_number="900373076",
    dv="4",
    name="PASARELA DE PRUEBAS S.A.S.",
    tax_level_codes=("O-13", "O-15"),
    tax_scheme="01",
    address=Address(municipality_code="11001", department_code="11", line="Calle 1 # 2-3"),
)
TENANT = TenantView(
    id=1,
    uuid="00000000-0000-0000-0000-000000000001",
    nit="900373076",
    dv="4",
    party=SUPPLIER,
    environment="simulador",
    software={
        "facturacion": Software(id="sw", pin="12345", provider_nit="900373076", provider_dv="4")
    },
)
RANGE = NumberingRange(
    id=1,
    document_type="01",
    environment="simulador",
    resolution_number="18760000001",
    prefix="SETP",
    from_number=990000000,
    to_number=995000000,
    valid_from=dt.date(2019, 1, 19),
    valid_to=dt.date(2030, 1, 19),
)
CUSTOMER = Party(
    organization_type="2",
    id_type="13",
    id_number="71234567",
    name="JUAN PEREZ",
    address=Address(municipality_code="05001", department_code="05", line="Calle 50 # 30-20"),
)
LINES = (
    Line(
        code="PROD-001",
        description="Repuesto motocicleta XYZ",
        quantity=D("2"),
        unit_price=D("50000"),
        taxes=(Tax(scheme="01", percent=D("19")),),
        standard_item_id=StandardItemId(scheme_id="999", id="PROD-001"),
    ),
    Line(
        code="SERV-010",
        description="Mano de obra instalación",
        quantity=D("1"),
        unit_price=D("25000"),
        taxes=(Tax(scheme="01", percent=D("19")),),
        allowances_charges=(AllowanceCharge(percent=D("10"), reason_code="09"),),
    ),
)
INVOICE_DOC = Document(
    type_code="01",
    operation_type="10",
    prefix="SETP",
    number=990000011,
    issue_date=TODAY,
    customer=CUSTOMER,
    lines=LINES,
    payment=Payment(form="1", means_code="10"),
)
REFERENCE = BillingReference(number="SETP990000011", uuid="a" * 96, issue_date=dt.date(2026, 5, 2))
CREDIT_DOC = Document(
    type_code="91",
    operation_type="20",
    prefix="NC",
    number=1,
    issue_date=TODAY,
    customer=CUSTOMER,
    lines=LINES[:1],
    billing_reference=REFERENCE,
    discrepancy=Discrepancy(code="2", description="Anulación de factura electrónica"),
)


def run(doc: Document = INVOICE_DOC, kind: DocumentType = INVOICE, **kw) -> list[Problem]:
    numbering_range = kw.pop("numbering_range", RANGE if kind is INVOICE else None)
    return preflight(
        doc, kind, kw.pop("tenant", TENANT), numbering_range, now=kw.pop("now", NOW), **kw
    )


def rules(problems: list[Problem]) -> list[str | None]:
    return [p.rule for p in problems]


def with_line(**changes) -> Document:
    return INVOICE_DOC.__replace__(lines=(LINES[0].__replace__(**changes), LINES[1]))


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


# --- parties --------------------------------------------------------------------------------


def test_faj24_issuer_check_digit():
    tenant = TENANT.__replace__(party=SUPPLIER.__replace__(dv="5"))
    found = run(tenant=tenant)
    assert found == [
        Problem(
            path="supplier.dv",
            rule="FAJ24",
            message=(
                "El dígito de verificación del NIT del emisor (900373076-5) no es correcto: debe "
                "ser 4."
            ),
        )
    ]


def test_document_supplier_overrides_the_tenant_party():
    doc = INVOICE_DOC.__replace__(supplier=SUPPLIER.__replace__(dv=None))
    assert [(p.rule, p.path) for p in run(doc)] == [("FAJ24", "supplier.dv")]


@pytest.mark.parametrize(
    ("number", "dv", "path"),
    [
        ("860069804", None, "customer.dv"),
        ("860069804", "3", "customer.dv"),
        ("860.069.804", "2", "customer.id_number"),
    ],
)
def test_fak24_customer_check_digit(number, dv, path):
    customer = CUSTOMER.__replace__(organization_type="1", id_type="31", id_number=number, dv=dv)
    found = run(INVOICE_DOC.__replace__(customer=customer))
    assert [(p.rule, p.path) for p in found] == [("FAK24", path)]


def test_fak24_not_applied_to_other_id_types():
    assert run(INVOICE_DOC.__replace__(customer=CUSTOMER.__replace__(dv="9"))) == []


def test_faj26_fak26_tax_level_codes():
    tenant = TENANT.__replace__(party=SUPPLIER.__replace__(tax_level_codes=("O-13", "O-99")))
    doc = INVOICE_DOC.__replace__(customer=CUSTOMER.__replace__(tax_level_codes=()))
    assert [(p.rule, p.path) for p in run(doc, tenant=tenant)] == [
        ("FAJ26", "supplier.tax_level_codes[1]"),
        ("FAK26", "customer.tax_level_codes"),
    ]


def test_party_catalog_codes():
    customer = CUSTOMER.__replace__(id_type="99", organization_type="3", tax_scheme="05")  # type: ignore[arg-type]
    assert [(p.rule, p.path) for p in run(INVOICE_DOC.__replace__(customer=customer))] == [
        ("PAS-K01", "customer.id_type"),
        ("PAS-K02", "customer.organization_type"),
        ("PAS-K03", "customer.tax_scheme"),
    ]


def test_dane_codes_of_the_address():
    unknown = CUSTOMER.__replace__(address=Address(municipality_code="05999", department_code="00"))
    assert [(p.rule, p.path) for p in run(INVOICE_DOC.__replace__(customer=unknown))] == [
        ("PAS-K04", "customer.address.municipality_code"),
        ("PAS-K05", "customer.address.department_code"),
    ]
    mismatch = CUSTOMER.__replace__(
        address=Address(municipality_code="05001", department_code="11")
    )
    found = run(INVOICE_DOC.__replace__(customer=mismatch))
    assert found == [
        Problem(
            path="customer.address.department_code",
            rule="PAS-K05",
            message=(
                "El municipio 05001 (Medellín) del adquiriente pertenece al departamento 05 "
                "(Antioquia), no al 11."
            ),
        )
    ]
    tenant = TENANT.__replace__(
        party=SUPPLIER.__replace__(address=Address(municipality_code="11001", country_code="XX"))
    )
    assert rules(run(tenant=tenant)) == ["PAS-J06"]


def test_foreign_address_skips_dane_codes():
    foreign = CUSTOMER.__replace__(
        address=Address(municipality_code="10001", country_code="US", country_name="Estados Unidos")
    )
    assert run(INVOICE_DOC.__replace__(customer=foreign)) == []


# --- lines ----------------------------------------------------------------------------------


def test_fav01_at_least_one_line():
    assert rules(run(INVOICE_DOC.__replace__(lines=()))) == ["FAV01"]


@pytest.mark.parametrize("quantity", ["0", "-1"])
def test_fav04b_quantity_above_zero(quantity):
    found = run(with_line(quantity=D(quantity)))
    assert ("FAV04b", "lines[0].quantity") in [(p.rule, p.path) for p in found]


def test_fav05_unit_code():
    assert [(p.rule, p.path) for p in run(with_line(unit_code="UND"))] == [
        ("FAV05", "lines[0].unit_code")
    ]


def test_faz02_description():
    assert [(p.rule, p.path) for p in run(with_line(description="  "))] == [
        ("FAZ02", "lines[0].description")
    ]


def test_vlr01_negative_amounts():
    doc = INVOICE_DOC.__replace__(
        lines=(
            LINES[0].__replace__(unit_price=D("-1")),
            LINES[1].__replace__(allowances_charges=(AllowanceCharge(amount=D("-5")),)),
        ),
        prepaid_payments=(PrepaidPayment(id="A1", amount=D("-100")),),
        declared_totals=DeclaredTotals(prepaid=D("-100")),
    )
    found = [(p.rule, p.path) for p in run(doc) if p.rule == "VLR01"]
    assert found == [
        ("VLR01", "lines[0].unit_price"),
        ("VLR01", "lines[1].allowances_charges[0].amount"),
        ("VLR01", "prepaid_payments[0].amount"),
        ("VLR01", "declared_totals.prepaid"),
        ("VLR01", "lines[0].allowances_charges"),  # computed: 2 × −1 is a negative line
    ]


def test_vlr01_discount_larger_than_the_line():
    found = run(with_line(allowances_charges=(AllowanceCharge(amount=D("100001")),)))
    assert [(p.rule, p.path) for p in found] == [("VLR01", "lines[0].allowances_charges")]


def test_allowance_shape_and_codes():
    found = run(
        with_line(
            allowances_charges=(
                AllowanceCharge(),
                AllowanceCharge(percent=D("120")),
                AllowanceCharge(percent=D("1"), reason_code="77"),
            )
        )
    )
    assert [(p.rule, p.path) for p in found] == [
        ("PAS-V02", "lines[0].allowances_charges[0]"),
        ("PAS-V05", "lines[0].allowances_charges[1].percent"),
        ("PAS-V01", "lines[0].allowances_charges[2].reason_code"),
    ]  # totals are not computed from a malformed allowance


def test_item_and_reference_price_codes():
    found = run(
        with_line(
            standard_item_id=StandardItemId(scheme_id="002", id="X"),
            free_of_charge=ReferencePrice(price_type_code="09", price=D("100")),
        )
    )
    assert rules(found) == ["PAS-V03", "PAS-V04"]


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
