"""``cac:TaxTotal`` and ``cac:WithholdingTaxTotal`` (research §6.3): one per scheme (FAS01b),
one ``cac:TaxSubtotal`` per rate (FAS04), per-unit taxes with BaseUnitMeasure/PerUnitAmount."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import Decimal
from threading import get_ident

from lxml import etree

from core import catalogs
from core.model import TaxTotal
from core.ubl import formats
from core.ubl.namespaces import CAC, CBC, new_root, sub

_ONE = Decimal("1")


def add_tax_totals(
    parent: etree._Element, totals: Iterable[TaxTotal], currency: str, *, withholding: bool = False
) -> None:
    """Append one ``cac:TaxTotal`` (or ``cac:WithholdingTaxTotal``) per scheme."""
    tag = CAC.WithholdingTaxTotal if withholding else CAC.TaxTotal
    money = {"currencyID": currency}
    for total in totals:
        node = sub(parent, tag)
        sub(node, CBC.TaxAmount, formats.amount(total.tax_amount), money)
        for subtotal in total.subtotals:
            st = sub(node, CAC.TaxSubtotal)
            sub(st, CBC.TaxableAmount, formats.amount(subtotal.taxable_amount), money)
            sub(st, CBC.TaxAmount, formats.amount(subtotal.tax_amount), money)  # FAS07
            if subtotal.per_unit_amount is not None:
                sub(
                    st,
                    CBC.BaseUnitMeasure,
                    formats.quantity(subtotal.base_unit_measure or _ONE),
                    {"unitCode": subtotal.unit_code or "NIU"},
                )
                sub(st, CBC.PerUnitAmount, formats.amount(subtotal.per_unit_amount), money)
            st.append(_tax_category(total.scheme, subtotal.percent, get_ident()).__deepcopy__(None))


@functools.lru_cache(maxsize=256)
def _tax_category(scheme_code: str, percent: Decimal | None, thread: int) -> etree._Element:
    """``cac:TaxCategory`` for a scheme and rate: the same few elements on every line, so it is
    built once (per thread) and copied."""
    category = sub(new_root("Invoice"), CAC.TaxCategory)
    if percent is not None:
        sub(category, CBC.Percent, formats.percent(percent))
    scheme = sub(category, CAC.TaxScheme)
    sub(scheme, CBC.ID, scheme_code)
    found = catalogs.tax_scheme(scheme_code)
    sub(scheme, CBC.Name, found.name if found else scheme_code)
    return category
