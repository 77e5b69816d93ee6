"""Tax rules: valid scheme and rate per line (FAS01b), subtotal arithmetic (FAS04, FAS07).

FAS04/FAS07 always hold for totals from ``core.totals.compute_totals``; :func:`check_tax_totals`
exists for totals a dialect declared itself (and as a guard on our own engine). Gateway ids:
``PAS-S01`` a withholding whose scheme is not 05/06/07, ``PAS-S02`` withholdings on a document
other than an invoice (DIAN accepts ``WithholdingTaxTotal`` only there).
"""

from __future__ import annotations

from decimal import Decimal

from core import catalogs
from core.model import Line, Problem, TaxTotal, Totals
from core.totals import TOTALS_TOLERANCE, percent_of, round_money
from core.validation.lines import negative

ZERO = Decimal(0)


def check_line_taxes(
    line: Line, *, path: str, rule_prefix: str, allows_withholdings: bool
) -> list[Problem]:
    rule = f"{rule_prefix}S01b"
    problems: list[Problem] = []
    for index, tax in enumerate(line.taxes):
        here = f"{path}.taxes[{index}]"
        scheme = catalogs.tax_scheme(tax.scheme)
        if scheme is None or scheme.is_withholding:
            kind = "es una retención" if scheme is not None else "no está en la lista de la DIAN"
            problems.append(
                Problem(
                    path=f"{here}.scheme", rule=rule, message=f"El tributo {tax.scheme!r} {kind}."
                )
            )
            continue
        if catalogs.is_per_unit_scheme(tax.scheme):
            if tax.per_unit_amount is None:
                problems.append(
                    Problem(
                        path=f"{here}.per_unit_amount",
                        rule=rule,
                        message=(
                            f"El tributo {scheme.code} ({scheme.name}) se liquida por "
                            "unidad: falta el valor por unidad."
                        ),
                    )
                )
            elif tax.per_unit_amount < ZERO:
                problems.append(
                    negative(f"{here}.per_unit_amount", "El valor por unidad del tributo")
                )
            if tax.per_unit_base_quantity is not None and tax.per_unit_base_quantity < ZERO:
                problems.append(
                    negative(f"{here}.per_unit_base_quantity", "La base por unidad del tributo")
                )
            continue
        if tax.percent is None:
            problems.append(
                Problem(
                    path=f"{here}.percent",
                    rule=rule,
                    message=f"Falta el porcentaje del tributo {scheme.code} ({scheme.name}).",
                )
            )
        elif tax.percent < ZERO:
            problems.append(negative(f"{here}.percent", "El porcentaje del tributo"))
        elif not catalogs.is_valid_rate(tax.scheme, tax.percent):
            rates = ", ".join(str(r) for r in sorted(catalogs.tax_rates(tax.scheme)))
            problems.append(
                Problem(
                    path=f"{here}.percent",
                    rule=rule,
                    message=(
                        f"Tributo {scheme.name} ({scheme.code}) informado no coincide, revisar "
                        "Porcentaje, "
                        f"Nombre y ID: {tax.percent} % no es una tarifa válida ({rates})."
                    ),
                )
            )
        elif tax.percent != tax.percent.quantize(Decimal("0.001")):
            problems.append(
                Problem(
                    path=f"{here}.percent",
                    rule=rule,
                    message=f"El porcentaje del tributo admite máximo 3 decimales ({tax.percent}).",
                )
            )
    for index, withholding in enumerate(line.withholdings):
        here = f"{path}.withholdings[{index}]"
        scheme = catalogs.tax_scheme(withholding.scheme)
        if not allows_withholdings:
            problems.append(
                Problem(
                    path=here,
                    rule="PAS-S02",
                    message="Las retenciones solo se informan en facturas y documentos soporte.",
                )
            )
        if scheme is None or not scheme.is_withholding:
            problems.append(
                Problem(
                    path=f"{here}.scheme",
                    rule="PAS-S01",
                    message=(
                        f"{withholding.scheme!r} no es una retención (05 ReteIVA, 06 "
                        "ReteRenta, 07 ReteICA)."
                    ),
                )
            )
        if withholding.percent < ZERO:
            problems.append(negative(f"{here}.percent", "El porcentaje de la retención"))
        if withholding.base is not None and withholding.base < ZERO:
            problems.append(negative(f"{here}.base", "La base de la retención"))
    return problems


def check_tax_totals(totals: Totals, *, rule_prefix: str) -> list[Problem]:
    """FAS04 (one subtotal per rate in each document TaxTotal) and FAS07 (TaxAmount arithmetic).

    Line subtotals must be exact to the cent; document subtotals are sums of rounded line
    values, so they may drift from ``base × %`` by up to :data:`core.totals.TOTALS_TOLERANCE`.
    """
    p = rule_prefix
    problems: list[Problem] = []
    for t_index, total in enumerate(totals.tax_totals):
        path = f"tax_totals[{t_index}]"
        rates = [(s.percent, s.per_unit_amount, s.unit_code) for s in total.subtotals]
        if len(set(rates)) != len(rates):
            problems.append(
                Problem(
                    path=path,
                    rule=f"{p}S04",
                    message=f"El tributo {total.scheme} debe tener un solo TaxSubtotal por tarifa.",
                )
            )
        problems.extend(_check_total(total, path=path, rule_prefix=p, tolerance=TOTALS_TOLERANCE))
    for l_index, line in enumerate(totals.lines):
        for t_index, total in enumerate(line.tax_totals):
            path = f"lines[{l_index}].tax_totals[{t_index}]"
            problems.extend(
                _check_total(total, path=path, rule_prefix=p, tolerance=Decimal("0.01"))
            )
    return problems


def _check_total(
    total: TaxTotal, *, path: str, rule_prefix: str, tolerance: Decimal
) -> list[Problem]:
    problems: list[Problem] = []
    for s_index, s in enumerate(total.subtotals):
        if s.per_unit_amount is not None:
            expected = round_money((s.base_unit_measure or ZERO) * s.per_unit_amount)
        elif s.percent is not None:
            expected = percent_of(s.taxable_amount, s.percent)
        else:
            continue
        if abs(s.tax_amount - expected) > tolerance:
            problems.append(
                Problem(
                    path=f"{path}.subtotals[{s_index}].tax_amount",
                    rule=f"{rule_prefix}S07",
                    message=(
                        f"El valor del tributo {s.scheme} ({s.tax_amount}) no corresponde a la "
                        "base por "
                        f"la tarifa ({expected})."
                    ),
                )
            )
    if abs(total.tax_amount - sum((s.tax_amount for s in total.subtotals), ZERO)) > Decimal("0.01"):
        problems.append(
            Problem(
                path=f"{path}.tax_amount",
                rule=f"{rule_prefix}S07",
                message=f"El total del tributo {total.scheme} debe ser la suma de sus TaxSubtotal.",
            )
        )
    return problems
