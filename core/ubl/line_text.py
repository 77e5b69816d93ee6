"""The totals and lines that close a document, written as XML text and parsed once.

Lines are most of a document's elements, and lxml parses an element several times faster than
its API creates one (no Python object per element). ``tax_totals_text``, ``monetary_text`` and
``lines_text`` write them exactly as ``core.ubl.taxes``, ``core.ubl.monetary`` and
``core.ubl.lines`` build them with the API: same elements, attributes in the same order, values
escaped so that parsing gives the same strings back. Lines of the common shape only (no
purchase period, no free-of-charge reference price, no line allowance or charge); another
shape, or a value the text cannot carry identically (empty, where the API writes a start and
an end tag that parsing would turn into an empty element; characters XML does not allow),
raises ``NotAsText`` and the caller builds with the API (the tests compare both).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import Decimal

from core import catalogs
from core.model import Line, LineTotals, MonetaryTotals, StandardItemId, TaxTotal
from core.ubl import formats
from core.ubl.namespaces import CAC_NS, CBC_NS

DECLARATIONS = f'xmlns:cac="{CAC_NS}" xmlns:cbc="{CBC_NS}"'

_ONE = Decimal("1")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;"}
    | {"\r": "&#13;"}
)


class NotAsText(Exception):
    """A value the text form cannot carry as the API would write it."""


def _text(value: str) -> str:
    """Element content: non-empty, allowed in XML, escaped."""
    if not value or _NOT_IN_XML.search(value):
        raise NotAsText
    return value.translate(_TEXT_ESCAPES)


def _attribute(value: str) -> str:
    """A double-quoted attribute value, escaped so that parsing keeps every character."""
    if _NOT_IN_XML.search(value):
        raise NotAsText
    return value.translate(_ATTRIBUTE_ESCAPES)


def lines_text(
    line_tag: str,
    quantity_tag: str,
    free_of_charge_indicator: bool,
    withholdings: bool,
    lines: Iterable[tuple[Line, LineTotals]],
    currency: str,
) -> str:
    """The lines (IDs 1..n) as text for ``<holder {DECLARATIONS}>…</holder>``; raises
    ``NotAsText`` when one of them cannot be written so.

    ``line_tag`` and ``quantity_tag`` are prefixed names (``cac:InvoiceLine``,
    ``cbc:InvoicedQuantity``); the flags are those of the root's ``LineLayout``.
    """
    money = money_attribute(currency)
    return "".join(
        _line(line_tag, quantity_tag, free_of_charge_indicator, withholdings, index, line,
              totals, currency, money)
        for index, (line, totals) in enumerate(lines, start=1)
    )  # fmt: skip


def _line(
    line_tag: str,
    quantity_tag: str,
    free_of_charge_indicator: bool,
    withholdings: bool,
    index: int,
    line: Line,
    totals: LineTotals,
    currency: str,
    money: str,
) -> str:
    if line.purchase_period is not None or line.free_of_charge is not None:
        raise NotAsText
    if totals.allowances_charges:
        raise NotAsText
    parts = [f"<{line_tag}><cbc:ID>{index}</cbc:ID>"]
    parts.extend(f"<cbc:Note>{_text(note)}</cbc:Note>" for note in line.notes)
    parts.append(
        f'<{quantity_tag} unitCode="{_attribute(line.unit_code)}">'
        f"{formats.quantity(line.quantity)}</{quantity_tag}>"
        f"<cbc:LineExtensionAmount{money}>{formats.amount(totals.line_extension)}"
        "</cbc:LineExtensionAmount>"
    )
    if free_of_charge_indicator:
        parts.append("<cbc:FreeOfChargeIndicator>false</cbc:FreeOfChargeIndicator>")
    parts.append(tax_totals_text(totals.tax_totals, money))
    if withholdings:
        parts.append(tax_totals_text(totals.withholding_totals, money, withholding=True))
    parts.append(
        _item(line.description, line.code, line.standard_item_id, line.brand_name,
              line.model_name)
    )  # fmt: skip
    parts.append(_price(line.unit_price, line.unit_code, currency))
    parts.append(f"</{line_tag}>")
    return "".join(parts)


def tax_totals_text(totals: Iterable[TaxTotal], money: str, *, withholding: bool = False) -> str:
    """``core.ubl.taxes.add_tax_totals`` as text; ``money`` is the ``currencyID`` attribute."""
    tag = "cac:WithholdingTaxTotal" if withholding else "cac:TaxTotal"
    parts = []
    for total in totals:
        parts.append(
            f"<{tag}><cbc:TaxAmount{money}>{formats.amount(total.tax_amount)}</cbc:TaxAmount>"
        )
        for subtotal in total.subtotals:
            parts.append(
                f"<cac:TaxSubtotal><cbc:TaxableAmount{money}>"
                f"{formats.amount(subtotal.taxable_amount)}</cbc:TaxableAmount>"
                f"<cbc:TaxAmount{money}>{formats.amount(subtotal.tax_amount)}</cbc:TaxAmount>"
            )
            if subtotal.per_unit_amount is not None:
                parts.append(
                    f'<cbc:BaseUnitMeasure unitCode="{_attribute(subtotal.unit_code or "NIU")}">'
                    f"{formats.quantity(subtotal.base_unit_measure or _ONE)}</cbc:BaseUnitMeasure>"
                    f"<cbc:PerUnitAmount{money}>{formats.amount(subtotal.per_unit_amount)}"
                    "</cbc:PerUnitAmount>"
                )
            parts.append(_tax_category(total.scheme, subtotal.percent))
            parts.append("</cac:TaxSubtotal>")
        parts.append(f"</{tag}>")
    return "".join(parts)


def monetary_text(tag: str, totals: MonetaryTotals, money: str) -> str:
    """``core.ubl.monetary.add_monetary_total`` as text; ``tag`` is a prefixed name."""
    rounding = (
        f"<cbc:PayableRoundingAmount{money}>{formats.amount(totals.payable_rounding)}"
        "</cbc:PayableRoundingAmount>"
        if totals.payable_rounding
        else ""
    )
    return (
        f"<{tag}>"
        f"<cbc:LineExtensionAmount{money}>{formats.amount(totals.line_extension)}"
        "</cbc:LineExtensionAmount>"
        f"<cbc:TaxExclusiveAmount{money}>{formats.amount(totals.tax_exclusive)}"
        "</cbc:TaxExclusiveAmount>"
        f"<cbc:TaxInclusiveAmount{money}>{formats.amount(totals.tax_inclusive)}"
        "</cbc:TaxInclusiveAmount>"
        f"<cbc:AllowanceTotalAmount{money}>{formats.amount(totals.allowance_total)}"
        "</cbc:AllowanceTotalAmount>"
        f"<cbc:ChargeTotalAmount{money}>{formats.amount(totals.charge_total)}"
        "</cbc:ChargeTotalAmount>"
        f"<cbc:PrepaidAmount{money}>{formats.amount(totals.prepaid)}</cbc:PrepaidAmount>"
        f"{rounding}"
        f"<cbc:PayableAmount{money}>{formats.amount(totals.payable)}</cbc:PayableAmount>"
        f"</{tag}>"
    )


def money_attribute(currency: str) -> str:
    """`` currencyID="…"``; raises ``NotAsText`` for a value the text cannot carry."""
    return f' currencyID="{_attribute(currency)}"'


@functools.lru_cache(maxsize=256)
def _tax_category(scheme_code: str, percent: Decimal | None) -> str:
    """``cac:TaxCategory`` for a scheme and rate (``core.ubl.taxes._tax_category``)."""
    found = catalogs.tax_scheme(scheme_code)
    rate = "" if percent is None else f"<cbc:Percent>{formats.percent(percent)}</cbc:Percent>"
    return (
        f"<cac:TaxCategory>{rate}<cac:TaxScheme><cbc:ID>{_text(scheme_code)}</cbc:ID>"
        f"<cbc:Name>{_text(found.name if found else scheme_code)}</cbc:Name>"
        "</cac:TaxScheme></cac:TaxCategory>"
    )


@functools.lru_cache(maxsize=4096)
def _item(
    description: str,
    code: str | None,
    standard: StandardItemId | None,
    brand_name: str | None,
    model_name: str | None,
) -> str:
    """``cac:Item`` (``core.ubl.lines._item``)."""
    parts = [f"<cac:Item><cbc:Description>{_text(description)}</cbc:Description>"]
    if brand_name:
        parts.append(f"<cbc:BrandName>{_text(brand_name)}</cbc:BrandName>")
    if model_name:
        parts.append(f"<cbc:ModelName>{_text(model_name)}</cbc:ModelName>")
    if code:
        parts.append(
            f"<cac:SellersItemIdentification><cbc:ID>{_text(code)}</cbc:ID>"
            "</cac:SellersItemIdentification>"
        )
    if standard is not None:
        scheme = catalogs.item_id_scheme(standard.scheme_id)
        name = "" if scheme is None else f' schemeName="{_attribute(scheme.name)}"'
        parts.append(
            f'<cac:StandardItemIdentification><cbc:ID schemeID="{_attribute(standard.scheme_id)}"'
            f"{name}>{_text(standard.id)}</cbc:ID></cac:StandardItemIdentification>"
        )
    parts.append("</cac:Item>")
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _price(unit_price: Decimal, unit_code: str, currency: str) -> str:
    """``cac:Price`` for a unit price per BaseQuantity 1 (``core.ubl.lines._price``)."""
    return (
        f'<cac:Price><cbc:PriceAmount currencyID="{_attribute(currency)}">'
        f"{formats.amount(unit_price)}</cbc:PriceAmount>"
        f'<cbc:BaseQuantity unitCode="{_attribute(unit_code)}">'
        f"{formats.quantity(_ONE)}</cbc:BaseQuantity></cac:Price>"
    )
