"""Document lines: ``cac:InvoiceLine`` / ``cac:CreditNoteLine`` / ``cac:DebitNoteLine``.

The three UBL line types order their children differently (invoice lines put AllowanceCharge
before TaxTotal, notes after; only invoice lines have WithholdingTaxTotal; debit-note lines have
no FreeOfChargeIndicator), so each root gets its own ``LineLayout``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from core import catalogs
from core.model import Line, LineTotals
from core.ubl import formats
from core.ubl.allowances import add_allowance_charges
from core.ubl.namespaces import CAC, CBC, RootName, sub
from core.ubl.taxes import add_tax_totals

_ONE = formats.quantity(Decimal("1"))


@dataclass(frozen=True)
class LineLayout:
    line_tag: str
    quantity_tag: str
    free_of_charge_indicator: bool
    allowances_before_taxes: bool
    withholdings: bool


LAYOUTS: dict[str, LineLayout] = {
    "Invoice": LineLayout(CAC.InvoiceLine, CBC.InvoicedQuantity, True, True, True),
    "CreditNote": LineLayout(CAC.CreditNoteLine, CBC.CreditedQuantity, True, False, False),
    "DebitNote": LineLayout(CAC.DebitNoteLine, CBC.DebitedQuantity, False, False, False),
}


def add_lines(
    root: etree._Element,
    root_name: RootName,
    lines: tuple[Line, ...],
    line_totals: tuple[LineTotals, ...],
    currency: str,
) -> None:
    """Append every line with IDs 1..n (DIBC05a/b)."""
    layout = LAYOUTS[root_name]
    money = {"currencyID": currency}
    for index, (line, totals) in enumerate(zip(lines, line_totals, strict=True), start=1):
        node = sub(root, layout.line_tag)
        sub(node, CBC.ID, str(index))
        for note in line.notes:
            sub(node, CBC.Note, note)
        sub(
            node, layout.quantity_tag, formats.quantity(line.quantity), {"unitCode": line.unit_code}
        )
        sub(node, CBC.LineExtensionAmount, formats.amount(totals.line_extension), money)
        free = line.free_of_charge
        if layout.free_of_charge_indicator:
            sub(node, CBC.FreeOfChargeIndicator, "true" if free is not None else "false")
        if free is not None:
            alternative = sub(sub(node, CAC.PricingReference), CAC.AlternativeConditionPrice)
            sub(alternative, CBC.PriceAmount, formats.amount(free.price), money)
            sub(alternative, CBC.PriceTypeCode, free.price_type_code)
        if layout.allowances_before_taxes:
            add_allowance_charges(node, totals.allowances_charges, currency)
            add_tax_totals(node, totals.tax_totals, currency)
        else:
            add_tax_totals(node, totals.tax_totals, currency)
            add_allowance_charges(node, totals.allowances_charges, currency)
        if layout.withholdings:
            add_tax_totals(node, totals.withholding_totals, currency, withholding=True)
        _item(node, line)
        price = sub(node, CAC.Price)
        sub(price, CBC.PriceAmount, formats.amount(line.unit_price), money)
        sub(price, CBC.BaseQuantity, _ONE, {"unitCode": line.unit_code})


def _item(parent: etree._Element, line: Line) -> None:
    item = sub(parent, CAC.Item)
    sub(item, CBC.Description, line.description)  # FAZ02
    if line.brand_name:
        sub(item, CBC.BrandName, line.brand_name)
    if line.model_name:
        sub(item, CBC.ModelName, line.model_name)
    if line.code:
        sub(sub(item, CAC.SellersItemIdentification), CBC.ID, line.code)
    standard = line.standard_item_id
    if standard is not None:
        attrs = {"schemeID": standard.scheme_id}
        scheme = catalogs.item_id_scheme(standard.scheme_id)
        if scheme is not None:
            attrs["schemeName"] = scheme.name
        sub(sub(item, CAC.StandardItemIdentification), CBC.ID, standard.id, attrs)
