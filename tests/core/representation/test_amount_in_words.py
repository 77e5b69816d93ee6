"""The total in Spanish words, the way Colombian invoices print it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.representation.amount_in_words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "CERO PESOS M/CTE"),
        ("1", "UN PESO M/CTE"),
        ("21", "VEINTIÚN PESOS M/CTE"),
        ("31.01", "TREINTA Y UN PESOS CON UN CENTAVO M/CTE"),
        ("101", "CIENTO UN PESOS M/CTE"),
        ("1000000", "UN MILLÓN DE PESOS M/CTE"),
        ("2000000.50", "DOS MILLONES DE PESOS CON CINCUENTA CENTAVOS M/CTE"),
        (
            "1234567.89",
            "UN MILLÓN DOSCIENTOS TREINTA Y CUATRO MIL QUINIENTOS SESENTA Y SIETE PESOS "
            "CON OCHENTA Y NUEVE CENTAVOS M/CTE",
        ),
    ],
)
def test_pesos_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def test_another_currency_keeps_its_code_and_cents_as_a_fraction() -> None:
    assert amount_in_words(Decimal("12.5"), "USD") == "DOCE CON 50/100 USD"
