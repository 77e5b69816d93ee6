"""Document lines: ``cac:InvoiceLine`` / ``cac:CreditNoteLine`` / ``cac:DebitNoteLine``.

The three UBL line types order their children differently (invoice lines put AllowanceCharge
before TaxTotal, notes after; only invoice lines have WithholdingTaxTotal; debit-note lines have
no FreeOfChargeIndicator), so each root gets its own ``LineLayout``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from threading import get_ident

from lxml import etree

from core import catalogs
from core.model import Line, LineTotals, StandardItemId, Totals
from core.ubl import formats
from core.ubl.allowances import add_allowance_charges
from core.ubl.line_text import (
    DECLARATIONS,
    NotAsText,
    lines_text,
    monetary_text,
    money_attribute,
    tax_totals_text,
)
from core.ubl.monetary import add_monetary_total
from core.ubl.namespaces import CAC, CAC_NS, CBC, CBC_NS, RootName, new_root, sub
from core.ubl.references import add_purchase_period
from core.ubl.taxes import add_tax_totals
from core.xml_parsing import parse_xml

_ONE = formats.quantity(Decimal("1"))


@dataclass(frozen=True)
class LineLayout:
    line: str  # local names: cac:{line}, cbc:{quantity}
    quantity: str
    free_of_charge_indicator: bool
    allowances_before_taxes: bool
    withholdings: bool

    @property
    def line_tag(self) -> str:
        return getattr(CAC, self.line)

    @property
    def quantity_tag(self) -> str:
        return getattr(CBC, self.quantity)


LAYOUTS: dict[str, LineLayout] = {
    "Invoice": LineLayout("InvoiceLine", "InvoicedQuantity", True, True, True),
    "CreditNote": LineLayout("CreditNoteLine", "CreditedQuantity", True, False, False),
    "DebitNote": LineLayout("DebitNoteLine", "DebitedQuantity", False, False, False),
}


def add_totals_and_lines(
    root: etree._Element,
    root_name: RootName,
    totals: Totals,
    lines: tuple[Line, ...],
    currency: str,
    *,
    monetary: str,
    withholdings: bool,
) -> None:
    """What closes every sales document, in its XSD order: one ``cac:TaxTotal`` per scheme,
    one ``cac:WithholdingTaxTotal`` per scheme when ``withholdings`` (invoices), the monetary
    total (``monetary``: ``LegalMonetaryTotal`` or ``RequestedMonetaryTotal``) and the lines.

    Parsed from their text in one go (``core.ubl.line_text``) when every line has the common
    shape, built with the API otherwise.
    """
    layout = LAYOUTS[root_name]
    try:
        if root.nsmap.get("cac") != CAC_NS or root.nsmap.get("cbc") != CBC_NS:
            raise NotAsText  # the parsed elements would declare their prefixes themselves
        money = money_attribute(currency)
        text = "".join(
            (
                tax_totals_text(totals.tax_totals, money),
                tax_totals_text(totals.withholding_totals, money, withholding=True)
                if withholdings
                else "",
                monetary_text(f"cac:{monetary}", totals.monetary, money),
                lines_text(
                    f"cac:{layout.line}",
                    f"cbc:{layout.quantity}",
                    layout.free_of_charge_indicator,
                    layout.withholdings,
                    zip(lines, totals.lines, strict=True),
                    currency,
                ),
            )
        )
    except NotAsText:
        add_tax_totals(root, totals.tax_totals, currency)
        if withholdings:
            add_tax_totals(root, totals.withholding_totals, currency, withholding=True)
        add_monetary_total(root, getattr(CAC, monetary), totals.monetary, currency)
        add_lines(root, root_name, lines, totals.lines, currency)
        return
    holder = parse_xml(f"<holder {DECLARATIONS}>{text}</holder>".encode())
    for node in list(holder):
        root.append(node)  # takes the root's cac and cbc declarations


def add_lines(
    root: etree._Element,
    root_name: RootName,
    lines: tuple[Line, ...],
    line_totals: tuple[LineTotals, ...],
    currency: str,
) -> None:
    """Append every line with IDs 1..n (DIBC05a/b), built with the API."""
    _build_lines(root, LAYOUTS[root_name], lines, line_totals, currency)


def _build_lines(
    root: etree._Element,
    layout: LineLayout,
    lines: tuple[Line, ...],
    line_totals: tuple[LineTotals, ...],
    currency: str,
) -> None:
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
        if line.purchase_period is not None:
            add_purchase_period(node, line.purchase_period)
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
        thread = get_ident()
        node.append(
            _item(
                line.description,
                line.code,
                line.standard_item_id,
                line.brand_name,
                line.model_name,
                thread,
            ).__deepcopy__(None)
        )
        node.append(_price(line.unit_price, line.unit_code, currency, thread).__deepcopy__(None))


@functools.lru_cache(maxsize=4096)
def _item(
    description: str,
    code: str | None,
    standard: StandardItemId | None,
    brand_name: str | None,
    model_name: str | None,
    thread: int,
) -> etree._Element:
    """``cac:Item``: the same product repeats across documents, so its subtree is built once
    (per thread, lxml keeps thread-local name dictionaries) and copied."""
    item = sub(new_root("Invoice"), CAC.Item)
    sub(item, CBC.Description, description)  # FAZ02
    if brand_name:
        sub(item, CBC.BrandName, brand_name)
    if model_name:
        sub(item, CBC.ModelName, model_name)
    if code:
        sub(sub(item, CAC.SellersItemIdentification), CBC.ID, code)
    if standard is not None:
        attrs = {"schemeID": standard.scheme_id}
        scheme = catalogs.item_id_scheme(standard.scheme_id)
        if scheme is not None:
            attrs["schemeName"] = scheme.name
        sub(sub(item, CAC.StandardItemIdentification), CBC.ID, standard.id, attrs)
    return item


@functools.lru_cache(maxsize=4096)
def _price(unit_price: Decimal, unit_code: str, currency: str, thread: int) -> etree._Element:
    """``cac:Price`` for a unit price (per BaseQuantity 1), built once and copied."""
    price = sub(new_root("Invoice"), CAC.Price)
    sub(price, CBC.PriceAmount, formats.amount(unit_price), {"currencyID": currency})
    sub(price, CBC.BaseQuantity, _ONE, {"unitCode": unit_code})
    return price
