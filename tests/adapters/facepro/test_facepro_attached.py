"""``GET /api/v1/documentos/{uuid}/attached``: a document accepted by the in-process simulator
ends with its AttachedDocument (built by the job stored with the acceptance), served as XML;
409 in FacEPro's shape until then, 404 for another tenant's document, rebuilt when missing."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core.context import AppContext
from core.settings import Settings
from core.signing.xades import verify_xades
from core.storage.documents import StoredDocument
from core.storage.tables import JobRow
from core.testing import dian_xsd_dir, make_test_settings
from core.ubl.schemas import schema_errors
from core.xml_parsing import parse_xml
from tests.adapters.facepro.conftest import bearer
from tests.adapters.facepro.test_facepro_documents import issue_invoice

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
XSD_DIR = dian_xsd_dir()
WAIT_S = 30.0  # a deadline for the job worker, not a performance assertion


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path, retry_interval_s=0.05)


async def built(ctx: AppContext, tenant_id: int, uuid: str) -> StoredDocument:
    """The document once the job worker has stored its AttachedDocument."""
    deadline = time.monotonic() + WAIT_S
    while True:
        stored = await ctx.documents.documents.get(tenant_id, uuid)
        if stored.attached_document or time.monotonic() > deadline:
            return stored
        await asyncio.sleep(0.05)


async def test_an_accepted_invoice_gets_its_attached_document_from_the_job(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    invoice = await issue_invoice(client, demo_token)
    assert invoice["estado"] == "aceptado"
    assert invoice["links"]["attached"] == f"{invoice['links']['self']}/attached"
    stored = await built(ctx, demo_tenant.tenant.id, invoice["tracking_id"])
    assert stored.attached_document and stored.attached_at is not None

    response = await client.get(invoice["links"]["attached"], headers=bearer(demo_token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    name = f"ad{demo_tenant.tenant.nit:0>10}000{stored.issue_datetime.year % 100:02d}"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{name}{stored.number % 10**8:08d}.xml"'
    )
    assert response.content == stored.attached_document.encode("utf-8")

    root = parse_xml(response.content)
    verify_xades(response.content)
    if XSD_DIR:
        assert schema_errors(root, XSD_DIR) == []
    assert root.findtext("cbc:UUID", namespaces=NS) == invoice["cufe"]
    reference = root.find("cac:ParentDocumentLineReference/cac:DocumentReference", NS)
    assert reference.findtext("cbc:UUID", namespaces=NS) == invoice["cufe"]
    signed = await client.get(invoice["links"]["xml"], headers=bearer(demo_token))
    description = "cac:Attachment/cac:ExternalReference/cbc:Description"
    assert root.findtext(description, namespaces=NS) == signed.text
    answer = reference.findtext(description, namespaces=NS)
    assert answer == stored.application_response
    assert (
        parse_xml(answer.encode()).findtext(
            "cac:DocumentResponse/cac:Response/cbc:ResponseCode", namespaces=NS
        )
        == "02"
    )

    # the job is gone and a second request serves the same stored container
    jobs = await ctx.database.all(select(JobRow).where(JobRow.kind == "representation.attached"))
    assert jobs == []
    again = await client.get(invoice["links"]["attached"], headers=bearer(demo_token))
    assert again.content == response.content


async def test_another_tenants_document_is_404(
    client: AsyncTestClient[Litestar], demo_token: str, other_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token)
    response = await client.get(invoice["links"]["attached"], headers=bearer(other_token))
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error": "El documento no existe o no pertenece a tu empresa.",
        "codigo": "no_encontrado",
    }


async def test_a_document_accepted_before_the_column_existed_gets_it_on_first_request(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str, demo_tenant
) -> None:
    invoice = await issue_invoice(client, demo_token)
    tenant_id, uuid = demo_tenant.tenant.id, invoice["tracking_id"]
    await built(ctx, tenant_id, uuid)
    await ctx.documents.documents.update(uuid, attached_document=None, attached_at=None)

    response = await client.get(invoice["links"]["attached"], headers=bearer(demo_token))
    assert response.status_code == 200
    verify_xades(response.content)
    root = parse_xml(response.content)
    assert root.findtext("cbc:UUID", namespaces=NS) == invoice["cufe"]
    stored = await ctx.documents.documents.get(tenant_id, uuid)
    assert stored.attached_document == response.text and stored.attached_at is not None


class TestBeforeAcceptance:
    """DIAN unreachable: the document stays pendiente and has no AttachedDocument yet."""

    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return make_test_settings(
            tmp_path, simulator_url="http://127.0.0.1:9/", retry_interval_s=60, dian_timeout_s=2
        )

    async def test_attached_is_409_in_facepro_shape_while_pending(
        self, client: AsyncTestClient[Litestar], ctx: AppContext, demo_token: str
    ) -> None:
        invoice = await issue_invoice(client, demo_token)
        assert invoice["estado"] == "pendiente"
        response = await client.get(invoice["links"]["attached"], headers=bearer(demo_token))
        assert response.status_code == 409
        assert response.json() == {
            "ok": False,
            "error": "El documento está pendiente: su AttachedDocument estará disponible "
            "cuando la DIAN lo acepte.",
            "codigo": "documento_no_aceptado",
            "estado": "pendiente",
        }
        jobs = await ctx.database.all(
            select(JobRow).where(JobRow.kind == "representation.attached")
        )
        assert jobs == []  # only an acceptance stores one
