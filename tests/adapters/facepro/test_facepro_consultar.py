"""``/consultar`` on a document DIAN left "en proceso": it asks again and never re-sends.

The simulator answers every SendBillSync with 66 ("en proceso") although it processed the
document, as DIAN sometimes does; GetStatus then tells the verdict.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.settings import Settings
from core.testing import make_test_settings
from tests.adapters.facepro.conftest import bearer
from tests.adapters.facepro.test_facepro_documents import CURL_INVOICE, issue_invoice


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PASARELA_SIM_FAIL_66", "1")
    return make_test_settings(tmp_path)


async def test_consultar_finishes_a_pending_document_without_resending(
    client: AsyncTestClient[Litestar], demo_token: str
) -> None:
    invoice = await issue_invoice(client, demo_token, CURL_INVOICE)
    assert invoice["estado"] == "pendiente"
    assert invoice["estado_dian_codigo"] == "66"

    response = await client.get(invoice["links"]["consultar"], headers=bearer(demo_token))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["dian"]["is_valid"] is True and body["dian"]["status_code"] == "00"
    documento = body["documento"]
    assert documento["estado"] == "aceptado"
    assert {k: documento[k] for k in ("tracking_id", "numero_completo", "cufe")} == {
        k: invoice[k] for k in ("tracking_id", "numero_completo", "cufe")
    }

    # Asking again gives the stored verdict; still one document, never a second number.
    again = (await client.get(invoice["links"]["consultar"], headers=bearer(demo_token))).json()
    assert again["documento"]["estado"] == "aceptado" and again["dian"]["is_valid"] is True
    listing = (await client.get("/api/v1/documentos", headers=bearer(demo_token))).json()
    assert [d["numero_completo"] for d in listing["data"]] == [invoice["numero_completo"]]
