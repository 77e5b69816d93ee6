"""The simulated DIAN's rules specific to the support document (05) and its adjustment note (95).

What DIAN checks on these documents beyond the rules every document shares (research
``dian-tech.md`` §6.6): the operation type says where the seller lives (10 resident, 11 not
resident) and the seller's address agrees; the ProfileID literal; every line states the
purchase date and how it is transmitted (``cac:InvoicePeriod`` with ``cbc:StartDate`` and
``cbc:DescriptionCode`` 1 or 2); the buyer (the issuer) is not also the seller. The rule ids
follow DIAN's scheme (prefix DSA/NSA, section letter, number): D02/D03 are the header rules
every kind has; J01 (seller is the buyer), J10 (residence and country disagree) and V10 (line
period) are ids of ours under that scheme, since our sources do not list DIAN's.
"""

from __future__ import annotations

from lxml import etree

from core.ubl.namespaces import XPATH_NS
from plugins.environments.simulador.document_facts import DocumentFacts, text
from plugins.environments.simulador.document_rules import Finding, document_lines

PROFILES = {
    "05": "DIAN 2.1: documento soporte en adquisiciones efectuadas a no obligados a facturar.",
    "95": (
        "DIAN 2.1: Nota de ajuste al documento soporte en adquisiciones efectuadas a sujetos "
        "no obligados a expedir factura o documento equivalente"
    ),
}
RESIDENT, NOT_RESIDENT = "10", "11"
TRANSMISSION_CODES = frozenset({"1", "2"})
_SELLER_COUNTRY = (
    "cac:AccountingSupplierParty/cac:Party/cac:PhysicalLocation/cac:Address/cac:Country/"
    "cbc:IdentificationCode"
)


def check_support_document(root: etree._Element, facts: DocumentFacts) -> list[Finding]:
    """Every finding for a 05 or 95; nothing for other types."""
    if not facts.issued_by_buyer:
        return []
    p = facts.rule_prefix
    findings: list[Finding] = []
    if facts.customization_id not in {RESIDENT, NOT_RESIDENT}:
        findings.append(
            Finding(
                f"{p}D02",
                "El tipo de operación (CustomizationID) debe ser 10 (residente) u 11 (no "
                "residente).",
            )
        )
    if text(root, "cbc:ProfileID") != PROFILES[facts.type_code]:
        findings.append(Finding(f"{p}D03", f"ProfileID debe ser '{PROFILES[facts.type_code]}'."))
    if facts.supplier_nit and facts.supplier_nit == facts.customer_id:
        findings.append(
            Finding(
                f"{p}J01",
                "El vendedor no obligado a facturar no puede ser el mismo adquiriente que "
                "genera el documento soporte.",
            )
        )
    findings += _check_residence(root, facts)
    findings += _check_line_periods(root, facts)
    return findings


def _check_residence(root: etree._Element, facts: DocumentFacts) -> list[Finding]:
    country = text(root, _SELLER_COUNTRY)
    if not country:
        return []
    if facts.customization_id == RESIDENT and country != "CO":
        message = "Un vendedor residente (tipo de operación 10) debe tener dirección en Colombia."
    elif facts.customization_id == NOT_RESIDENT and country == "CO":
        message = (
            "Un vendedor no residente (tipo de operación 11) debe tener dirección fuera de "
            "Colombia."
        )
    else:
        return []
    return [Finding(f"{facts.rule_prefix}J10", message)]


def _check_line_periods(root: etree._Element, facts: DocumentFacts) -> list[Finding]:
    for line in document_lines(root):
        period = line.find("cac:InvoicePeriod", XPATH_NS)
        if (
            period is None
            or not text(period, "cbc:StartDate")
            or text(period, "cbc:DescriptionCode") not in TRANSMISSION_CODES
        ):
            return [
                Finding(
                    f"{facts.rule_prefix}V10",
                    f"La línea {text(line, 'cbc:ID')} debe informar la fecha de la compra y la "
                    "forma de generación y transmisión (InvoicePeriod: StartDate y "
                    "DescriptionCode 1 o 2).",
                )
            ]
    return []
