"""``PdfService``: the PDF of a stored document, regenerated on demand (never stored).

One source of truth: the canonical document stored with the row (``dialect_data["canonical"]``,
as the issuing service keeps it to rebuild), its number, issue moment and CUFE/CUDE, the range
it was numbered from, the tenant and its environment. The document is completed exactly as the
pipeline completed it (``core.pipeline.complete_document``) and its totals computed by the same
engine, so the PDF shows what the signed XML says; rendering is deterministic, so asking twice
gives the same bytes.
"""

from __future__ import annotations

from core.errors import NotFound, RepresentationUnavailable
from core.model import DocumentStatus, NumberingRange, TenantView
from core.pipeline import PreparedDocument, complete_document
from core.registry import Registry
from core.representation.content import Representation
from core.representation.pdf import pdf_file_name, render_pdf
from core.storage.documents import DocumentRepository, StoredDocument
from core.tenancy.ranges import NumberingRanges
from core.tenancy.tenants import TenantService
from core.totals import compute_totals


class PdfService:
    """The graphic representation of tenants' accepted documents."""

    def __init__(
        self,
        *,
        registry: Registry,
        documents: DocumentRepository,
        tenants: TenantService,
        ranges: NumberingRanges,
    ) -> None:
        self.registry = registry
        self.documents = documents
        self.tenants = tenants
        self.ranges = ranges

    async def pdf(self, tenant_id: int, uuid: str) -> tuple[str, bytes]:
        """``(file name, PDF bytes)`` of one of the tenant's documents.

        ``NotFound`` for a document that does not exist or is another tenant's;
        ``RepresentationUnavailable`` until DIAN has accepted it.
        """
        stored = await self.documents.get(tenant_id, uuid)
        if stored.status != DocumentStatus.ACCEPTED:
            raise RepresentationUnavailable(stored.status, "PDF")
        representation = await self.representation(stored)
        return pdf_file_name(stored.full_number), render_pdf(representation)

    async def representation(self, stored: StoredDocument) -> Representation:
        """What the PDF of a stored, signed document is drawn from."""
        document = stored.canonical()
        if document is None or not stored.unique_code or stored.issue_datetime is None:
            raise NotFound(f"el documento {stored.uuid} no tiene los datos para su PDF")
        document_type = self.registry.document_types.get(stored.type_code)
        tenant = await self.tenants.tenant_view(stored.tenant_id)
        numbering_range = await self.ranges.range_of(
            stored.tenant_id,
            stored.environment,
            document_type.range_type,
            stored.prefix,
            stored.number,
        )
        document = complete_document(
            document,
            tenant=tenant,
            numbering_range=numbering_range,
            document_type=document_type,
            issued_at=stored.issue_datetime,
        )
        environment = self.registry.environments.get(stored.environment)
        return Representation(
            document=document,
            document_type=document_type,
            totals=compute_totals(document),
            unique_code=stored.unique_code,
            qr_url=environment.qr_url(stored.unique_code),
            issued_at=stored.issue_datetime,
            environment=environment,
            numbering_range=numbering_range,
            software=tenant.software.get(document_type.software_channel),
            logo=await self.tenants.logo(stored.tenant_id),
        )


def prepared_representation(
    prepared: PreparedDocument,
    *,
    registry: Registry,
    tenant: TenantView,
    numbering_range: NumberingRange,
    environment_id: str,
    logo: bytes | None = None,
) -> Representation:
    """What the PDF of a document just prepared by the pipeline is drawn from (``pasarela
    document render``, ``pasarela bench pdf``): the same values the service reads back."""
    document_type = registry.document_types.get(prepared.document.type_code)
    return Representation(
        document=prepared.document,
        document_type=document_type,
        totals=prepared.totals,
        unique_code=prepared.unique_code,
        qr_url=prepared.qr_url,
        issued_at=prepared.issued_at,
        environment=registry.environments.get(environment_id),
        numbering_range=numbering_range,
        software=tenant.software.get(document_type.software_channel),
        logo=logo,
    )
