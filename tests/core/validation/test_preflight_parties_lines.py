"""Pre-flight rules on the parties (check digits, catalogs, addresses) and on the lines."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from preflight_cases import (
    CUSTOMER,
    INVOICE_DOC,
    LINES,
    SUPPLIER,
    TENANT,
    rules,
    run,
    with_line,
)

from core.model import (
    Address,
    AllowanceCharge,
    DeclaredTotals,
    PrepaidPayment,
    Problem,
    ReferencePrice,
    StandardItemId,
)

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
