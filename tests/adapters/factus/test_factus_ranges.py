"""``/v1/numbering-ranges``: Factus' range objects (dates as Factus writes them), filters,
pagination, create (looked up at DIAN for invoices), the consecutive, delete, and the ranges
DIAN associates with the software (GetNumberingRange through the simulator)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert

from core.habilitacion.runner import PollPolicy, run_test_set
from core.habilitacion.switch import promote
from plugins.environments.simulador.tables import SimRange
from tests.adapters.factus.conftest import bearer, request_token

SETP_KEY = "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


async def listing(client, headers, query: str = "") -> dict:
    answer = await client.get(f"/v1/numbering-ranges{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["message"]) == ("OK", "Solicitud exitosa")
    return body["data"]


async def setp_row(client, headers) -> dict:
    rows = (await listing(client, headers, "?filter[document]=21"))["data"]
    assert len(rows) == 1
    return rows[0]


async def test_list_rows_are_factus_rows_with_iso_dates(client, factus_headers):
    data = await listing(client, factus_headers)
    by_prefix = {row["prefix"]: row for row in data["data"]}
    assert {"SETP", "NC", "ND"} <= set(by_prefix)
    setp = by_prefix["SETP"]
    created = setp.pop("created_at")
    assert TIMESTAMP.match(created) and setp.pop("updated_at") == created
    assert setp == {
        "id": setp["id"],
        "document": "Factura de Venta",
        "prefix": "SETP",
        "from": 990000000,
        "to": 995000000,
        "current": 990000000,
        "resolution_number": "18760000001",
        "start_date": "2019-01-19",
        "end_date": "2030-01-19",
        "technical_key": SETP_KEY,
        "is_expired": False,
        "is_active": 1,
        "deleted_at": None,
    }
    assert by_prefix["NC"]["document"] == "Nota Crédito"
    assert by_prefix["ND"]["document"] == "Nota Débito"
    assert data["pagination"]["total"] == len(data["data"])


async def test_show_uses_the_code_and_dd_mm_yyyy_dates(client, factus_headers):
    setp = await setp_row(client, factus_headers)
    answer = await client.get(f"/v1/numbering-ranges/{setp['id']}", headers=factus_headers)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["message"]) == ("OK", "Solicitud exitosa")
    shown = body["data"]
    assert set(shown) == {
        "id", "document", "document_name", "prefix", "from", "to", "current",
        "resolution_number", "start_date", "end_date", "technical_key", "is_expired",
        "is_active", "created_at", "updated_at",
    }  # fmt: skip
    assert (shown["document"], shown["document_name"]) == ("21", "Factura de Venta")
    assert (shown["start_date"], shown["end_date"]) == ("19-01-2019", "19-01-2030")
    assert (shown["current"], shown["is_active"], shown["is_expired"]) == (990000000, 1, False)


async def test_filters(client, factus_headers):
    setp = await setp_row(client, factus_headers)
    notes = (await listing(client, factus_headers, "?filter[document]=22"))["data"]
    assert [row["prefix"] for row in notes] == ["NC"]
    by_resolution = (await listing(client, factus_headers, "?filter[resolution_number]=87600"))[
        "data"
    ]
    assert setp["id"] in [row["id"] for row in by_resolution]
    assert all("87600" in row["resolution_number"] for row in by_resolution)
    nothing = await listing(client, factus_headers, "?filter[resolution_number]=99999999")
    assert nothing["data"] == []
    by_key = await listing(client, factus_headers, f"?filter[technical_key]={SETP_KEY[:10]}")
    assert [row["id"] for row in by_key["data"]] == [setp["id"]]
    by_id = await listing(client, factus_headers, f"?filter[id]={setp['id']}")
    assert [row["prefix"] for row in by_id["data"]] == ["SETP"]
    assert (await listing(client, factus_headers, "?filter[is_active]=0"))["data"] == []
    assert (await listing(client, factus_headers, "?filter[id]=abc"))["data"] == []


async def test_create_note_ranges_and_paginate_ten_per_page(client, factus_headers):
    before = (await listing(client, factus_headers))["pagination"]["total"]
    for n in range(12):
        answer = await client.post(
            "/v1/numbering-ranges",
            headers=factus_headers,
            json={"document": "22", "prefix": f"N{n:02d}", "current": 0},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["status"], body["message"]) == (
            "Created",
            "Rango de numeración creado con éxito",
        )
        created = body["data"]
        assert (created["document"], created["document_name"]) == ("22", "Nota Crédito")
        assert (created["from"], created["to"], created["current"]) == (1, 16000000, 1)
        assert created["resolution_number"] is None and created["technical_key"] is None
        assert re.fullmatch(r"\d\d-\d\d-\d{4}", created["start_date"])
    total = before + 12
    first = await listing(client, factus_headers)
    assert len(first["data"]) == 10
    pagination = first["pagination"]
    assert {k: pagination[k] for k in ("total", "per_page", "current_page", "last_page")} == {
        "total": total,
        "per_page": 10,
        "current_page": 1,
        "last_page": 2,
    }
    assert (pagination["from"], pagination["to"]) == (1, 10)
    base = pagination["links"][1]["url"].split("?")[0]
    assert base.endswith("/v1/numbering-ranges")
    assert pagination["links"] == [
        {"url": None, "label": "&laquo; Anterior", "active": False},
        {"url": f"{base}?page=1", "label": 1, "active": True, "page": 1},
        {"url": f"{base}?page=2", "label": 2, "active": False, "page": 2},
        {"url": f"{base}?page=2", "label": "Siguiente &raquo;", "active": False, "page": 2},
    ]
    second = await listing(client, factus_headers, "?page=2")
    assert len(second["data"]) == total - 10
    assert (second["pagination"]["from"], second["pagination"]["to"]) == (11, total)
    assert second["pagination"]["links"][0] == {
        "url": f"{base}?page=1",
        "label": "&laquo; Anterior",
        "active": False,
        "page": 1,
    }
    ids = [row["id"] for row in first["data"] + second["data"]]
    assert len(set(ids)) == total
    beyond = await listing(client, factus_headers, "?page=9")
    assert beyond["data"] == []
    assert (beyond["pagination"]["from"], beyond["pagination"]["to"]) == (None, None)
    filtered = await listing(client, factus_headers, "?filter[document]=22&page=1")
    assert filtered["pagination"]["links"][1]["url"] == (f"{base}?filter%5Bdocument%5D=22&page=1")


async def test_create_an_invoice_range_from_the_resolution_dian_authorized(
    client, ctx, demo_tenant, factus_headers
):
    tenant = demo_tenant.tenant
    software = tenant.software_for("facturacion")
    values = {
        "issuer_nit": tenant.nit,
        "software_id": software.id,
        "document_type": "01",
        "resolution_number": "18764000009999",
        "resolution_date": dt.date(2026, 1, 2),
        "prefix": "FEV",
        "from_number": 1,
        "to_number": 5000,
        "valid_from": dt.date(2026, 1, 2),
        "valid_to": dt.date(2028, 1, 2),
        "technical_key": "clave-tecnica-de-la-nueva-resolucion",
    }
    await ctx.database.run(
        lambda conn: conn.execute(insert(SimRange.__table__).values(**values)), write=True
    )
    body = {"document": 21, "prefix": "FEV", "current": 120, "resolution_number": "18764000009999"}
    answer = await client.post("/v1/numbering-ranges", headers=factus_headers, json=body)
    assert answer.status_code == 200, answer.text
    created = answer.json()["data"]
    assert {k: created[k] for k in ("document", "prefix", "from", "to", "current")} == {
        "document": "21",
        "prefix": "FEV",
        "from": 1,
        "to": 5000,
        "current": 121,  # 120 was the last number used: the range continues after it
    }
    assert (created["start_date"], created["end_date"]) == ("02-01-2026", "02-01-2028")
    assert created["technical_key"] == "clave-tecnica-de-la-nueva-resolucion"
    # the same range is core's: it numbers the tenant's invoices under its id
    stored = {r.range.id: r for r in await ctx.ranges.list_ranges(tenant.id)}
    assert stored[created["id"]].next_number == 121
    assert stored[created["id"]].range.technical_key == "clave-tecnica-de-la-nueva-resolucion"


async def test_create_refuses_what_dian_did_not_authorize_and_bad_fields(client, factus_headers):
    unknown = {"document": "21", "prefix": "ZZ", "resolution_number": "123"}
    answer = await client.post("/v1/numbering-ranges", headers=factus_headers, json=unknown)
    assert answer.status_code == 422
    message = "La resolución 123 con prefijo ZZ no está asociada al software en la DIAN."
    assert answer.json() == {"message": message, "errors": {"resolution_number": [message]}}

    duplicate = {"document": "21", "prefix": "SETP", "resolution_number": "18760000001"}
    answer = await client.post("/v1/numbering-ranges", headers=factus_headers, json=duplicate)
    assert (answer.status_code, list(answer.json()["errors"])) == (422, ["prefix"])

    answer = await client.post(
        "/v1/numbering-ranges", headers=factus_headers, json={"document": "99", "current": "x"}
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "message": "El campo documento seleccionado es inválido. (and 2 more errors)",
        "errors": {
            "document": ["El campo documento seleccionado es inválido."],
            "prefix": ["El campo prefijo es obligatorio."],
            "current": ["El campo consecutivo actual debe ser un número entero positivo."],
        },
    }
    answer = await client.post(
        "/v1/numbering-ranges", headers=factus_headers, json={"document": "21", "prefix": "FV"}
    )
    assert answer.json()["errors"] == {
        "resolution_number": ["El campo número de resolución es obligatorio."]
    }
    answer = await client.post("/v1/numbering-ranges", headers=factus_headers, content=b"{")
    assert answer.status_code == 422 and "body" in answer.json()["errors"]


async def test_patch_current_moves_forward_only(client, ctx, demo_tenant, factus_headers):
    setp = await setp_row(client, factus_headers)
    url = f"/v1/numbering-ranges/{setp['id']}/current"
    answer = await client.patch(url, headers=factus_headers, json={"current": 990000499})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["message"]) == ("OK", "Rango de numeración actualizado con éxito")
    assert body["data"]["current"] == 990000500
    assert body["data"]["start_date"] == "19-01-2019"
    records = {r.range.id: r for r in await ctx.ranges.list_ranges(demo_tenant.tenant.id)}
    assert records[setp["id"]].next_number == 990000500

    back = await client.patch(url, headers=factus_headers, json={"current": 990000010})
    assert back.status_code == 422
    assert list(back.json()["errors"]) == ["current"]
    outside = await client.patch(url, headers=factus_headers, json={"current": 999999999})
    assert outside.status_code == 422
    missing = await client.patch(url, headers=factus_headers, json={})
    assert missing.json()["errors"] == {"current": ["El campo consecutivo actual es obligatorio."]}


async def test_delete_retires_the_range(client, ctx, demo_tenant, factus_headers):
    created = await client.post(
        "/v1/numbering-ranges", headers=factus_headers, json={"document": "23", "prefix": "NDX"}
    )
    range_id = created.json()["data"]["id"]
    answer = await client.delete(f"/v1/numbering-ranges/{range_id}", headers=factus_headers)
    assert (answer.status_code, answer.json()) == (
        200,
        {"status": "OK", "message": "Rango de numeración eliminado con éxito"},
    )
    gone = await client.get(f"/v1/numbering-ranges/{range_id}", headers=factus_headers)
    assert (gone.status_code, gone.json()) == (
        404,
        {"status": "Not Found", "message": f"No se encontró el rango de numeración {range_id}"},
    )
    listed = await listing(client, factus_headers, f"?filter[id]={range_id}")
    assert listed["data"] == []
    retired = await ctx.ranges.list_ranges(demo_tenant.tenant.id, retired=True)
    assert any(r.range.id == range_id and r.retired_at is not None for r in retired)
    again = await client.delete(f"/v1/numbering-ranges/{range_id}", headers=factus_headers)
    assert again.status_code == 404


async def test_another_tenants_range_is_not_found(client, ctx, factus_headers):
    from tests.adapters.facepro.conftest import issuing_tenant

    await issuing_tenant(ctx, "900373115", "OTRA EMPRESA SAS")
    other = await ctx.tenants.get_tenant("900373115")
    other_range = (await ctx.ranges.list_ranges(other.id))[0].range.id
    for method in ("GET", "DELETE"):
        answer = await client.request(
            method, f"/v1/numbering-ranges/{other_range}", headers=factus_headers
        )
        assert answer.status_code == 404
    answer = await client.patch(
        f"/v1/numbering-ranges/{other_range}/current", headers=factus_headers, json={"current": 5}
    )
    assert answer.status_code == 404
    assert other_range not in [row["id"] for row in (await listing(client, factus_headers))["data"]]


async def test_ranges_dian_associates_with_the_software(client, factus_headers):
    answer = await client.get("/v1/numbering-ranges/dian", headers=factus_headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["message"]) == ("OK", "Solicitud exitosa")
    assert {
        "resolution_number": "18760000001",
        "prefix": "SETP",
        "from": "990000000",
        "to": "995000000",
        "start_date": "2019-01-19",
        "end_date": "2030-01-19",
        "technical_key": SETP_KEY,
    } in body["data"]
    assert all(isinstance(row["from"], str) for row in body["data"])


async def test_ranges_need_a_token(client, factus_login):
    answer = await client.get("/v1/numbering-ranges")
    assert (answer.status_code, answer.json()) == (401, {"message": "Unauthenticated."})
    token = await request_token(client, factus_login)
    assert (
        await client.get("/v1/numbering-ranges", headers=bearer(token["access_token"]))
    ).status_code == 200


async def test_an_invoice_resolution_without_technical_key_is_refused(
    client, ctx, demo_tenant, factus_headers
):
    tenant = demo_tenant.tenant
    values = {
        "issuer_nit": tenant.nit,
        "software_id": tenant.software_for("facturacion").id,
        "document_type": "01",
        "resolution_number": "18764000001111",
        "prefix": "SINK",
        "from_number": 1,
        "to_number": 10,
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2027, 1, 1),
        "technical_key": None,
    }
    await ctx.database.run(
        lambda conn: conn.execute(insert(SimRange.__table__).values(**values)), write=True
    )
    body = {"document": "21", "prefix": "SINK", "resolution_number": "18764000001111"}
    answer = await client.post("/v1/numbering-ranges", headers=factus_headers, json=body)
    assert answer.status_code == 422
    assert "clave técnica" in answer.json()["errors"]["document"][0]
    assert all(r.range.prefix != "SINK" for r in await ctx.ranges.list_ranges(tenant.id))


async def test_ranges_dian_after_the_promotion_are_the_production_resolutions(
    client, ctx, demo_tenant, factus_headers
):
    """Once the test set is accepted and the company promoted, ``/dian`` answers what the
    promotion stored: the same GetNumberingRange, asked in producción."""
    nit = demo_tenant.tenant.nit
    policy = PollPolicy(first_delay_s=0.0, timeout_s=5.0)
    assert (await run_test_set(ctx, nit, composition={"01": 1}, poll=policy)).accepted
    switched = await promote(ctx, nit)
    [production] = [r for r in switched.ranges_added if r.document_type == "01"]

    answer = await client.get("/v1/numbering-ranges/dian", headers=factus_headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] == [
        {
            "resolution_number": production.resolution_number,
            "prefix": "FE",
            "from": "1",
            "to": str(production.to_number),
            "start_date": production.valid_from.isoformat(),
            "end_date": production.valid_to.isoformat(),
            "technical_key": production.technical_key,
        }
    ]
