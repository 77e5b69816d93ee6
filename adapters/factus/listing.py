"""Factus' pagination object (Laravel's paginator, research §2.7): totals and the links.

``links`` starts with "« Anterior" and ends with "Siguiente »" (``url`` null where there is
no such page) and lists the pages in between as Laravel does with one window of three pages
each side: every page when there are few, else the first two, "...", the pages around the
current one, "..." and the last two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

ON_EACH_SIDE = 3
PREVIOUS, NEXT, DOTS = "&laquo; Anterior", "Siguiente &raquo;", "..."


def page_url(base: str, page: int, kept: Sequence[tuple[str, str]] = ()) -> str:
    """``base?page=N``, after the other query parameters the client sent (its filters)."""
    return f"{base}?{urlencode([*kept, ('page', str(page))])}"


def page_numbers(current: int, last: int) -> list[int | None]:
    """The pages Laravel links to (``None`` for "..."), for ``last`` pages."""
    window = ON_EACH_SIDE + 4
    if last < ON_EACH_SIDE * 2 + 8:
        return list(range(1, last + 1))
    if current <= window:
        return [*range(1, window + ON_EACH_SIDE + 1), None, last - 1, last]
    if current > last - window:
        return [1, 2, None, *range(last - (window + (ON_EACH_SIDE - 1)), last + 1)]
    return [
        1,
        2,
        None,
        *range(current - ON_EACH_SIDE, current + ON_EACH_SIDE + 1),
        None,
        last - 1,
        last,
    ]


def pagination(
    total: int, page: int, per_page: int, base: str, kept: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    last = max(1, -(-total // per_page))
    shown = max(0, min(per_page, total - (page - 1) * per_page))
    links: list[dict[str, Any]] = [
        {
            "url": page_url(base, page - 1, kept) if 1 < page <= last + 1 else None,
            "label": PREVIOUS,
            "active": False,
        }
    ]
    for number in page_numbers(page, last):
        if number is None:
            links.append({"url": None, "label": DOTS, "active": False})
        else:
            links.append(
                {
                    "url": page_url(base, number, kept),
                    "label": number,
                    "active": number == page,
                    "page": number,
                }
            )
    links.append(
        {
            "url": page_url(base, page + 1, kept) if page < last else None,
            "label": NEXT,
            "active": False,
        }
    )
    return {
        "total": total,
        "per_page": per_page,
        "current_page": page,
        "last_page": last,
        "from": (page - 1) * per_page + 1 if shown else None,
        "to": (page - 1) * per_page + shown if shown else None,
        "links": links,
    }
