"""``cac:AllowanceCharge`` at document and line level: discounts (ChargeIndicator false,
reason code from CodigoDescuento) and charges, with their resolved amount and base."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from core.model import AllowanceChargeAmount
from core.ubl import formats
from core.ubl.namespaces import CAC, CBC, sub


def add_allowance_charges(
    parent: etree._Element, items: Iterable[AllowanceChargeAmount], currency: str
) -> None:
    money = {"currencyID": currency}
    for index, item in enumerate(items, start=1):
        node = sub(parent, CAC.AllowanceCharge)
        sub(node, CBC.ID, str(index))
        sub(node, CBC.ChargeIndicator, "true" if item.is_charge else "false")
        if not item.is_charge and item.reason_code:
            sub(node, CBC.AllowanceChargeReasonCode, item.reason_code)
        if item.reason:
            sub(node, CBC.AllowanceChargeReason, item.reason)
        if item.percent is not None:
            sub(node, CBC.MultiplierFactorNumeric, formats.percent(item.percent))
        sub(node, CBC.Amount, formats.amount(item.amount), money)
        sub(node, CBC.BaseAmount, formats.amount(item.base_amount), money)
