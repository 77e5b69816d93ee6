"""DIAN's document rules as the simulator applies them, on pipeline-made documents edited to
break one rule at a time (the pure functions, without SOAP or database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from plugins.environments.simulador import document_rules as rules
from plugins.environments.simulador.document_facts import read_facts
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer
from plugins.environments.simulador.store import RegisteredRange, RegisteredSoftware

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {"cbc": CBC, "cac": CAC}


@pytest.fixture(scope="module")
def issuer():
    return sample_issuer(nit="900500001")


@pytest.fixture(scope="module")
def invoice_xml(issuer) -> bytes:
    return prepare_sample(issuer, "01", 990000010, lines=5).xml


@pytest.fixture
def root(invoice_xml) -> etree._Element:
    return etree.fromstring(invoice_xml)


def _ids(findings) -> list[str]:
    return [f.rule for f in findings]


def _set(root, path: str, value: str) -> None:
    root.find(path, NS).text = value


def test_a_pipeline_invoice_breaks_no_rule(root, issuer):
    facts = read_facts(root)
    assert (facts.type_code, facts.rule_prefix, facts.number) == ("01", "FA", "SETP990000010")
    software = RegisteredSoftware(
        id=issuer.tenant.software["facturacion"].id,
        pin="12345",
        provider_nit=issuer.tenant.nit,
        test_set_id=None,
        active=True,
    )
    rng = _registered(issuer)
    assert rules.check_totals(root, facts) == []
    assert rules.check_taxes(root, facts) == []
    assert rules.check_lines(root, facts) == []
    assert rules.check_check_digits(facts) == []
    assert rules.check_signing_date(facts) == []
    assert rules.check_software(facts, software) == []
    assert rules.matching_range(facts, [rng]) == rng
    assert rules.check_range(facts, rng, software.id) == []
    assert rules.check_unique_code(root, facts, [rng.technical_key]) == []


def _registered(issuer, **changes) -> RegisteredRange:
    r = issuer.invoices
    registered = RegisteredRange(
        issuer_nit=issuer.tenant.nit,
        software_id=issuer.tenant.software["facturacion"].id,
        document_type="01",
        resolution_number=r.resolution_number,
        resolution_date=r.resolution_date,
        prefix=r.prefix,
        from_number=r.from_number,
        to_number=r.to_number,
        valid_from=r.valid_from,
        valid_to=r.valid_to,
        technical_key=r.technical_key,
    )
    return dataclasses.replace(registered, **changes) if changes else registered


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "1.00", ["FAU02", "FAU06", "FAU14"]),
        ("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "1.00", ["FAU04"]),
        ("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "1.00", ["FAU06"]),
        ("cac:LegalMonetaryTotal/cbc:PayableAmount", "1.00", ["FAU14"]),
    ],
)
def test_totals_are_recomputed_from_the_lines(root, path, value, expected):
    _set(root, path, value)
    assert _ids(rules.check_totals(root, read_facts(root))) == expected


def test_tax_amount_must_be_base_times_rate_fas07(root):
    subtotal = root.find("cac:TaxTotal/cac:TaxSubtotal", NS)
    amount = Decimal(subtotal.findtext("cbc:TaxAmount", namespaces=NS))
    subtotal.find("cbc:TaxAmount", NS).text = str(amount + 50)
    assert "FAS07" in _ids(rules.check_taxes(root, read_facts(root)))


def test_one_tax_total_per_scheme_fas01b(root):
    first = root.find("cac:TaxTotal", NS)
    first.addnext(etree.fromstring(etree.tostring(first)))
    assert "FAS01b" in _ids(rules.check_taxes(root, read_facts(root)))


def test_lines_fav01_and_fav04b(root):
    line = root.find("cac:InvoiceLine", NS)
    line.find("cbc:InvoicedQuantity", NS).text = "-1"
    assert _ids(rules.check_lines(root, read_facts(root))) == ["FAV04b"]
    for line in root.findall("cac:InvoiceLine", NS):
        root.remove(line)
    assert _ids(rules.check_lines(root, read_facts(root))) == ["FAV01"]


def test_check_digits_faj24_fak24(root):
    supplier = root.find(
        "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", NS
    )
    customer = root.find(
        "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", NS
    )
    supplier.set("schemeID", str((int(supplier.get("schemeID")) + 1) % 10))
    customer.set("schemeName", "31")
    customer.set("schemeID", str((int(customer.get("schemeID") or 0) + 1) % 10))
    assert _ids(rules.check_check_digits(read_facts(root))) == ["FAJ24", "FAK24"]


def test_software_rules(root, issuer):
    facts = read_facts(root)
    software = RegisteredSoftware(
        id=issuer.tenant.software["facturacion"].id,
        pin="99999",
        provider_nit=issuer.tenant.nit,
        test_set_id=None,
        active=True,
    )
    assert _ids(rules.check_software(facts, software)) == ["FAB27b"]
    assert _ids(rules.check_software(facts, None)) == ["FAB24b"]
    inactive = dataclasses.replace(software, pin="12345", active=False)
    assert _ids(rules.check_software(facts, inactive)) == ["FAB24c"]


def test_numbering_range_rules(root, issuer):
    facts = read_facts(root)
    assert rules.check_range(facts, None, None)[0].rule == "FAD05e"
    below = _registered(issuer, from_number=990000011)
    assert _ids(rules.check_range(facts, below, None)) == ["FAB11b", "FAD05b"]
    above = _registered(issuer, to_number=990000009)
    assert _ids(rules.check_range(facts, above, None)) == ["FAB12b", "FAD05c"]
    expired = _registered(issuer, valid_to=dt.date(2020, 1, 1))
    assert _ids(rules.check_range(facts, expired, None)) == ["FAB08b", "FAD05d"]
    other_software = _registered(issuer, software_id="otro")
    assert _ids(
        rules.check_range(facts, other_software, issuer.tenant.software["facturacion"].id)
    ) == ["FAB05c"]
    assert rules.matching_range(facts, [_registered(issuer, resolution_number="1")]) is None


def test_unique_code_uses_the_given_key(root):
    facts = read_facts(root)
    [finding] = rules.check_unique_code(root, facts, ["otra-clave"])
    assert finding.render() == (
        "Regla: FAD06, Rechazo: Valor del CUFE no está calculado correctamente."
    )


def test_note_reference_rules(issuer):
    note = etree.fromstring(prepare_sample(issuer, "91", 5).xml)
    facts = read_facts(note)
    assert (facts.rule_prefix, facts.note_prefix) == ("CA", "C")
    issued = dt.date.fromisoformat(facts.issue_date)
    assert _ids(rules.check_reference(facts, None, None, found=False)) == ["CBG04a"]
    assert _ids(rules.check_reference(facts, "811111111", issued, found=True)) == ["CBG04b"]
    later = issued + dt.timedelta(days=1)
    assert _ids(rules.check_reference(facts, facts.supplier_nit, later, found=True)) == ["CBG06"]
    assert rules.check_reference(facts, facts.supplier_nit, issued, found=True) == []


def test_rule_prefix_follows_the_document_type(issuer):
    debit = read_facts(etree.fromstring(prepare_sample(issuer, "92", 5).xml))
    assert (debit.rule_prefix, debit.note_prefix, debit.type_code) == ("DA", "D", "92")
    assert (
        rules.check_signing_date(
            dataclasses.replace(debit, signing_time="2020-01-01T10:00:00.000-05:00")
        )[0].rule
        == "DAD09e"
    )
