"""When a document may be dated (FAD09e).

DIAN compares the XAdES ``SigningTime`` date with ``IssueDate`` (FAD09e) and the date it
receives the document; a document dated far from today is a mistake or a rejection waiting to
happen. Like Odoo's DIAN module we refuse dates more than :data:`MAX_DAYS_BEFORE` days before
today or :data:`MAX_DAYS_AFTER` days after it (Bogotá) as errors, and warn about any other day
than today.
"""

from __future__ import annotations

import datetime as dt

from core.clock import to_bogota
from core.model import Document, Problem

MAX_DAYS_BEFORE = 5
MAX_DAYS_AFTER = 10


def issue_window_problem(
    issue_date: dt.date | None, *, now: dt.datetime, rule_prefix: str
) -> Problem | None:
    """The error for an issue date outside the window around today, else ``None``.

    Checked before anything else depends on the date (the numbering range valid that day,
    the issue moment in Bogotá): ``9999-12-31`` or ``0001-01-01`` get this answer, not an
    overflow or a missing range.
    """
    today = to_bogota(now).date()
    issue = issue_date or today
    earliest = today - dt.timedelta(days=MAX_DAYS_BEFORE)
    latest = today + dt.timedelta(days=MAX_DAYS_AFTER)
    if earliest <= issue <= latest:
        return None
    return Problem(
        path="issue_date",
        rule=f"{rule_prefix}D09e",
        message=(
            f"La fecha de emisión ({issue.isoformat()}) no puede ser anterior en más de "
            f"{MAX_DAYS_BEFORE} días ni posterior en más de {MAX_DAYS_AFTER} días a la "
            "fecha "
            f"actual ({today.isoformat()})."
        ),
    )


def check_issue_date(document: Document, *, now: dt.datetime, rule_prefix: str) -> list[Problem]:
    """Issue date window and due dates; no issue date means today (the pipeline's default)."""
    today = to_bogota(now).date()
    issue = document.issue_date or today
    rule = f"{rule_prefix}D09e"
    problems: list[Problem] = []
    outside = issue_window_problem(document.issue_date, now=now, rule_prefix=rule_prefix)
    if outside is not None:
        problems.append(outside)
    elif issue != today:
        problems.append(
            Problem(
                path="issue_date",
                rule=rule,
                severity="warning",
                message=(
                    f"La fecha de emisión ({issue.isoformat()}) no es la fecha actual "
                    f"({today.isoformat()}); la DIAN exige que la fecha de firma coincida con la "
                    "de emisión."
                ),
            )
        )
    for path, due in (
        ("due_date", document.due_date),
        ("payment.due_date", document.payment.due_date),
    ):
        if due is not None and due < issue:
            problems.append(
                Problem(
                    path=path,
                    rule="PAS-D03",
                    message=(
                        f"La fecha de vencimiento ({due.isoformat()}) es anterior a la fecha de "
                        "emisión "
                        f"({issue.isoformat()})."
                    ),
                )
            )
    return problems
