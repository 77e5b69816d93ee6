"""Header rules on the number and the authorized range (FAD05a..e, FAD09a).

Which sub-letter means what (``b`` below ``From``, ``c`` above ``To``, ``d`` prefix of another
range, ``e`` no valid range: missing, of another document type, or expired) follows research
``dian-tech.md`` §7; the Anexo's own table was not in our sources.
"""

from __future__ import annotations

import datetime as dt
import re

from core.model import Document, NumberingRange, Problem

_ID = re.compile(r"[A-Za-z0-9]{1,20}")


def check_numbering(
    document: Document,
    *,
    range_type: str,
    authorized: bool,
    numbering_range: NumberingRange | None,
    issue_date: dt.date,
    rule_prefix: str,
) -> list[Problem]:
    """Number and range rules; those about the number wait until a number is allocated.
    ``authorized``: the kind numbers from a DIAN numbering authorization (resolución), so
    having no valid range is itself a finding (notes are numbered without one)."""
    p = rule_prefix
    problems: list[Problem] = []
    full_number = document.full_number
    if full_number is not None and not _ID.fullmatch(full_number):
        problems.append(
            Problem(
                path="number",
                rule=f"{p}D05a",
                message=(
                    f"El número del documento {full_number!r} solo puede tener letras y dígitos "
                    "(máximo "
                    "20): no se permiten caracteres adicionales como espacios o guiones."
                ),
            )
        )
    if numbering_range is None:
        if authorized:
            problems.append(
                Problem(
                    path="number",
                    rule=f"{p}D05e",
                    message=(
                        "No existe un rango de numeración autorizado vigente para este tipo "
                        "de documento."
                    ),
                )
            )
        return problems

    r = numbering_range
    if r.document_type != range_type:
        problems.append(
            Problem(
                path="number",
                rule=f"{p}D05e",
                message=(
                    f"El rango de numeración {r.prefix} {r.from_number}-{r.to_number} es del "
                    "tipo de "
                    f"documento {r.document_type}, no del {range_type}."
                ),
            )
        )
    if document.number is not None:
        if (document.prefix or "") != r.prefix:
            problems.append(
                Problem(
                    path="prefix",
                    rule=f"{p}D05d",
                    message=(
                        f"El prefijo {document.prefix or ''!r} no corresponde al del rango "
                        f"autorizado ({r.prefix!r})."
                    ),
                )
            )
        if document.number < r.from_number:
            problems.append(
                Problem(
                    path="number",
                    rule=f"{p}D05b",
                    message=(
                        f"El número {document.number} es menor que el inicial del rango autorizado "
                        f"({r.from_number})."
                    ),
                )
            )
        if document.number > r.to_number:
            problems.append(
                Problem(
                    path="number",
                    rule=f"{p}D05c",
                    message=(
                        f"El número {document.number} es mayor que el final del rango autorizado "
                        f"({r.to_number})."
                    ),
                )
            )
    if issue_date < r.valid_from:
        problems.append(
            Problem(
                path="issue_date",
                rule=f"{p}D09a",
                message=(
                    f"La fecha de emisión ({issue_date.isoformat()}) es anterior a la fecha de "
                    "inicio de "
                    f"la autorización de numeración ({r.valid_from.isoformat()})."
                ),
            )
        )
    if issue_date > r.valid_to:
        problems.append(
            Problem(
                path="issue_date",
                rule=f"{p}D05e",
                message=(
                    f"La autorización de numeración venció el {r.valid_to.isoformat()}; la fecha "
                    "de "
                    f"emisión es {issue_date.isoformat()}."
                ),
            )
        )
    return problems
