"""Downloads, e-mail content and sending: Factus' JSON with the file name and base64, and
only for the tenant's own validated documents."""

from __future__ import annotations

import base64
import io
import re
import zipfile

import httpx

from core.context import AppContext
from core.demo import DemoSetup
from tests.adapters.facepro.conftest import issuing_tenant
from tests.adapters.factus.test_factus_seed import bearer, create_bill, granted_token, token

__all__ = ["token"]


async def test_pdf_xml_and_email_content_of_a_bill(
    client: httpx.AsyncClient, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    number = bill["number"]

    pdf = await client.get(f"/v1/bills/download-pdf/{number}", headers=bearer(token))
    assert pdf.status_code == 200
    assert (pdf.json()["status"], pdf.json()["message"]) == ("OK", "Solicitud exitosa")
    data = pdf.json()["data"]
    assert re.fullmatch(rf"fv0{demo_tenant.tenant.nit}000\d\d90000000", data["file_name"])
    assert base64.b64decode(data["pdf_base_64_encoded"]).startswith(b"%PDF")

    xml = (await client.get(f"/v1/bills/download-xml/{number}", headers=bearer(token))).json()
    content = base64.b64decode(xml["data"]["xml_base_64_encoded"])
    assert xml["data"]["file_name"] == data["file_name"]
    assert bill["cufe"].encode() in content and b"<Invoice" in content

    mail = await client.get(f"/v1/bills/{number}/email-content", headers=bearer(token))
    assert mail.status_code == 200
    subject = mail.json()["data"]["subject"]
    assert subject.split(";")[:4] == [demo_tenant.tenant.nit, demo_tenant.tenant.name, number, "01"]
    archive = zipfile.ZipFile(
        io.BytesIO(base64.b64decode(mail.json()["data"]["attached_document"]))
    )
    names = sorted(archive.namelist())
    assert [n[-4:] for n in names] == [".pdf", ".xml"]


async def test_another_tenants_documents_are_not_found(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    await issuing_tenant(ctx, "900373115", "OTRA EMPRESA SAS")
    other = await ctx.tenants.get_tenant("900373115")
    credential = await ctx.credentials.issue_credential(other.id, "factus", scheme="opaco")
    theirs = bearer(await granted_token(ctx, credential.id))
    number = bill["number"]

    for path in (
        f"/v1/bills/show/{number}",
        f"/v1/bills/download-pdf/{number}",
        f"/v1/bills/download-xml/{number}",
        f"/v1/bills/{number}/email-content",
    ):
        answer = await client.get(path, headers=theirs)
        assert answer.status_code == 404, path
        assert answer.json() == {
            "status": "Not Found",
            "message": f"No se encontró el documento {number}",
        }
    sent = await client.post(f"/v1/bills/send-email/{number}", json={}, headers=theirs)
    assert sent.status_code == 404
    deleted = await client.delete(
        f"/v1/bills/destroy/reference/{bill['reference_code']}", headers=theirs
    )
    assert deleted.status_code == 404
    listed = await client.get("/v1/bills", headers=theirs)
    assert listed.json()["data"]["data"] == []
    # nor may the other tenant's credit note point at this bill
    note = {
        "correction_concept_code": 2,
        "customization_id": 20,
        "bill_id": bill["id"],
        "reference_code": "x",
        "payment_method_code": "10",
        "items": [
            {
                "code_reference": "1",
                "name": "A",
                "quantity": 1,
                "discount_rate": 0,
                "price": 100,
                "tax_rate": "19.00",
                "unit_measure_id": 70,
                "standard_code_id": 1,
                "is_excluded": 0,
                "tribute_id": 1,
            }
        ],
    }
    answer = await client.post("/v1/credit-notes/validate", json=note, headers=theirs)
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"bill_id": ["La factura seleccionada no existe."]}


async def test_send_email_needs_the_companys_mail_server(
    client: httpx.AsyncClient, token: str
) -> None:
    bill = (await create_bill(client, token))["data"]["bill"]
    bad = await client.post(
        f"/v1/bills/send-email/{bill['number']}",
        json={"email": "no-es-correo"},
        headers=bearer(token),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "email": ["El campo email debe ser una dirección de correo válida."]
    }
    answer = await client.post(
        f"/v1/bills/send-email/{bill['number']}",
        json={"email": "cliente@example.com"},
        headers=bearer(token),
    )
    assert answer.status_code == 409
    assert answer.json()["errors"][0]["message"] == (
        "La empresa no tiene un servidor de correo configurado"
    )
