"""DIAN's foreign-currency rules (FAR) as the simulator applies them to a received document.

A document whose ``cbc:DocumentCurrencyCode`` is not COP (an export invoice 02 in dollars,
say) must carry ``cac:PaymentExchangeRate`` converting it to pesos. Ids as public
implementations cite the FAR02–FAR07 group (the exact split is unconfirmed): FAR02 the group
is missing, FAR03 its source currency is not the document's, FAR05 its target is not COP,
FAR07 the calculation rate is not a positive number.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lxml import etree

from core.ubl.namespaces import XPATH_NS
from plugins.environments.simulador.document_facts import DocumentFacts, text
from plugins.environments.simulador.document_rules import Finding


def check_exchange_rate(root: etree._Element, facts: DocumentFacts) -> list[Finding]:
    p = facts.rule_prefix
    currency = text(root, "cbc:DocumentCurrencyCode") or "COP"
    group = root.find("cac:PaymentExchangeRate", XPATH_NS)
    if group is None:
        if currency == "COP":
            return []
        return [
            Finding(
                f"{p}R02",
                "Debe informarse el grupo PaymentExchangeRate cuando la moneda del documento "
                "es diferente a COP.",
            )
        ]
    findings: list[Finding] = []
    if text(group, "cbc:SourceCurrencyCode") != currency:
        findings.append(
            Finding(f"{p}R03", "SourceCurrencyCode debe ser igual a DocumentCurrencyCode.")
        )
    if text(group, "cbc:TargetCurrencyCode") != "COP":
        findings.append(Finding(f"{p}R05", "TargetCurrencyCode debe ser COP."))
    try:
        rate = Decimal(text(group, "cbc:CalculationRate"))
    except InvalidOperation:
        rate = Decimal("0")
    if not rate.is_finite() or rate <= 0:
        findings.append(Finding(f"{p}R07", "CalculationRate debe ser un valor mayor que cero."))
    return findings
