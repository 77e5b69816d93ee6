"""The NIT check digit (dígito de verificación, DV), as DIAN recomputes it (FAJ24, FAK24, FAB22).

Weights, from the rightmost digit leftwards: 3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59,
67, 71. ``r = Σ digit × weight mod 11``; the DV is ``r`` when ``r`` is 0 or 1, else ``11 − r``.
"""

from __future__ import annotations

WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)


def check_digit(nit: str) -> str:
    """DV of a NIT given without its DV (digits only, up to 15; e.g. ``800197268`` → ``4``).

    Raises ``ValueError`` for anything but 1..15 ASCII digits: a NIT with dots, dashes or the
    DV attached is a caller bug to fix, not something to guess about.
    """
    if not (nit.isascii() and nit.isdigit()) or not 1 <= len(nit) <= len(WEIGHTS):
        raise ValueError(f"NIT inválido: {nit!r}")
    remainder = sum(int(d) * w for d, w in zip(reversed(nit), WEIGHTS, strict=False)) % 11
    return str(remainder if remainder <= 1 else 11 - remainder)


def is_valid_nit(nit: str, dv: str | None) -> bool:
    """Whether ``dv`` is the check digit of ``nit`` (``False`` for malformed input)."""
    try:
        return dv is not None and check_digit(nit) == dv.strip()
    except ValueError:
        return False
