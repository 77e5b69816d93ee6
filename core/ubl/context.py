"""What a document type's ``build`` receives: everything needed to write the unsigned UBL tree."""

from __future__ import annotations

import msgspec

from core.contracts import DocumentType, Environment
from core.model import Document, NumberingRange, TenantView, Totals


class BuildContext(msgspec.Struct, frozen=True, kw_only=True):
    """Inputs of one UBL build.

    ``document`` is numbered (prefix, number, issue date and time set) and its supplier is
    filled; ``totals`` come from ``core.totals.compute_totals``. The unique code (CUFE/CUDE) is
    not here: it is computed from the finished tree afterwards (``core.ubl.finalize``).
    """

    document: Document
    document_type: DocumentType
    tenant: TenantView
    numbering_range: NumberingRange
    environment: Environment
    totals: Totals
    software_security_code: str
