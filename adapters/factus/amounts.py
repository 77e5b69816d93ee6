"""How Factus v1 computes amounts from tax-included prices (research factus.md §3.1).

Per item, with ``r`` the tax rate, ``d`` the discount rate, ``q`` the (integer) quantity and
``p`` the price **including** tax:

- ``total = p · q · (1 − d)``;
- ``gross_value = taxable_amount = round2(total / (1 + r))``;
- ``tax_amount = total − gross_value`` (the residual, so gross + tax == total exactly);
- ``discount = round2(p / (1 + r) · q · d)`` (the pre-tax discount);
- an item excluded from IVA (``is_excluded`` 1) is not taxed: its gross value is its total and
  its taxable and tax amounts are 0.00.

Document: ``gross_value``, ``taxable_amount`` and ``tax_amount`` are sums over the items;
``total = Σ items.total + surcharges − discounts`` (allowance charges); withholdings never
reduce it. Withholdings per item: ReteIVA (05) on the item's tax amount, the others (06
ReteRenta, 07 ReteICA) on its gross value; summed per code for the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
RETE_IVA = "05"


def round2(amount: Decimal) -> Decimal:
    """Two decimals, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, kw_only=True)
class WithholdingAmount:
    """One withholding of one item: its code (05, 06, 07), rate (percent) and value."""

    code: str
    rate: Decimal
    value: Decimal


@dataclass(frozen=True, kw_only=True)
class ItemAmounts:
    total: Decimal
    gross_value: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    discount: Decimal
    withholdings: tuple[WithholdingAmount, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DocumentAmounts:
    items: tuple[ItemAmounts, ...]
    gross_value: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    discount_amount: Decimal  # document-level discounts (allowance charges)
    surcharge_amount: Decimal  # document-level surcharges
    total: Decimal
    withholdings: tuple[tuple[str, Decimal], ...]  # (code, value), summed per code


def item_amounts(
    *,
    price: Decimal,
    quantity: int,
    discount_rate: Decimal,
    tax_rate: Decimal,
    is_excluded: bool,
    withholdings: Sequence[tuple[str, Decimal]] = (),
) -> ItemAmounts:
    """One item's amounts (§3.1); ``withholdings`` are ``(code, rate percent)`` pairs."""
    d = discount_rate / HUNDRED
    total = round2(price * quantity * (1 - d))
    if is_excluded:
        gross = taxable = total
        tax = ZERO
        taxable = ZERO
        divisor = Decimal(1)
    else:
        divisor = 1 + tax_rate / HUNDRED
        gross = taxable = round2(total / divisor)
        tax = total - gross
    discount = round2(price / divisor * quantity * d)
    held = tuple(
        WithholdingAmount(
            code=code,
            rate=rate,
            value=round2((tax if code == RETE_IVA else gross) * rate / HUNDRED),
        )
        for code, rate in withholdings
    )
    return ItemAmounts(
        total=total,
        gross_value=gross,
        taxable_amount=taxable,
        tax_amount=tax,
        discount=discount,
        withholdings=held,
    )


def document_amounts(
    items: Sequence[ItemAmounts], charges: Iterable[tuple[bool, Decimal]] = ()
) -> DocumentAmounts:
    """The document's amounts; ``charges`` are ``(is_surcharge, amount)`` allowance charges."""
    charges = tuple(charges)
    surcharges = sum((round2(a) for s, a in charges if s), ZERO)
    discounts = sum((round2(a) for s, a in charges if not s), ZERO)
    per_code: dict[str, Decimal] = {}
    for item in items:
        for held in item.withholdings:
            per_code[held.code] = per_code.get(held.code, ZERO) + held.value
    return DocumentAmounts(
        items=tuple(items),
        gross_value=sum((i.gross_value for i in items), ZERO),
        taxable_amount=sum((i.taxable_amount for i in items), ZERO),
        tax_amount=sum((i.tax_amount for i in items), ZERO),
        discount_amount=discounts,
        surcharge_amount=surcharges,
        total=sum((i.total for i in items), ZERO) + surcharges - discounts,
        withholdings=tuple(sorted(per_code.items())),
    )
