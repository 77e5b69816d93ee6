"""APIDIAN's guide end to end through its own routes: the company configured as the Postman
collection does it (company, software, certificate, resolutions, environment), then an
invoice, a credit note and a debit note on it, each accepted by the simulator with its XML
valid against DIAN's XSD; on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import copy
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from apidian_documents_support import SAMPLES, assert_valid_xml, bearer, result, sample

from core.plugins import PluginHooks
from core.settings import Settings
from core.storage.scratch_database import scratch_postgres_database
from core.testing import make_test_settings
from tests.adapters.apidian.apidian_config_support import OPERATOR_TOKEN, configure_for_simulator
from tests.core.conftest import postgres_base_url


@pytest.fixture(params=["sqlite", "postgresql"])
async def settings(
    request: pytest.FixtureRequest, tmp_path: Path, plugin_manager: PluginHooks
) -> AsyncIterator[Settings]:
    """The gateway with an operator token (company registration needs it)."""
    if request.param == "sqlite":
        yield make_test_settings(
            tmp_path, plugin_manager=plugin_manager, operator_token=OPERATOR_TOKEN
        )
        return
    async with scratch_postgres_database(postgres_base_url()) as url:
        yield make_test_settings(
            tmp_path, plugin_manager=plugin_manager, database_url=url, operator_token=OPERATOR_TOKEN
        )


async def test_guide_then_invoice_credit_note_and_debit_note(client: httpx.AsyncClient) -> None:
    token, _ = await configure_for_simulator(client)
    debit_resolution = {"type_document_id": 5, "from": 1, "to": 99999999, "prefix": "ND"}
    answer = await client.put(
        "/api/ubl2.1/config/resolution", json=debit_resolution, headers=bearer(token)
    )
    assert answer.status_code == 200, answer.text

    invoice = sample("invoice", number=990000000, sendmail=False)
    invoice["customer"] = copy.deepcopy(SAMPLES["credit_note"]["customer"])
    issued = await client.post("/api/ubl2.1/invoice", json=invoice, headers=bearer(token))
    assert issued.status_code == 200, issued.text
    invoice_answer = issued.json()
    assert result(invoice_answer)["IsValid"] == "true", result(invoice_answer)
    assert_valid_xml(base64.b64decode(invoice_answer["invoicexml"]))
    reference = {
        "number": "SETP990000000",
        "uuid": invoice_answer["cufe"],
        "issue_date": invoice["date"],
    }

    for route, name in (("credit-note", "credit_note"), ("debit-note", "debit_note")):
        body = sample(name, billing_reference=reference, sendmail=False)
        response = await client.post(f"/api/ubl2.1/{route}", json=body, headers=bearer(token))
        assert response.status_code == 200, response.text
        answer = response.json()
        assert result(answer)["IsValid"] == "true", (route, result(answer))
        assert len(answer["cude"]) == 96
        assert_valid_xml(base64.b64decode(answer["invoicexml"]))
