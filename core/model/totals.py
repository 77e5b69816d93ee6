"""Computed totals: what the totals engine (core/totals.py) returns and the UBL builders print.

All amounts are ``Decimal`` already rounded to DIAN's two decimals.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec


class TaxSubtotal(msgspec.Struct, frozen=True, kw_only=True):
    """One ``cac:TaxSubtotal``: a scheme at one rate (or one per-unit amount)."""

    scheme: str  # 01, 04, 22, 05 ...
    taxable_amount: Decimal
    tax_amount: Decimal
    percent: Decimal | None = None
    per_unit_amount: Decimal | None = None
    base_unit_measure: Decimal | None = None  # quantity the per-unit amount applies to
    unit_code: str | None = None


class TaxTotal(msgspec.Struct, frozen=True, kw_only=True):
    """One ``cac:TaxTotal`` (or ``cac:WithholdingTaxTotal``) per scheme (FAS01b)."""

    scheme: str
    tax_amount: Decimal
    subtotals: tuple[TaxSubtotal, ...]


class AllowanceChargeAmount(msgspec.Struct, frozen=True, kw_only=True):
    """A line or document allowance/charge with its resolved amount and base."""

    is_charge: bool
    amount: Decimal
    base_amount: Decimal
    percent: Decimal | None = None
    reason_code: str | None = None
    reason: str | None = None


class LineTotals(msgspec.Struct, frozen=True, kw_only=True):
    """Per line: LineExtensionAmount (qty × price − allowances + charges) and its taxes."""

    line_extension: Decimal
    allowances_charges: tuple[AllowanceChargeAmount, ...] = ()
    tax_totals: tuple[TaxTotal, ...] = ()
    withholding_totals: tuple[TaxTotal, ...] = ()


class MonetaryTotals(msgspec.Struct, frozen=True, kw_only=True):
    """``cac:LegalMonetaryTotal`` / ``cac:RequestedMonetaryTotal`` (FAU02/04/06/08/14)."""

    line_extension: Decimal
    tax_exclusive: Decimal
    tax_inclusive: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    prepaid: Decimal
    payable_rounding: Decimal
    payable: Decimal


class Totals(msgspec.Struct, frozen=True, kw_only=True):
    """Everything computed from a canonical document's lines and document-level terms."""

    lines: tuple[LineTotals, ...]
    allowances_charges: tuple[AllowanceChargeAmount, ...]
    tax_totals: tuple[TaxTotal, ...]
    withholding_totals: tuple[TaxTotal, ...]
    monetary: MonetaryTotals

    def tax_amount(self, scheme: str) -> Decimal:
        """Total of one scheme (``0`` when absent), as the CUFE's ValImp fields need."""
        return sum((t.tax_amount for t in self.tax_totals if t.scheme == scheme), Decimal("0"))
