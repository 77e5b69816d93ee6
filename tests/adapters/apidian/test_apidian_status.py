"""The habilitación flow of APIDIAN: ``POST /invoice/{testSetId}`` answers DIAN's ZipKey
(SendTestSetAsync), ``POST /status/zip/{ZipKey}`` answers DIAN's verdict (GetStatusZip) and
records it; ``status/document`` asks by CUFE."""

from __future__ import annotations

import base64

import httpx
from apidian_documents_support import SAMPLES, apidian_token, bearer, other_company, result, sample

from core.api import CHANNEL_INVOICES, DocumentStatus, parse_xml
from core.context import AppContext
from core.demo import DemoSetup

__all__ = ["apidian_token"]


async def test_test_set_upload_answers_zip_key_then_status_zip_gives_the_verdict(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, apidian_token: str
) -> None:
    # the test set DIAN assigned the company's software (an unknown one is refused)
    software = demo_tenant.tenant.software_for(CHANNEL_INVOICES)
    assert software is not None and software.test_set_id
    test_set_id = software.test_set_id
    body = sample("invoice", number=990000201, sendmail=False)
    response = await client.post(
        f"/api/ubl2.1/invoice/{test_set_id}", json=body, headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "success" not in answer
    assert answer["message"] == "Factura electrónica de Venta #SETP990000201 generada con éxito"
    assert answer["urlinvoiceattached"] == "Attachment-SETP990000201.xml"
    upload = result(answer, "SendTestSetAsync")
    zip_key = upload["ZipKey"]
    assert isinstance(zip_key, str) and zip_key
    request = base64.b64decode(answer["reqfe"])
    assert parse_xml(request).findtext(".//{*}testSetId") == test_set_id

    status = await client.post(
        f"/api/ubl2.1/status/zip/{zip_key}",
        json=SAMPLES["status_zip"] | {"is_eqdoc": False},
        headers=bearer(apidian_token),
    )
    assert status.status_code == 200, status.text
    consulted = status.json()
    assert consulted["message"] == "Consulta generada con éxito"
    dian = result(consulted, "GetStatusZip")["DianResponse"]
    # the set needed one accepted invoice (the simulator's default): DIAN says the set passed
    assert dian["StatusCode"] == "2", dian
    assert dian["StatusDescription"] == (
        f"Set de prueba con identificador {test_set_id} se encuentra Aceptado."
    )
    assert consulted["rptazip"] and consulted["reqzip"]
    assert parse_xml(base64.b64decode(consulted["reqzip"])).findtext(".//{*}trackId") == zip_key
    stored = await ctx.documents.documents.find_by_zip_key(demo_tenant.tenant.id, zip_key)
    assert stored is not None and stored.status == DocumentStatus.ACCEPTED

    by_cufe = await client.post(
        f"/api/ubl2.1/status/document/{answer['cufe']}", headers=bearer(apidian_token)
    )
    assert by_cufe.status_code == 200, by_cufe.text
    assert result(by_cufe.json(), "GetStatus")["IsValid"] == "true"
    assert by_cufe.json()["cufecude"] == answer["cufe"]


async def test_status_flags_are_checked(client: httpx.AsyncClient, apidian_token: str) -> None:
    response = await client.post(
        "/api/ubl2.1/status/zip/abc",
        json={"is_payroll": "si"},
        headers=bearer(apidian_token),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "is_payroll": ["El campo is_payroll debe tener un valor verdadero o falso."]
    }


async def test_another_companys_documents_are_not_queried(
    client: httpx.AsyncClient, ctx: AppContext, apidian_token: str
) -> None:
    body = sample("invoice", number=990000202, sendmail=False)
    answer = (
        await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    ).json()
    other = await other_company(ctx)
    for path in (
        f"/api/ubl2.1/status/document/{answer['cufe']}",
        f"/api/ubl2.1/xml/document/{answer['cufe']}",
    ):
        refused = await client.post(path, headers=bearer(other))
        assert refused.status_code == 404, path
        assert refused.json() == {
            "success": False,
            "message": f"No se encontro el documento: {answer['cufe']}",
        }
    own = await client.post(
        f"/api/ubl2.1/xml/document/{answer['cufe']}", headers=bearer(apidian_token)
    )
    assert own.status_code == 200
    assert own.json()["message"] == "Consulta generada con éxito"


async def test_a_test_set_id_is_a_guid(client: httpx.AsyncClient, apidian_token: str) -> None:
    response = await client.post(
        "/api/ubl2.1/invoice/preeliminar-view",
        json=sample("invoice"),
        headers=bearer(apidian_token),
    )
    assert response.status_code == 404
    assert response.json() == {"message": "The route could not be found."}
