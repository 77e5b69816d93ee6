"""Export and foreign-currency parts of an ``Invoice``: ``cac:DeliveryTerms`` (Incoterms) and
``cac:PaymentExchangeRate`` (the TRM that turns the document's currency into pesos)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from core.model import DeliveryTerms, ExchangeRate
from core.ubl import formats
from core.ubl.namespaces import CAC, CBC, sub

_ONE = "1.00"


def add_delivery_terms(parent: etree._Element, terms: DeliveryTerms | None) -> None:
    """``cac:DeliveryTerms``: SpecialTerms, LossRiskResponsibilityCode (the Incoterm) and
    LossRisk, in the XSD's order."""
    if terms is None:
        return
    node = sub(parent, CAC.DeliveryTerms)
    if terms.special_terms:
        sub(node, CBC.SpecialTerms, terms.special_terms)
    sub(node, CBC.LossRiskResponsibilityCode, terms.incoterm)
    if terms.loss_risk:
        sub(node, CBC.LossRisk, terms.loss_risk)


def add_payment_exchange_rate(
    parent: etree._Element, rate: ExchangeRate | None, currency: str, issue_date: dt.date
) -> None:
    """``cac:PaymentExchangeRate``: one unit of the document's currency (source, base rate
    1.00) is ``CalculationRate`` pesos (target COP, base rate 1.00) on ``Date`` (FAR rules)."""
    if rate is None:
        return
    node = sub(parent, CAC.PaymentExchangeRate)
    sub(node, CBC.SourceCurrencyCode, currency)
    sub(node, CBC.SourceCurrencyBaseRate, _ONE)
    sub(node, CBC.TargetCurrencyCode, rate.target_currency)
    sub(node, CBC.TargetCurrencyBaseRate, _ONE)
    sub(node, CBC.CalculationRate, calculation_rate(rate.rate))
    sub(node, CBC.Date, formats.date(rate.date or issue_date))


def calculation_rate(rate: Decimal) -> str:
    """The TRM as written: two decimals at least, more when the rate has them."""
    text = format(rate.normalize(), "f")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"
