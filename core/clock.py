"""Colombian legal time: every date and time the gateway writes is America/Bogota (-05:00)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BOGOTA = ZoneInfo("America/Bogota")


def now_bogota() -> dt.datetime:
    """The current time in Bogotá, second precision is up to the caller."""
    return dt.datetime.now(BOGOTA)


def to_bogota(moment: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to Bogotá time (naive values are taken as Bogotá time)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BOGOTA)
    return moment.astimezone(BOGOTA)
