"""What a document type's ``build`` receives: everything needed to write the unsigned UBL tree."""

from __future__ import annotations

import msgspec

from core.contracts import DocumentType, Environment
from core.model import Document, NumberingRange, Software, TenantView, Totals


class BuildContext(msgspec.Struct, frozen=True, kw_only=True):
    """Inputs of one UBL build.

    ``document`` is numbered (prefix, number, issue date and time set) and the tenant's
    party is in its role (supplier; customer for kinds the tenant buys with); ``totals``
    come from ``core.totals.compute_totals``. The unique code (CUFE/CUDE) is not here: it
    is computed from the finished tree afterwards (``core.ubl.finalize``).
    """

    document: Document
    document_type: DocumentType
    tenant: TenantView
    numbering_range: NumberingRange
    environment: Environment
    totals: Totals
    software: Software  # the tenant's software for the kind's channel
    software_security_code: str
