"""Credit and debit note rules: the referenced invoice (CBG02, CBG06 / DBG02, DBG06) and the
correction concept.

A note must reference the document it corrects when its operation type is one of the document
type's ``requires_reference`` codes (20, 30 ...); a type that declares none requires it for every
operation type but 22 and 32 (notes without reference). The rule family is ``CBG`` for credit-note
roots and ``DBG`` for debit-note roots. Gateway ids: ``PAS-N01`` missing correction concept,
``PAS-N02`` concept not in DIAN's list for this kind of note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from core import catalogs
from core.model import Document, Problem

WITHOUT_REFERENCE = frozenset({"22", "32"})
_FAMILY = {"CreditNote": "CBG", "DebitNote": "DBG"}


def check_note(
    document: Document,
    *,
    ubl_root: str,
    requires_reference: frozenset[str],
    issue_date: dt.date,
    concepts: Mapping[str, str] | None = None,
) -> list[Problem]:
    """``concepts``: the kind's own correction concepts (code -> name) when it declares them
    (``DocumentType.correction_concepts``); otherwise DIAN's credit/debit-note lists."""
    family = _FAMILY.get(ubl_root)
    if family is None:
        return []
    problems: list[Problem] = []
    reference = document.billing_reference
    if requires_reference:
        needs_reference = document.operation_type in requires_reference
    else:
        needs_reference = document.operation_type not in WITHOUT_REFERENCE
    if reference is None:
        if needs_reference:
            problems.append(
                Problem(
                    path="billing_reference",
                    rule=f"{family}02",
                    message=(
                        f"La nota con tipo de operación {document.operation_type} debe referenciar "
                        "la factura que corrige (BillingReference)."
                    ),
                )
            )
    elif issue_date < reference.issue_date:
        problems.append(
            Problem(
                path="issue_date",
                rule=f"{family}06",
                message=(
                    f"La fecha de la nota ({issue_date.isoformat()}) es anterior a la del "
                    f"documento referenciado {reference.number} "
                    f"({reference.issue_date.isoformat()})."
                ),
            )
        )
    concept = document.discrepancy
    if concept is None:
        problems.append(
            Problem(
                path="discrepancy",
                rule="PAS-N01",
                message="Falta el concepto de corrección de la nota (DiscrepancyResponse).",
            )
        )
    else:
        if concepts:
            known = concept.code in concepts
            allowed = ", ".join(concepts)
        elif ubl_root == "CreditNote":
            known = catalogs.credit_note_concept(concept.code) is not None
            allowed = "1 a 6"
        else:
            known = catalogs.debit_note_concept(concept.code) is not None
            allowed = "1 a 4"
        if not known:
            problems.append(
                Problem(
                    path="discrepancy.code",
                    rule="PAS-N02",
                    message=(
                        f"Concepto de corrección no válido: {concept.code!r} (valores {allowed})."
                    ),
                )
            )
    return problems
