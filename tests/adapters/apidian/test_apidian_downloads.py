"""The files behind ``urlinvoicexml``, ``urlinvoicepdf`` and ``urlinvoiceattached``: served
to the company that issued them, refused to any other company's token."""

from __future__ import annotations

import base64
import io

import httpx
from apidian_documents_support import OTHER_NIT, apidian_token, bearer, other_company, sample
from pypdf import PdfReader

from core.api import parse_xml
from core.context import AppContext
from core.demo import DemoSetup

__all__ = ["apidian_token"]


async def test_files_of_an_invoice_for_its_company_only(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, apidian_token: str
) -> None:
    body = sample("invoice", number=990000301, sendmail=False)
    issued = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    answer = issued.json()
    nit = demo_tenant.tenant.nit
    headers = bearer(apidian_token)

    xml = await client.get(f"/api/invoice/{nit}/{answer['urlinvoicexml']}", headers=headers)
    assert xml.status_code == 200
    assert xml.content == base64.b64decode(answer["invoicexml"])
    assert xml.headers["content-type"].startswith("application/xml")

    pdf = await client.get(f"/api/invoice/{nit}/{answer['urlinvoicepdf']}", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    attached = await client.get(
        f"/api/invoice/{nit}/{answer['urlinvoiceattached']}", headers=headers
    )
    assert attached.status_code == 200
    assert attached.content == base64.b64decode(answer["attacheddocument"])
    assert parse_xml(attached.content).tag.endswith("AttachedDocument")

    placeholder = await client.get(
        f"/api/download/{nit}/Attachment-SETP990000301.xml/BASE64", headers=headers
    )
    assert placeholder.json() == {
        "success": True,
        "message": "Archivo: Attachment-SETP990000301.xml se encontro.",
        "filebase64": answer["attacheddocument"],
    }
    unsigned = await client.get(f"/api/download/{nit}/FE-SETP990000301.xml", headers=headers)
    assert unsigned.status_code == 200
    assert b"SignatureValue" not in unsigned.content
    assert parse_xml(unsigned.content).findtext("{*}ID") == "SETP990000301"

    other_token = await other_company(ctx)
    for path in (
        f"/api/invoice/{nit}/{answer['urlinvoicexml']}",
        f"/api/download/{nit}/{answer['urlinvoicepdf']}/BASE64",
        f"/api/invoice/{OTHER_NIT}/{answer['urlinvoicexml']}",
    ):
        refused = await client.get(path, headers=bearer(other_token))
        assert refused.status_code == 404, path
        assert refused.json()["success"] is False
        assert refused.json()["message"].startswith("No se encontro el archivo: ")

    anonymous = await client.get(
        f"/api/invoice/{nit}/{answer['urlinvoicexml']}", headers={"Accept": "application/json"}
    )
    assert anonymous.status_code == 401
    assert anonymous.json() == {"message": "Unauthenticated."}


async def test_head_and_foot_notes_are_printed_on_the_pdf_only(
    client: httpx.AsyncClient, demo_tenant: DemoSetup, apidian_token: str
) -> None:
    body = sample(
        "invoice",
        number=990000302,
        sendmail=False,
        head_note="TEXTO LIBRE DEL ENCABEZADO",
        foot_note="TEXTO LIBRE DEL PIE DE PAGINA",
    )
    issued = await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    answer = issued.json()
    pdf = await client.get(
        f"/api/invoice/{demo_tenant.tenant.nit}/{answer['urlinvoicepdf']}",
        headers=bearer(apidian_token),
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "TEXTO LIBRE DEL ENCABEZADO" in text
    assert "TEXTO LIBRE DEL PIE DE PAGINA" in text
    xml = base64.b64decode(answer["invoicexml"])
    assert b"TEXTO LIBRE" not in xml
