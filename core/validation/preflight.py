"""Pre-flight: every DIAN rule we can check locally, before a consecutive is spent at DIAN.

The pipeline calls :func:`preflight` after it has previewed the number and range (so the number
rules can run) and, when it has them, with the computed totals; without totals they are computed
here. Findings carry the DIAN rule id with the document type's prefix (``FAD05a`` for invoices,
``CAD05a`` for credit notes, ``DAD05a`` for debit notes ...), the field path in the canonical
model and a Spanish message. Rules DIAN only notifies about come back as ``severity="warning"``.
Checks DIAN publishes under ids our sources do not name use gateway ids ``PAS-<section><nn>``.

Gateway ids in this module: ``PAS-D01`` payment form and ``PAS-D02`` payment means not in DIAN's
lists; ``PAS-D03`` (in ``issue_date``) due date before the issue date.
"""

from __future__ import annotations

import datetime as dt

from core import catalogs
from core.clock import to_bogota
from core.contracts import DocumentType
from core.model import Document, NumberingRange, Problem, TenantView, Totals
from core.tenant_role import place_tenant
from core.totals import check_declared_totals, compute_totals
from core.validation.exchange import check_exchange_rate
from core.validation.issue_date import check_issue_date
from core.validation.lines import check_allowances_charges, check_lines, negative
from core.validation.notes import check_note
from core.validation.numbering import check_numbering
from core.validation.parties import check_party
from core.validation.taxes import check_line_taxes, check_tax_totals


def preflight(
    document: Document,
    document_type: DocumentType,
    tenant: TenantView,
    numbering_range: NumberingRange | None,
    *,
    now: dt.datetime,
    totals: Totals | None = None,
) -> list[Problem]:
    """All findings for ``document`` as ``document_type`` issued by ``tenant`` at ``now``.

    ``document.issue_date`` absent means today in Bogotá; ``document.number`` absent skips the
    rules about the number (not allocated yet) but not those about the range.
    """
    p = document_type.rule_prefix
    issue_date = document.issue_date or to_bogota(now).date()
    problems: list[Problem] = []
    problems += check_numbering(
        document,
        range_type=document_type.range_type,
        authorized=document_type.authorized_numbering,
        numbering_range=numbering_range,
        issue_date=issue_date,
        rule_prefix=p,
    )
    problems += check_issue_date(document, now=now, rule_prefix=p)
    problems += _check_header(document, document_type)
    problems += check_exchange_rate(document, rule_prefix=p)
    placed = place_tenant(document, tenant, document_type)
    problems += check_party(placed.supplier or tenant.party, role="supplier", rule_prefix=p)
    problems += check_party(placed.customer, role="customer", rule_prefix=p)
    problems += check_lines(document, rule_prefix=p)
    allows_withholdings = document_type.ubl_root == "Invoice"
    for index, line in enumerate(document.lines):
        problems += check_line_taxes(
            line, path=f"lines[{index}]", rule_prefix=p, allows_withholdings=allows_withholdings
        )
    problems += check_allowances_charges(document.allowances_charges, path="allowances_charges")
    problems += check_note(
        document,
        ubl_root=document_type.ubl_root,
        requires_reference=document_type.requires_reference,
        issue_date=issue_date,
        concepts=document_type.correction_concepts,
    )
    problems += _check_amount_signs(document)

    if totals is None:
        try:
            totals = compute_totals(document)
        except ValueError:
            return problems  # the malformed tax or allowance is already reported above
    problems += check_tax_totals(totals, rule_prefix=p)
    problems += check_declared_totals(document, totals, p)
    for index, line in enumerate(totals.lines):
        if line.line_extension < 0:
            problems.append(
                negative(
                    f"lines[{index}].allowances_charges", "El valor de la línea tras descuentos"
                )
            )
    if totals.monetary.payable < 0:
        problems.append(negative("allowances_charges", "El valor a pagar tras descuentos"))
    return problems


def _check_header(document: Document, document_type: DocumentType) -> list[Problem]:
    p = document_type.rule_prefix
    problems: list[Problem] = []
    if document_type.customization_ids:
        valid = document.operation_type in document_type.customization_ids
        allowed = ", ".join(document_type.customization_ids)
    else:
        known = catalogs.operation_type(document.operation_type, document_type.ubl_root)
        valid = known is not None and known.active
        allowed = "la lista de tipos de operación de la DIAN"
    if not valid:
        problems.append(
            Problem(
                path="operation_type",
                rule=f"{p}D02",
                message=(
                    "Tipo de operación (CustomizationID) no válido: "
                    f"{document.operation_type!r}; permitidos: {allowed}."
                ),
            )
        )
    if catalogs.currency(document.currency) is None:
        problems.append(
            Problem(
                path="currency",
                rule=f"{p}D15a",
                message=f"La moneda {document.currency!r} no es un código ISO 4217 válido.",
            )
        )
    if catalogs.payment_form(document.payment.form) is None:
        problems.append(
            Problem(
                path="payment.form",
                rule="PAS-D01",
                message=(
                    f"Forma de pago no válida: {document.payment.form!r} (1 contado, 2 crédito)."
                ),
            )
        )
    if catalogs.payment_means(document.payment.means_code) is None:
        problems.append(
            Problem(
                path="payment.means_code",
                rule="PAS-D02",
                message=f"Medio de pago no válido: {document.payment.means_code!r}.",
            )
        )
    return problems


def _check_amount_signs(document: Document) -> list[Problem]:
    """VLR01 on document-level amounts (line amounts are checked with their lines)."""
    problems = [
        negative(f"prepaid_payments[{index}].amount", "El anticipo")
        for index, prepaid in enumerate(document.prepaid_payments)
        if prepaid.amount < 0
    ]
    declared = document.declared_totals
    if declared is not None:
        for field in declared.__struct_fields__:
            value = getattr(declared, field)
            if value is not None and value < 0:
                problems.append(negative(f"declared_totals.{field}", f"El total declarado {field}"))
    return problems
