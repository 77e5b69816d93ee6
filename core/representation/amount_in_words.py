"""The total in Spanish words, as Colombian invoices print it ("... PESOS M/CTE")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

_CENT = Decimal("0.01")
_MILLION = 1_000_000


def amount_in_words(amount: Decimal, currency: str = "COP") -> str:
    """``1250000.50`` COP -> ``UN MILLÓN DOSCIENTOS CINCUENTA MIL PESOS CON CINCUENTA
    CENTAVOS M/CTE``; another currency keeps its ISO code (``... CON 50/100 USD``).

    Spanish shortens "uno" before a noun (``VEINTIÚN PESOS``) and says ``UN MILLÓN DE PESOS``
    for whole millions: num2words gives the bare number, so both are applied here.
    """
    amount = abs(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    units = int(amount)
    cents = int((amount - units) * 100)
    words = _before_noun(num2words(units, lang="es"))
    if currency != "COP":
        return f"{words} CON {cents:02d}/100 {currency}".upper()
    of = " de" if units and units % _MILLION == 0 else ""
    text = f"{words}{of} {'peso' if units == 1 else 'pesos'}"
    if cents:
        cents_words = _before_noun(num2words(cents, lang="es"))
        text += f" con {cents_words} {'centavo' if cents == 1 else 'centavos'}"
    return f"{text} M/CTE".upper()


def _before_noun(words: str) -> str:
    """``veintiuno`` -> ``veintiún``, ``treinta y uno`` -> ``treinta y un``, ``uno`` -> ``un``."""
    if words.endswith("veintiuno"):
        return words[: -len("veintiuno")] + "veintiún"
    if words == "uno" or words.endswith(" uno"):
        return words[: -len("uno")] + "un"
    return words
