"""Pre-flight rules specific to the built-in document types (Spanish messages).

Core pre-flight (``core.validation.preflight``) already checks the CustomizationID against the
type's list (xxD02), the note reference and its date (CBG02/CBG06, DBG02/DBG06) and the
correction concept; these are the checks only a document type knows about.
"""

from __future__ import annotations

from core.api import Document, DocumentType, Problem


def check_type_code(document: Document, document_type: DocumentType) -> list[Problem]:
    """The canonical document says it is of this type (the dialect routed it here)."""
    if document.type_code == document_type.code:
        return []
    return [
        Problem(
            path="type_code",
            message=(
                f"El tipo de documento {document.type_code!r} no corresponde a "
                f"{document_type.title} ({document_type.code})."
            ),
        )
    ]


def check_period_without_reference(
    document: Document, document_type: DocumentType
) -> list[Problem]:
    """A note that references no invoice (22/32) states the period it corrects
    (``cac:InvoicePeriod``, Anexo 1.9 §6.4)."""
    if document.operation_type in document_type.requires_reference:
        return []
    if document.invoice_period is not None:
        return []
    return [
        Problem(
            path="invoice_period",
            message=(
                "Una nota sin referencia a factura debe informar el periodo que corrige "
                "(fecha inicial y final)."
            ),
        )
    ]
