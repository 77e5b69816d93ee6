"""Where the issuing tenant stands in a document: the kind's ``tenant_role`` decides."""

from __future__ import annotations

import msgspec

from core.contracts import DocumentType
from core.model import Document, TenantView


def place_tenant(document: Document, tenant: TenantView, document_type: DocumentType) -> Document:
    """Put the tenant in its role: the supplier of a sales document; the buyer (customer) of a
    kind whose ``tenant_role`` is ``buyer`` (the support document and its note), where the
    counterparty the dialect sent (as supplier, or as customer) is the seller."""
    if document_type.tenant_role == "buyer":
        return msgspec.structs.replace(
            document, supplier=document.supplier or document.customer, customer=tenant.party
        )
    return msgspec.structs.replace(document, supplier=document.supplier or tenant.party)
