"""Line rules (FAV01, FAV04b, FAV05, FAZ02), allowances/charges and non-negative amounts (VLR01).

Line ids (DIBC05a/b: unique, consecutive from 1) are not checked: lines are a tuple and the UBL
builder numbers them 1..n, so they hold by construction. Gateway ids: ``PAS-V01`` unknown
discount reason code, ``PAS-V02`` allowance/charge without percent or amount, ``PAS-V03`` unknown
standard item scheme, ``PAS-V04`` unknown reference price code, ``PAS-V05`` percent above 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core import catalogs
from core.model import AllowanceCharge, Document, Line, Problem

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def negative(path: str, what: str) -> Problem:
    """VLR01: DIAN accepts no negative amount or percentage except PayableRoundingAmount."""
    return Problem(path=path, rule="VLR01", message=f"{what} no puede ser negativo.")


def check_lines(document: Document, *, rule_prefix: str) -> list[Problem]:
    p = rule_prefix
    if not document.lines:
        return [
            Problem(
                path="lines", rule=f"{p}V01", message="El documento debe tener al menos una línea."
            )
        ]
    problems: list[Problem] = []
    for index, line in enumerate(document.lines):
        problems.extend(_check_line(line, path=f"lines[{index}]", rule_prefix=p))
    return problems


def _check_line(line: Line, *, path: str, rule_prefix: str) -> list[Problem]:
    p = rule_prefix
    problems: list[Problem] = []
    if line.quantity <= ZERO:
        problems.append(
            Problem(
                path=f"{path}.quantity",
                rule=f"{p}V04b",
                message=f"La cantidad debe ser mayor que cero (se recibió {line.quantity}).",
            )
        )
    if not catalogs.is_unit_code(line.unit_code):
        problems.append(
            Problem(
                path=f"{path}.unit_code",
                rule=f"{p}V05",
                message=f"La unidad de medida {line.unit_code!r} no está en la lista de la DIAN.",
            )
        )
    if not line.description.strip():
        problems.append(
            Problem(
                path=f"{path}.description",
                rule=f"{p}Z02",
                message="Falta la descripción del artículo o servicio.",
            )
        )
    if line.unit_price < ZERO:
        problems.append(negative(f"{path}.unit_price", "El precio unitario"))
    if (
        line.standard_item_id is not None
        and catalogs.item_id_scheme(line.standard_item_id.scheme_id) is None
    ):
        problems.append(
            Problem(
                path=f"{path}.standard_item_id.scheme_id",
                rule="PAS-V03",
                message=(
                    "Estándar de identificación del artículo no válido: "
                    f"{line.standard_item_id.scheme_id!r} "
                    "(001 UNSPSC, 010 GTIN, 999 estándar del contribuyente)."
                ),
            )
        )
    if line.free_of_charge is not None:
        if catalogs.reference_price_code(line.free_of_charge.price_type_code) is None:
            problems.append(
                Problem(
                    path=f"{path}.free_of_charge.price_type_code",
                    rule="PAS-V04",
                    message=(
                        "Código de precio de referencia no válido: "
                        f"{line.free_of_charge.price_type_code!r}."
                    ),
                )
            )
        if line.free_of_charge.price < ZERO:
            problems.append(negative(f"{path}.free_of_charge.price", "El precio de referencia"))
    problems.extend(
        check_allowances_charges(line.allowances_charges, path=f"{path}.allowances_charges")
    )
    return problems


def check_allowances_charges(items: Sequence[AllowanceCharge], *, path: str) -> list[Problem]:
    """Shape and sign of line or document allowances/charges."""
    problems: list[Problem] = []
    for index, ac in enumerate(items):
        here = f"{path}[{index}]"
        what = "El cargo" if ac.is_charge else "El descuento"
        if ac.percent is None and ac.amount is None:
            problems.append(
                Problem(
                    path=here, rule="PAS-V02", message=f"{what} necesita un porcentaje o un valor."
                )
            )
        for field, value in (
            ("percent", ac.percent),
            ("amount", ac.amount),
            ("base_amount", ac.base_amount),
        ):
            if value is not None and value < ZERO:
                problems.append(negative(f"{here}.{field}", f"{what} ({field})"))
        if ac.percent is not None and ac.percent > HUNDRED:
            problems.append(
                Problem(
                    path=f"{here}.percent",
                    rule="PAS-V05",
                    message=f"{what} no puede superar el 100 %.",
                )
            )
        if (
            not ac.is_charge
            and ac.reason_code is not None
            and catalogs.discount_code(ac.reason_code) is None
        ):
            problems.append(
                Problem(
                    path=f"{here}.reason_code",
                    rule="PAS-V01",
                    message=f"Código de descuento no válido: {ac.reason_code!r}.",
                )
            )
    return problems
