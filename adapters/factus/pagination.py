"""Factus' lists: ``data: {data: [...], pagination: {...}}`` with Laravel's paginator object
in Spanish (research §2 "Pagination object")::

    {"total": 162, "per_page": 10, "current_page": 1, "last_page": 17, "from": 1, "to": 10,
     "links": [{"url": null, "label": "&laquo; Anterior", "active": false},
               {"url": ".../v1/bills?page=1", "label": 1, "active": true, "page": 1}, ...,
               {"url": null, "label": "...", "active": false}, ...,
               {"url": ".../v1/bills?page=2", "label": "Siguiente &raquo;", "active": false,
                "page": 2}]}

The numbered links follow Laravel's window (three pages each side of the current one; every
page when there are fewer than 14); a page past the last gives empty ``data`` with ``from``
and ``to`` null. Links keep the request's other query parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

PER_PAGE = 10
ON_EACH_SIDE = 3
MAX_PAGE = 1_000_000
PREVIOUS, NEXT, DOTS = "&laquo; Anterior", "Siguiente &raquo;", "..."


def page_number(value: str | None) -> int:
    """``?page=`` as Laravel reads it: anything that is not a positive integer is page 1."""
    if value is None or not value.strip().isdigit():
        return 1
    return min(max(1, int(value.strip())), MAX_PAGE)


def _window(current: int, last: int) -> list[list[int] | str]:
    """Laravel's ``UrlWindow`` elements: page runs with ``...`` between them."""
    if last < ON_EACH_SIDE * 2 + 8:
        return [list(range(1, last + 1))]
    window = ON_EACH_SIDE + 4
    if current <= window:
        return [list(range(1, window + ON_EACH_SIDE + 1)), DOTS, [last - 1, last]]
    if current > last - window:
        return [[1, 2], DOTS, list(range(last - (window + ON_EACH_SIDE - 1), last + 1))]
    slider = list(range(current - ON_EACH_SIDE, current + ON_EACH_SIDE + 1))
    return [[1, 2], DOTS, slider, DOTS, [last - 1, last]]


def pagination(
    total: int,
    page: int,
    url: str,
    query: Mapping[str, str] | Sequence[tuple[str, str]] = (),
    per_page: int = PER_PAGE,
) -> dict[str, Any]:
    """The pagination object for ``total`` items on ``page`` of ``url`` (no query string)."""
    last = max(1, math.ceil(total / per_page))
    kept = [
        (key, value)
        for key, value in (query.items() if isinstance(query, Mapping) else query)
        if key != "page"
    ]

    def link(number: int) -> str:
        return f"{url}?{urlencode([*kept, ('page', str(number))])}"

    first_item = (page - 1) * per_page + 1
    shown = first_item <= total
    links: list[dict[str, Any]] = []
    previous = {"url": link(page - 1) if page > 1 else None, "label": PREVIOUS, "active": False}
    if page > 1:
        previous["page"] = page - 1
    links.append(previous)
    for element in _window(page, last):
        if isinstance(element, str):
            links.append({"url": None, "label": DOTS, "active": False})
            continue
        links += [{"url": link(n), "label": n, "active": n == page, "page": n} for n in element]
    following = {"url": link(page + 1) if page < last else None, "label": NEXT, "active": False}
    if page < last:
        following["page"] = page + 1
    links.append(following)
    return {
        "total": total,
        "per_page": per_page,
        "current_page": page,
        "last_page": last,
        "from": first_item if shown else None,
        "to": min(total, page * per_page) if shown else None,
        "links": links,
    }


def page_of(items: Sequence[Any], page: int, per_page: int = PER_PAGE) -> Sequence[Any]:
    start = (page - 1) * per_page
    return items[start : start + per_page]
