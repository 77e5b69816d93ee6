"""``cac:LegalMonetaryTotal`` (invoices, credit notes) and ``cac:RequestedMonetaryTotal``
(debit notes, DAU01): FAU02/04/06/08/14 hold because the totals engine computed them."""

from __future__ import annotations

from lxml import etree

from core.model import MonetaryTotals
from core.ubl import formats
from core.ubl.namespaces import CBC, sub


def add_monetary_total(
    parent: etree._Element, tag: str, totals: MonetaryTotals, currency: str
) -> etree._Element:
    money = {"currencyID": currency}
    node = sub(parent, tag)
    sub(node, CBC.LineExtensionAmount, formats.amount(totals.line_extension), money)  # FAU02
    sub(node, CBC.TaxExclusiveAmount, formats.amount(totals.tax_exclusive), money)  # FAU04
    sub(node, CBC.TaxInclusiveAmount, formats.amount(totals.tax_inclusive), money)  # FAU06
    sub(node, CBC.AllowanceTotalAmount, formats.amount(totals.allowance_total), money)  # FAU08
    sub(node, CBC.ChargeTotalAmount, formats.amount(totals.charge_total), money)
    sub(node, CBC.PrepaidAmount, formats.amount(totals.prepaid), money)
    if totals.payable_rounding:
        sub(node, CBC.PayableRoundingAmount, formats.amount(totals.payable_rounding), money)
    sub(node, CBC.PayableAmount, formats.amount(totals.payable), money)  # FAU14
    return node
