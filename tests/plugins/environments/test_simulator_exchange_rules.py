"""The simulator's foreign-currency rules (FAR) on a pipeline-made export invoice (02),
edited to break one rule at a time."""

from __future__ import annotations

import msgspec
import pytest
from lxml import etree

from core.sample_documents import sample_numbering_range
from plugins.environments.simulador.document_facts import read_facts
from plugins.environments.simulador.exchange_rules import check_exchange_rate
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture(scope="module")
def export_xml() -> bytes:
    issuer = sample_issuer(nit="900500002")
    issuer.ranges["02"] = msgspec.structs.replace(
        sample_numbering_range("02"), environment=issuer.invoices.environment
    )
    return prepare_sample(issuer, "02", 7, lines=2).xml


@pytest.fixture
def root(export_xml) -> etree._Element:
    return etree.fromstring(export_xml)


def _rules(root) -> list[str]:
    return [finding.rule for finding in check_exchange_rate(root, read_facts(root))]


def test_the_export_sample_in_dollars_carries_its_exchange_rate(root):
    assert root.findtext("cbc:DocumentCurrencyCode", namespaces=NS) == "USD"
    assert _rules(root) == []


def test_a_foreign_currency_without_payment_exchange_rate_is_far02(root):
    group = root.find("cac:PaymentExchangeRate", NS)
    group.getparent().remove(group)
    assert _rules(root) == ["FAR02"]


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        ("cbc:SourceCurrencyCode", "EUR", "FAR03"),
        ("cbc:TargetCurrencyCode", "USD", "FAR05"),
        ("cbc:CalculationRate", "0.00", "FAR07"),
        ("cbc:CalculationRate", "abc", "FAR07"),
    ],
)
def test_each_part_of_the_group_is_checked(root, path, value, rule):
    root.find(f"cac:PaymentExchangeRate/{path}", NS).text = value
    assert _rules(root) == [rule]


def test_a_document_in_pesos_needs_no_exchange_rate(root):
    group = root.find("cac:PaymentExchangeRate", NS)
    group.getparent().remove(group)
    root.find("cbc:DocumentCurrencyCode", NS).text = "COP"
    assert _rules(root) == []
