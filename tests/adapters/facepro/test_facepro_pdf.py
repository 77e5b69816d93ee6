"""``GET /api/v1/documentos/{uuid}/pdf``: the graphic representation of an accepted document
issued through the demo simulator; 404 for another tenant's, 409 in FacEPro's shape until
DIAN accepts it."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import zxingcpp
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.adapters.facepro.conftest import bearer
from tests.adapters.facepro.test_facepro_documents import (
    SEED_INVOICE,
    issue_invoice,
    note_body,
    post,
)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def qr_on_last_page(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[len(document) - 1]
        image = page.render(scale=3).to_pil()
        page.close()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


async def test_the_pdf_of_an_accepted_invoice(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token, SEED_INVOICE)
    assert invoice["estado"] == "aceptado"
    response = await client.get(invoice["links"]["pdf"], headers=bearer(demo_token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    number = invoice["numero_completo"]
    assert response.headers["content-disposition"] == f'attachment; filename="{number}.pdf"'
    (page,) = page_texts(response.content)
    assert "FACTURA ELECTRÓNICA DE VENTA" in page and f"No. {number}" in page
    assert invoice["cufe"] in page.replace("\n", "")
    assert "JUAN PEREZ" in page and "CC 71234567" in page
    assert "Repuesto motocicleta XYZ" in page and "Mano de obra instalación" in page
    assert "TOTAL 145.775,00" in page
    assert "CIENTO CUARENTA Y CINCO MIL SETECIENTOS SETENTA Y CINCO PESOS M/CTE" in page
    assert "Autorización de numeración DIAN No." in page
    assert "DOCUMENTO SIN VALIDEZ FISCAL" in page  # the simulator stands for habilitación
    (qr,) = qr_on_last_page(response.content)
    lines = qr.split("\n")
    assert lines[0] == f"NumFac: {number}"
    assert "ValTolFac: 145775.00" in lines and f"CUFE: {invoice['cufe']}" in lines
    again = await client.get(invoice["links"]["pdf"], headers=bearer(demo_token))
    assert again.content == response.content  # regenerated, byte for byte


async def test_the_pdf_of_an_accepted_credit_note_names_the_invoice_and_the_reason(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token)
    created = await post(
        client,
        "/api/v1/notas-credito",
        demo_token,
        note_body(invoice, {"codigo": "2", "descripcion": "Anulación de la venta"}),
    )
    note = created.json()["data"]
    assert note["estado"] == "aceptado", note
    response = await client.get(note["links"]["pdf"], headers=bearer(demo_token))
    assert response.status_code == 200
    (page,) = page_texts(response.content)
    assert "NOTA CRÉDITO ELECTRÓNICA" in page and "CUDE:" in page
    assert f"Documento referenciado: {invoice['numero_completo']}" in page
    assert invoice["cufe"] in page.replace("\n", "")
    assert "Motivo: Anulación de la venta" in page


async def test_another_tenants_document_is_404(
    client: AsyncTestClient[Litestar], demo_token: str, other_token: str
) -> None:
    theirs = await issue_invoice(client, other_token)
    response = await client.get(
        f"/api/v1/documentos/{theirs['tracking_id']}/pdf", headers=bearer(demo_token)
    )
    assert response.status_code == 404
    assert response.json()["codigo"] == "no_encontrado"
    own = await client.get(
        f"/api/v1/documentos/{theirs['tracking_id']}/pdf", headers=bearer(other_token)
    )
    assert own.status_code == 200


async def test_a_document_dian_has_not_accepted_is_409_in_facepro_shape(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token)
    created = await post(
        client,
        "/api/v1/notas-credito",
        demo_token,
        note_body(invoice, {"codigo": "2", "descripcion": "Anulación"}, cufe="ab" * 48),
    )
    rejected = created.json()["data"]
    assert rejected["estado"] == "rechazado"
    response = await client.get(rejected["links"]["pdf"], headers=bearer(demo_token))
    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "error": "El documento está rechazado: su PDF estará disponible cuando la DIAN lo acepte.",
        "codigo": "documento_no_aceptado",
        "estado": "rechazado",
    }
