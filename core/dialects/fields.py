"""Checks of single request values that dialects share, each linear in the input's length.

``str.isdigit`` accepts ``²`` and ``٧``; Python's ``\\d`` matches any Unicode digit; an e-mail
pattern with two overlapping ``+`` runs backtracks for seconds on a long input. These helpers
accept exactly ASCII ``0-9`` and scan each character a bounded number of times.
"""

from __future__ import annotations

import datetime as dt
import re

ASCII_DIGITS_PATTERN = r"\A[0-9]+\Z"
"""For ``msgspec.Meta(pattern=...)`` on a numeric text field (``\\Z``: no trailing newline)."""

EMAIL_MAX_LENGTH = 254  # RFC 5321's limit on a forward path, what mail servers accept
_EMAIL_LOCAL_MAX_LENGTH = 64

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def is_ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more of ``0123456789`` and nothing else."""
    return text.isascii() and text.isdigit()


def is_email(text: str) -> bool:
    """A plausible e-mail address: ``local@domain.tld``, no spaces, one ``@``, bounded length.

    Deliberately loose (DIAN only carries the address; the mail server is the judge), and
    linear: a few passes over the text, no pattern that can backtrack.
    """
    if not 3 <= len(text) <= EMAIL_MAX_LENGTH or text.count("@") != 1:
        return False
    if any(char.isspace() for char in text):
        return False
    local, _, domain = text.partition("@")
    if not local or len(local) > _EMAIL_LOCAL_MAX_LENGTH:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels)


def parse_iso_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` in ASCII digits as a date, or ``None`` when it is not a calendar date."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_bounded_int(text: str | None, *, default: int, minimum: int, maximum: int) -> int | None:
    """A query parameter as an integer in ``minimum..maximum`` (``default`` when absent or
    empty), or ``None``: non-ASCII digits, signs and values past ``maximum`` never reach
    ``int()`` or the database (a 5,000-digit number is refused by its length first)."""
    if text is None or text == "":
        return default
    text = text.strip()
    if not is_ascii_digits(text):
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(maximum)):
        return None
    value = int(significant)
    return value if minimum <= value <= maximum else None
