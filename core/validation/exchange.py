"""Foreign currency: a document not in pesos states how its currency converts to COP.

DIAN reads the COP value of a document in another currency through ``cac:PaymentExchangeRate``
and validates that group with the FAR rules (FAR02–FAR07, as public implementations cite
them; the exact split of ids is unconfirmed): here ``{prefix}R02`` the group is missing,
``{prefix}R05`` the target currency is not COP, ``{prefix}R07`` the rate is not positive (or is
not 1.00 for a document already in pesos).
"""

from __future__ import annotations

from decimal import Decimal

from core.model import Document, Problem

_ONE = Decimal("1")


def check_exchange_rate(document: Document, *, rule_prefix: str) -> list[Problem]:
    """Findings about ``document.exchange_rate`` given ``document.currency``."""
    rate = document.exchange_rate
    if rate is None:
        if document.currency == "COP":
            return []
        return [
            Problem(
                path="exchange_rate",
                rule=f"{rule_prefix}R02",
                message=(
                    f"El documento está en {document.currency}: debe informar la tasa de cambio "
                    "a pesos colombianos (TRM) y su fecha (cac:PaymentExchangeRate)."
                ),
            )
        ]
    problems: list[Problem] = []
    if rate.target_currency != "COP":
        problems.append(
            Problem(
                path="exchange_rate.target_currency",
                rule=f"{rule_prefix}R05",
                message="La moneda destino de la tasa de cambio debe ser COP.",
            )
        )
    if not rate.rate.is_finite() or rate.rate <= 0:
        problems.append(
            Problem(
                path="exchange_rate.rate",
                rule=f"{rule_prefix}R07",
                message="La tasa de cambio (TRM) debe ser un valor mayor que cero.",
            )
        )
    elif document.currency == "COP" and rate.rate != _ONE:
        problems.append(
            Problem(
                path="exchange_rate.rate",
                rule=f"{rule_prefix}R07",
                message="Un documento en pesos colombianos (COP) tiene tasa de cambio 1.00.",
            )
        )
    return problems
