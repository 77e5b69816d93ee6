"""The seed's examples, run verbatim against the real app and the in-process DIAN simulator.

Each ``# curl`` comment is the seed's example the request below reproduces (only the host and
YOUR_TOKEN differ).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from lxml import etree

from core.clock import now_bogota
from core.context import AppContext
from core.demo import DemoSetup
from tests.adapters.facepro.conftest import bearer

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

# curl -X POST .../api/v1/documentos -d '{...}' (the "Ejemplos de código" body)
CURL_INVOICE = """{
  "adquiriente": {
    "tipo_persona": "2",
    "tipo_documento": "13",
    "numero_documento": "71234567",
    "razon_social": "JUAN PEREZ",
    "responsabilidad_fiscal": "R-99-PN"
  },
  "lineas": [
    { "codigo": "P1", "descripcion": "Producto 1",
      "cantidad": 2, "precio": 50000, "iva_pct": 19 }
  ]
}"""

# "Ejemplo de request" of POST /documentos
SEED_INVOICE = """{
  "adquiriente": {
    "tipo_persona": "2",
    "tipo_documento": "13",
    "numero_documento": "71234567",
    "razon_social": "JUAN PEREZ",
    "responsabilidad_fiscal": "R-99-PN",
    "email": "juan@correo.com",
    "direccion": "Calle 50 # 30-20",
    "codigo_municipio": "05001",
    "codigo_departamento": "05"
  },
  "lineas": [
    {
      "codigo": "PROD-001",
      "descripcion": "Repuesto motocicleta XYZ",
      "cantidad": 2,
      "precio": 50000,
      "iva_pct": 19
    },
    {
      "codigo": "SERV-010",
      "descripcion": "Mano de obra instalación",
      "cantidad": 1,
      "precio": 25000,
      "iva_pct": 19,
      "descuento_pct": 10
    }
  ]
}"""

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
DATA_KEYS = [
    "tracking_id",
    "numero_completo",
    "tipo_documento",
    "prefijo",
    "consecutivo",
    "fecha_emision",
    "adquirente",
    "totales",
    "cufe",
    "zip_key",
    "estado",
    "estado_dian_codigo",
    "estado_dian_mensaje",
    "ultimo_error",
    "links",
]


async def post(
    client: AsyncTestClient[Litestar], path: str, token: str, body: str | dict[str, Any]
) -> Any:
    content = body if isinstance(body, str) else json.dumps(body)
    return await client.post(path, content=content, headers={**bearer(token), **JSON_HEADERS})


async def issue_invoice(client: AsyncTestClient[Litestar], token: str, body: str = CURL_INVOICE):
    response = await post(client, "/api/v1/documentos", token, body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def note_body(invoice: dict[str, Any], motivo: dict[str, str], cufe: str | None = None) -> str:
    adquiriente_y_lineas = json.loads(CURL_INVOICE)
    return json.dumps(
        {
            "factura_referencia": {
                "numero": invoice["numero_completo"],
                "cufe": cufe or invoice["cufe"],
                "fecha": invoice["fecha_emision"][:10],
            },
            "motivo": motivo,
            **adquiriente_y_lineas,
        }
    )


async def test_seed_invoice_example_is_accepted_with_seed_totals(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    response = await post(client, "/api/v1/documentos", demo_token, SEED_INVOICE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ok"] is True and list(body["data"]) == DATA_KEYS
    data = body["data"]
    assert data["totales"] == {"subtotal": 122500, "iva": 23275, "total": 145775}
    assert '"subtotal":122500,' in response.text
    assert data["tipo_documento"] == "factura"
    assert data["prefijo"] == "SETP"
    assert data["numero_completo"] == f"SETP{data['consecutivo']}"
    assert data["adquirente"] == {"documento": "71234567", "razon_social": "JUAN PEREZ"}
    assert data["estado"] == "aceptado"
    assert data["estado_dian_codigo"] == "00"
    assert data["ultimo_error"] is None
    assert len(data["cufe"]) == 96 and int(data["cufe"], 16) >= 0
    assert "zip_key" in data  # SendBillSync (simulador, producción) answers without a ZipKey
    assert dt.datetime.fromisoformat(data["fecha_emision"]).utcoffset() == dt.timedelta(hours=-5)
    self_url = f"http://testserver.local/api/v1/documentos/{data['tracking_id']}"
    assert data["links"] == {
        "self": self_url,
        "consultar": f"{self_url}/consultar",
        "xml": f"{self_url}/xml",
        "pdf": f"{self_url}/pdf",
        "attached": f"{self_url}/attached",
    }


async def test_curl_walkthrough_invoice_list_detail_consult_xml_and_notes(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token)
    assert invoice["totales"] == {"subtotal": 100000, "iva": 19000, "total": 119000}
    uuid = invoice["tracking_id"]

    # curl -H "Authorization: Bearer YOUR_TOKEN" \
    #   ".../api/v1/documentos?estado=aceptado&desde=2026-05-01&per_page=50"
    response = await client.get(
        "/api/v1/documentos?estado=aceptado&desde=2026-05-01&per_page=50",
        headers=bearer(demo_token),
    )
    assert response.status_code == 200
    listing = response.json()
    assert listing["ok"] is True
    assert [d["tracking_id"] for d in listing["data"]] == [uuid]
    assert listing["data"][0] == invoice
    assert listing["meta"]["per_page"] == 50 and listing["meta"]["total"] == 1

    # curl -H "Authorization: Bearer YOUR_TOKEN" .../api/v1/documentos/550e8400-...
    response = await client.get(f"/api/v1/documentos/{uuid}", headers=bearer(demo_token))
    assert response.status_code == 200
    detail = response.json()
    assert detail["data"] == invoice
    assert detail["estado"] == "aceptado"  # the seed's clients read doc.estado

    # curl -H "Authorization: Bearer YOUR_TOKEN" .../api/v1/documentos/550e8400-.../consultar
    response = await client.get(f"/api/v1/documentos/{uuid}/consultar", headers=bearer(demo_token))
    assert response.status_code == 200
    consulted = response.json()
    assert consulted["ok"] is True
    assert consulted["documento"] == invoice
    assert consulted["dian"]["is_valid"] is True
    assert consulted["dian"]["status_code"] == "00"
    assert consulted["dian"]["errors"] == []
    assert consulted["dian"]["status_description"]

    # curl -H "Authorization: Bearer YOUR_TOKEN" \
    #   .../api/v1/documentos/550e8400-.../xml -o factura.xml
    response = await client.get(f"/api/v1/documentos/{uuid}/xml", headers=bearer(demo_token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "Invoice"
    assert root.findtext(f"{{{CBC}}}UUID") == invoice["cufe"]
    assert root.findtext(f"{{{CBC}}}ID") == invoice["numero_completo"]

    # curl -X POST .../api/v1/notas-credito (factura_referencia + motivo 2 "Anulación")
    response = await post(
        client,
        "/api/v1/notas-credito",
        demo_token,
        note_body(invoice, {"codigo": "2", "descripcion": "Anulación"}),
    )
    assert response.status_code == 201, response.text
    credit = response.json()["data"]
    assert credit["tipo_documento"] == "nota_credito"
    assert credit["estado"] == "aceptado", credit
    assert credit["totales"] == invoice["totales"]

    # curl -X POST .../api/v1/notas-debito (motivo 1 "Intereses por mora")
    response = await post(
        client,
        "/api/v1/notas-debito",
        demo_token,
        note_body(invoice, {"codigo": "1", "descripcion": "Intereses por mora"}),
    )
    assert response.status_code == 201, response.text
    debit = response.json()["data"]
    assert debit["tipo_documento"] == "nota_debito"
    assert debit["estado"] == "aceptado", debit

    response = await client.get(
        f"/api/v1/documentos/{credit['tracking_id']}/xml", headers=bearer(demo_token)
    )
    assert etree.QName(etree.fromstring(response.content)).localname == "CreditNote"


async def test_credit_note_for_a_cufe_dian_does_not_know_is_rejected(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token)
    response = await post(
        client,
        "/api/v1/notas-credito",
        demo_token,
        note_body(invoice, {"codigo": "2", "descripcion": "Anulación"}, cufe="ab" * 48),
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["estado"] == "rechazado"
    assert "CBG04a" in (data["ultimo_error"] or "") + (data["estado_dian_mensaje"] or "")
    consulted = await client.get(
        f"/api/v1/documentos/{data['tracking_id']}/consultar", headers=bearer(demo_token)
    )
    dian = consulted.json()["dian"]
    assert dian["is_valid"] is False
    assert any("CBG04a" in e for e in dian["errors"])


async def test_seed_422_example(client: AsyncTestClient[Litestar], demo_token: str) -> None:
    body = json.loads(CURL_INVOICE)
    del body["adquiriente"]["numero_documento"]
    body["lineas"][0]["iva_pct"] = 250
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert response.json() == {
        "ok": False,
        "error": "Datos invalidos",
        "codigo": "datos_invalidos",
        "errors": {
            "adquiriente.numero_documento": ["El número de documento es requerido."],
            "lineas.0.iva_pct": ["El IVA % debe ser un número entre 0 y 100."],
        },
    }


async def test_malformed_json_and_wrong_types_are_422(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    for path in ("/api/v1/documentos", "/api/v1/notas-credito", "/api/v1/notas-debito"):
        for body, errors in (
            ('{"adquiriente": ', {"body": ["El cuerpo de la petición no es un JSON válido."]}),
            ('"factura"', {"body": ["El cuerpo de la petición debe ser un objeto JSON."]}),
            (
                '{"lineas": [{"cantidad": [2]}]}',
                {"lineas.0.cantidad": ["La cantidad debe ser un número."]},
            ),
        ):
            response = await post(client, path, demo_token, body)
            assert response.status_code == 422, (path, body)
            assert response.json() == {
                "ok": False,
                "error": "Datos invalidos",
                "codigo": "datos_invalidos",
                "errors": errors,
            }


async def test_list_query_errors_are_422(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    response = await client.get(
        "/api/v1/documentos?estado=anulado&desde=01-05-2026&page=0&per_page=x",
        headers=bearer(demo_token),
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"estado", "desde", "page", "per_page"}


async def test_permission_not_granted_is_403(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_tenant: DemoSetup, demo_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token)
    await ctx.tenants.update_tenant(demo_tenant.tenant.id, permissions={"notas_credito": False})
    response = await post(
        client,
        "/api/v1/notas-credito",
        demo_token,
        note_body(invoice, {"codigo": "2", "descripcion": "Anulación"}),
    )
    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "error": "Tu empresa no tiene permitido emitir este tipo de documento.",
        "codigo": "permiso_no_concedido",
        "permiso": "permite_notas_credito",
    }
    await ctx.tenants.update_tenant(demo_tenant.tenant.id, permissions={"facturas": False})
    response = await post(client, "/api/v1/documentos", demo_token, CURL_INVOICE)
    assert response.status_code == 403
    assert response.json()["permiso"] == "permite_facturas"


async def test_quota_exceeded_is_429_with_retry_after(
    client: AsyncTestClient[Litestar], ctx: AppContext, demo_tenant: DemoSetup, demo_token: str
) -> None:
    await ctx.tenants.update_tenant(demo_tenant.tenant.id, monthly_limit=1)
    await issue_invoice(client, demo_token)
    response = await post(client, "/api/v1/documentos", demo_token, CURL_INVOICE)
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error": "Cuota excedida para el periodo.",
        "codigo": "quota_excedida",
        "consumidos": 1,
        "limite": 1,
        "periodo": "mensual",
    }
    assert int(response.headers["retry-after"]) > 0


async def test_unknown_or_foreign_tracking_id_is_404(
    client: AsyncTestClient[Litestar], demo_token: str, other_token: str
) -> None:
    foreign = await issue_invoice(client, other_token)
    for uuid in ("550e8400-e29b-41d4-a716-446655440000", foreign["tracking_id"], "no-es-uuid"):
        for suffix in ("", "/consultar", "/xml", "/pdf"):
            response = await client.get(
                f"/api/v1/documentos/{uuid}{suffix}", headers=bearer(demo_token)
            )
            assert response.status_code == 404, (uuid, suffix)
            body = response.json()
            assert body["ok"] is False and body["codigo"] == "no_encontrado"


async def test_a_tenant_sees_none_of_another_tenants_documents(
    client: AsyncTestClient[Litestar], demo_token: str, other_token: str
) -> None:
    mine = await issue_invoice(client, demo_token)
    theirs = [await issue_invoice(client, other_token) for _ in range(2)]
    response = await client.get("/api/v1/documentos", headers=bearer(demo_token))
    assert [d["tracking_id"] for d in response.json()["data"]] == [mine["tracking_id"]]
    response = await client.get("/api/v1/documentos", headers=bearer(other_token))
    assert {d["tracking_id"] for d in response.json()["data"]} == {d["tracking_id"] for d in theirs}


async def test_pagination(client: AsyncTestClient[Litestar], demo_token: str) -> None:
    issued = [await issue_invoice(client, demo_token) for _ in range(3)]
    seen: list[str] = []
    for page, expected in ((1, 2), (2, 1), (3, 0)):
        response = await client.get(
            f"/api/v1/documentos?per_page=2&page={page}", headers=bearer(demo_token)
        )
        body = response.json()
        assert len(body["data"]) == expected
        assert body["meta"]["total"] == 3 and body["meta"]["last_page"] == 2
        assert body["meta"]["current_page"] == page and body["meta"]["per_page"] == 2
        seen += [d["tracking_id"] for d in body["data"]]
    assert sorted(seen) == sorted(d["tracking_id"] for d in issued)

    response = await client.get("/api/v1/documentos?per_page=500", headers=bearer(demo_token))
    assert response.json()["meta"]["per_page"] == 100
    response = await client.get("/api/v1/documentos", headers=bearer(demo_token))
    assert response.json()["meta"]["per_page"] == 20

    today = now_bogota().date()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    response = await client.get(f"/api/v1/documentos?desde={tomorrow}", headers=bearer(demo_token))
    assert response.json()["data"] == []
    response = await client.get(
        f"/api/v1/documentos?desde={today}&hasta={today}&estado=aceptado",
        headers=bearer(demo_token),
    )
    assert response.json()["meta"]["total"] == 3
    response = await client.get("/api/v1/documentos?estado=rechazado", headers=bearer(demo_token))
    assert response.json()["data"] == []


async def test_core_validation_comes_back_on_facepro_paths(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = json.loads(CURL_INVOICE)
    body["factura"] = {"fecha": (now_bogota().date() - dt.timedelta(days=40)).isoformat()}
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["ok"] is False and payload["codigo"] == "datos_invalidos"
    assert list(payload["errors"]) == ["factura.fecha"]
    # nothing was numbered: the next invoice still gets the first number of the range
    first = await issue_invoice(client, demo_token)
    assert first["consecutivo"] == 990000000


async def test_company_customer_with_nit_units_and_value_discount(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = {
        "factura": {"fecha": now_bogota().date().isoformat(), "hora": "08:00:00-05:00"},
        "adquiriente": {
            "tipo_persona": 1,
            "tipo_documento": 31,
            "numero_documento": "800197268",
            "dv": "4",
            "razon_social": "DIRECCION DE IMPUESTOS Y ADUANAS NACIONALES",
            "responsabilidad_fiscal": "O-13;O-15",
            "email": "facturas@example.com",
            "direccion": "Carrera 8 # 6C-38",
            "codigo_municipio": 11001,
        },
        "lineas": [
            {
                "codigo": "KG-1",
                "descripcion": "Café",
                "cantidad": "2.5",
                "unidad": "KGM",
                "precio": 19000.5,
                "iva_pct": 5,
                "descuento_valor": 500,
            },
            {
                "codigo": "H-1",
                "descripcion": "Asesoría",
                "cantidad": 3,
                "unidad": "HUR",
                "precio": 80000,
                "iva_pct": 0,
            },
        ],
    }
    data = await issue_invoice(client, demo_token, json.dumps(body))
    assert data["estado"] == "aceptado", data
    assert data["adquirente"]["documento"] == "800197268"
    # 2.5 × 19000.50 − 500 = 47001.25; IVA 5 % = 2350.06; + 240000 exento
    assert data["totales"] == {"subtotal": 287001.25, "iva": 2350.06, "total": 289351.31}
    xml = await client.get(data["links"]["xml"], headers=bearer(demo_token))
    root = etree.fromstring(xml.content)
    assert root.findtext(f"{{{CBC}}}IssueTime") == "08:00:00-05:00"
    units = [q.get("unitCode") for q in root.iter(f"{{{CBC}}}InvoicedQuantity")]
    assert units == ["KGM", "HUR"]

    body["adquiriente"]["dv"] = "5"
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "adquiriente.dv": ["El dígito de verificación no corresponde al NIT."]
    }


async def test_text_that_xml_cannot_carry_is_422_not_500(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    body = json.loads(CURL_INVOICE)
    body["adquiriente"]["razon_social"] = "JUAN\u0001PEREZ"
    response = await post(client, "/api/v1/documentos", demo_token, body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["adquiriente.razon_social"]
