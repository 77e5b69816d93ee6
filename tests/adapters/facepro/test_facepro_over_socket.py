"""A FacEPro client against ``pasarela serve --demo`` over a real socket: the seed's flow."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from core.testing import serving_gateway

CUSTOMER = {
    "tipo_persona": "2",
    "tipo_documento": "13",
    "numero_documento": "71234567",
    "razon_social": "JUAN PEREZ",
    "responsabilidad_fiscal": "R-99-PN",
}
LINES = [
    {"codigo": "P1", "descripcion": "Producto 1", "cantidad": 2, "precio": 50000, "iva_pct": 19}
]


def test_seed_flow_over_a_real_socket(tmp_path: Path) -> None:
    credentials_file = tmp_path / "credentials.json"
    with serving_gateway(tmp_path, "--demo", "--credentials-out", str(credentials_file)) as (
        url,
        _,
    ):
        credentials = json.loads(credentials_file.read_text())
        headers = {"Authorization": f"Bearer {credentials['facepro']['token']}"}
        with httpx.Client(base_url=f"{credentials['base_url']}/api/v1", headers=headers) as api:
            assert api.get("/health").json()["status"] == "ok"
            assert api.get("/me").json()["tenant"]["nit"] == "900373076"

            created = api.post("/documentos", json={"adquiriente": CUSTOMER, "lineas": LINES})
            assert created.status_code == 201, created.text
            invoice = created.json()["data"]
            assert invoice["estado"] == "aceptado"
            assert invoice["numero_completo"] == "SETP990000000"
            assert invoice["totales"] == {"subtotal": 100000, "iva": 19000, "total": 119000}

            listed = api.get("/documentos", params={"estado": "aceptado", "per_page": 50}).json()
            assert [d["tracking_id"] for d in listed["data"]] == [invoice["tracking_id"]]
            detail = api.get(f"/documentos/{invoice['tracking_id']}").json()
            assert detail["data"]["cufe"] == invoice["cufe"]
            consulted = api.get(f"/documentos/{invoice['tracking_id']}/consultar").json()
            assert consulted["dian"]["status_code"] == "00"
            xml = api.get(f"/documentos/{invoice['tracking_id']}/xml")
            assert xml.headers["content-type"].startswith("application/xml")
            assert invoice["cufe"].encode() in xml.content

            reference = {
                "numero": invoice["numero_completo"],
                "cufe": invoice["cufe"],
                "fecha": invoice["fecha_emision"][:10],
            }
            credit = api.post(
                "/notas-credito",
                json={
                    "factura_referencia": reference,
                    "motivo": {"codigo": "2", "descripcion": "Anulación"},
                    "adquiriente": CUSTOMER,
                    "lineas": LINES,
                },
            )
            assert credit.status_code == 201, credit.text
            assert credit.json()["data"]["estado"] == "aceptado"
            debit = api.post(
                "/notas-debito",
                json={
                    "factura_referencia": reference,
                    "motivo": {"codigo": "1", "descripcion": "Intereses por mora"},
                    "adquiriente": CUSTOMER,
                    "lineas": [dict(LINES[0], cantidad=1, precio=1500)],
                },
            )
            assert debit.status_code == 201, debit.text
            assert debit.json()["data"]["estado"] == "aceptado"
            assert debit.json()["data"]["tipo_documento"] == "nota_debito"

            unauthenticated = httpx.get(f"{url}/api/v1/me")
            assert unauthenticated.status_code == 401
            assert unauthenticated.json()["ok"] is False


def test_every_worker_logs_json_lines_without_the_token(tmp_path: Path) -> None:
    """Two workers, an invoice through the in-process simulator: every line the gateway writes
    stays one redacted JSON object (the simulator must not install a logging setup of its own),
    one ``request`` line per request and no duplicate access log."""
    credentials_file = tmp_path / "credentials.json"
    demo = ("--demo", "--workers", "2", "--credentials-out", str(credentials_file))
    with serving_gateway(tmp_path, *demo) as (url, _):
        token = json.loads(credentials_file.read_text())["facepro"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"{url}/api/v1", headers=headers) as api:
            for _ in range(4):  # the two workers take turns: both meet the simulator
                created = api.post("/documentos", json={"adquiriente": CUSTOMER, "lineas": LINES})
                assert created.status_code == 201, created.text
    port = url.rsplit(":", 1)[1]
    text = (tmp_path / f"serve-{port}.log").read_text()
    entries = [json.loads(line) for line in text.splitlines()]  # fails on a non-JSON line
    assert token.split("|", 1)[1] not in text
    loggers = {entry["logger"] for entry in entries}
    assert "uvicorn.access" not in loggers and "httpx" not in loggers
    requests = [e for e in entries if e["logger"] == "pasarela.request"]
    assert [(e["method"], e["path"], e["status"]) for e in requests].count(
        ("POST", "/api/v1/documentos", 201)
    ) == 4
