"""The totals engine: line amounts, taxes per scheme and rate, and the monetary total (FAU rules).

Rounding: every amount DIAN reads is rounded to two decimals with ROUND_HALF_UP **at line
level** (line extension, each allowance/charge, each line tax), and document amounts are sums
of those rounded values. DIAN's FAU02/FAU04/FAU06 rules compare document totals with the sums
of the printed line values, so summing rounded values makes them hold exactly; rounding the
document sums again from unrounded parts could differ by a cent per line.

Formulas (Anexo 1.9 as quoted by research ``dian-tech.md`` §6.3 and Odoo's l10n_co_dian):

- line: ``LineExtensionAmount = round(qty × price) − allowances + charges``; a percent
  allowance/charge applies to ``round(qty × price)`` unless it names its own base. Free-of-charge
  lines (reference price) extend to 0 and are taxed on ``qty × reference price``.
- percent taxes: ``TaxAmount = round(TaxableAmount × % / 100)`` with ``TaxableAmount`` the line
  extension (FAS07). Per-unit taxes (22 INC bolsas, 32 ICL, 34 IBUA): ``TaxAmount =
  round(units × PerUnitAmount)`` with ``units`` the tax's ``per_unit_base_quantity`` or the line
  quantity, printed as ``BaseUnitMeasure``; their ``TaxableAmount`` is 0.00.
- withholdings (05 ReteIVA, 06 ReteRenta, 07 ReteICA): base = the given base, else the line's
  IVA amount for ReteIVA, else the line extension; they go to ``WithholdingTaxTotal`` only and
  never change a monetary total.
- document ``TaxTotal``: one per scheme, one ``TaxSubtotal`` per rate (FAS04), summed over lines.
- ``LineExtensionAmount`` = Σ lines (FAU02); ``TaxExclusiveAmount`` = Σ taxable base of the
  lines that carry a tax, each line counted once even with several taxes (FAU04: a line with IVA
  and INC has one base; a line with only per-unit taxes adds their 0.00 taxable amount);
  ``TaxInclusiveAmount`` = line extension + Σ taxes (FAU06); ``AllowanceTotalAmount`` /
  ``ChargeTotalAmount`` = Σ document-level allowances / charges (FAU08, FAU10); ``PrepaidAmount``
  = Σ prepaid payments (FAU12); ``PayableAmount`` = tax inclusive − allowances + charges +
  rounding (FAU14).

Prepaid amounts are reported but **not** subtracted from ``PayableAmount``: Odoo's DIAN module,
which DIAN accepts in production, documents the validator as ``PayableAmount = TaxInclusive −
Allowance + Charge`` ("PrepaidAmount is not used in the PayableAmount"); the simulator checks the
same formula through :func:`payable_amount`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from core.catalogs.taxes import PER_UNIT_TAX_UNITS
from core.model import (
    AllowanceCharge,
    AllowanceChargeAmount,
    Document,
    Line,
    LineTotals,
    MonetaryTotals,
    Problem,
    Tax,
    TaxSubtotal,
    TaxTotal,
    Totals,
    Withholding,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
IVA = "01"
RETE_IVA = "05"

# Declared totals within this distance of the computed ones pass (FAU rules). The Anexo's own
# tolerance is not in our sources; one peso absorbs a sender that rounds per document instead of
# per line, and never hides a wrong line.
TOTALS_TOLERANCE = Decimal("1.00")


def round_money(amount: Decimal) -> Decimal:
    """Two decimals, half up: how every amount DIAN reads is rounded."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(base: Decimal, percent: Decimal) -> Decimal:
    """``round(base × percent / 100)``: tax, withholding and percent allowance amounts (FAS07)."""
    return round_money(base * percent / HUNDRED)


def payable_amount(
    tax_inclusive: Decimal, allowance_total: Decimal, charge_total: Decimal, rounding: Decimal
) -> Decimal:
    """``PayableAmount`` (FAU14): prepaid amounts do not enter (see the module docstring)."""
    return tax_inclusive - allowance_total + charge_total + rounding


def compute_totals(document: Document) -> Totals:
    """Everything the UBL builder prints and the CUFE needs, from the canonical document.

    Raises ``ValueError`` when a tax has neither a percent nor a per-unit amount (pre-flight
    reports that as FAS01b before calling this).
    """
    lines = tuple(_line_totals(line) for line in document.lines)
    line_extension = sum((lt.line_extension for lt in lines), ZERO)

    allowances_charges = tuple(
        _resolve_allowance_charge(ac, default_base=line_extension)
        for ac in document.allowances_charges
    )
    allowance_total = sum((a.amount for a in allowances_charges if not a.is_charge), ZERO)
    charge_total = sum((a.amount for a in allowances_charges if a.is_charge), ZERO)

    tax_totals = _merge_tax_totals(t for lt in lines for t in lt.tax_totals)
    withholding_totals = _merge_tax_totals(w for lt in lines for w in lt.withholding_totals)
    taxes = sum((t.tax_amount for t in tax_totals), ZERO)
    tax_exclusive = sum(
        (
            max(s.taxable_amount for t in lt.tax_totals for s in t.subtotals)
            for lt in lines
            if lt.tax_totals
        ),
        ZERO,
    )
    tax_inclusive = line_extension + taxes
    prepaid = sum((round_money(p.amount) for p in document.prepaid_payments), ZERO)
    rounding = round_money(document.payable_rounding)

    return Totals(
        lines=lines,
        allowances_charges=allowances_charges,
        tax_totals=tax_totals,
        withholding_totals=withholding_totals,
        monetary=MonetaryTotals(
            line_extension=line_extension,
            tax_exclusive=tax_exclusive,
            tax_inclusive=tax_inclusive,
            allowance_total=allowance_total,
            charge_total=charge_total,
            prepaid=prepaid,
            payable_rounding=rounding,
            payable=payable_amount(tax_inclusive, allowance_total, charge_total, rounding),
        ),
    )


def _line_totals(line: Line) -> LineTotals:
    gross = round_money(line.quantity * line.unit_price)
    allowances_charges = tuple(
        _resolve_allowance_charge(ac, default_base=gross) for ac in line.allowances_charges
    )
    if line.free_of_charge is not None:
        extension = ZERO
        tax_base = round_money(line.quantity * line.free_of_charge.price)
    else:
        extension = gross + sum(
            (a.amount if a.is_charge else -a.amount for a in allowances_charges), ZERO
        )
        tax_base = extension

    subtotals = [_tax_subtotal(tax, line.quantity, tax_base) for tax in line.taxes]
    tax_totals = _line_tax_totals(subtotals)
    iva = sum((s.tax_amount for s in subtotals if s.scheme == IVA), ZERO)
    withholdings = _line_tax_totals(
        [_withholding_subtotal(w, tax_base, iva) for w in line.withholdings]
    )
    return LineTotals(
        line_extension=extension,
        allowances_charges=allowances_charges,
        tax_totals=tax_totals,
        withholding_totals=withholdings,
    )


def _line_tax_totals(subtotals: list[TaxSubtotal]) -> tuple[TaxTotal, ...]:
    """One TaxTotal per scheme of a line: what ``_merge_tax_totals`` gives, built directly in
    the usual case of one subtotal per scheme."""
    if len({s.scheme for s in subtotals}) == len(subtotals):
        return tuple(
            TaxTotal(scheme=s.scheme, tax_amount=ZERO + s.tax_amount, subtotals=(s,))
            for s in subtotals
        )
    return _merge_tax_totals(
        TaxTotal(scheme=s.scheme, tax_amount=s.tax_amount, subtotals=(s,)) for s in subtotals
    )


def _tax_subtotal(tax: Tax, quantity: Decimal, base: Decimal) -> TaxSubtotal:
    if tax.per_unit_amount is not None:
        units = tax.per_unit_base_quantity if tax.per_unit_base_quantity is not None else quantity
        return TaxSubtotal(
            scheme=tax.scheme,
            taxable_amount=ZERO,
            tax_amount=round_money(units * tax.per_unit_amount),
            per_unit_amount=round_money(tax.per_unit_amount),
            base_unit_measure=units,
            unit_code=tax.per_unit_unit_code or PER_UNIT_TAX_UNITS.get(tax.scheme, "NIU"),
        )
    if tax.percent is None:
        raise ValueError(f"el tributo {tax.scheme} no tiene porcentaje ni valor por unidad")
    return TaxSubtotal(
        scheme=tax.scheme,
        taxable_amount=base,
        tax_amount=percent_of(base, tax.percent),
        percent=tax.percent,
    )


def _withholding_subtotal(
    withholding: Withholding, line_base: Decimal, iva: Decimal
) -> TaxSubtotal:
    if withholding.base is not None:
        base = round_money(withholding.base)
    elif withholding.scheme == RETE_IVA:
        base = iva
    else:
        base = line_base
    return TaxSubtotal(
        scheme=withholding.scheme,
        taxable_amount=base,
        tax_amount=percent_of(base, withholding.percent),
        percent=withholding.percent,
    )


def _resolve_allowance_charge(
    ac: AllowanceCharge, *, default_base: Decimal
) -> AllowanceChargeAmount:
    base = round_money(ac.base_amount) if ac.base_amount is not None else default_base
    if ac.amount is not None:
        amount = round_money(ac.amount)
        percent = ac.percent
        if percent is None and base:
            percent = round_money(amount * HUNDRED / base)
    elif ac.percent is not None:
        amount = percent_of(base, ac.percent)
        percent = ac.percent
    else:
        raise ValueError("un descuento o cargo necesita porcentaje o valor")
    return AllowanceChargeAmount(
        is_charge=ac.is_charge,
        amount=amount,
        base_amount=base,
        percent=percent,
        reason_code=ac.reason_code,
        reason=ac.reason,
    )


def _subtotal_key(s: TaxSubtotal) -> tuple[object, ...]:
    return (s.percent, s.per_unit_amount, s.unit_code)


def _merge_tax_totals(totals: Iterable[TaxTotal]) -> tuple[TaxTotal, ...]:
    """One TaxTotal per scheme and one subtotal per rate, in order of first appearance."""
    by_scheme: dict[str, dict[tuple[object, ...], TaxSubtotal]] = {}
    for total in totals:
        rates = by_scheme.setdefault(total.scheme, {})
        for s in total.subtotals:
            key = _subtotal_key(s)
            seen = rates.get(key)
            if seen is None:
                rates[key] = s
                continue
            units = (
                None
                if s.base_unit_measure is None
                else (seen.base_unit_measure or Decimal(0)) + s.base_unit_measure
            )
            rates[key] = TaxSubtotal(
                scheme=s.scheme,
                taxable_amount=seen.taxable_amount + s.taxable_amount,
                tax_amount=seen.tax_amount + s.tax_amount,
                percent=s.percent,
                per_unit_amount=s.per_unit_amount,
                base_unit_measure=units,
                unit_code=s.unit_code,
            )
    return tuple(
        TaxTotal(
            scheme=scheme,
            tax_amount=sum((s.tax_amount for s in rates.values()), ZERO),
            subtotals=tuple(rates.values()),
        )
        for scheme, rates in by_scheme.items()
    )


_DECLARED_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    # field, rule suffix, UBL element, what it must equal
    ("line_extension", "U02", "LineExtensionAmount", "la suma de los valores de las líneas"),
    ("tax_exclusive", "U04", "TaxExclusiveAmount", "la suma de las bases gravables de las líneas"),
    ("tax_inclusive", "U06", "TaxInclusiveAmount", "el valor bruto más los tributos"),
    ("allowance_total", "U08", "AllowanceTotalAmount", "la suma de los descuentos del documento"),
    ("charge_total", "U10", "ChargeTotalAmount", "la suma de los cargos del documento"),
    ("prepaid", "U12", "PrepaidAmount", "la suma de los anticipos"),
    (
        "payable",
        "U14",
        "PayableAmount",
        "el valor con tributos menos descuentos más cargos y redondeo",
    ),
)


def check_declared_totals(document: Document, totals: Totals, rule_prefix: str) -> list[Problem]:
    """Compare the totals a dialect sent (``document.declared_totals``) with the computed ones.

    Rule ids take the document type's prefix (``FA`` → FAU02, ``CA`` → CAU02, ``DA`` → DAU02).
    Differences up to :data:`TOTALS_TOLERANCE` pass; the computed values are what gets printed.
    """
    declared = document.declared_totals
    if declared is None:
        return []
    problems: list[Problem] = []
    for field, suffix, element, meaning in _DECLARED_FIELDS:
        sent = getattr(declared, field)
        if sent is None:
            continue
        expected = getattr(totals.monetary, field)
        if abs(sent - expected) > TOTALS_TOLERANCE:
            problems.append(
                Problem(
                    path=f"declared_totals.{field}",
                    rule=f"{rule_prefix}{suffix}",
                    message=(
                        f"{element} informado ({sent}) no coincide con el calculado "
                        f"({expected}): debe ser {meaning}."
                    ),
                )
            )
    return problems
