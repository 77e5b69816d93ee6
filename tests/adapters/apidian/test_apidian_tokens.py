"""APIDIAN tokens: random and stored hashed; a migrating client's old token imported with
``pasarela credentials import`` keeps working; ``serve --demo`` writes the APIDIAN token and
its demo company can issue POS documents and their adjustment notes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from core.context import AppContext
from core.plugins import PluginHooks
from core.settings import Settings
from core.storage.tables import Credential
from core.testing import make_test_settings, run_pasarela, serving_gateway
from tests.adapters.apidian.apidian_config_support import (
    NIT,
    OPERATOR_TOKEN,
    bearer,
    register_company,
)

# what APIDIAN gave every company: sha256 of its NIT, hex
APIDIAN_TOKEN = hashlib.sha256(NIT.encode()).hexdigest()


@pytest.fixture
def settings(tmp_path: Path, plugin_manager: PluginHooks) -> Settings:
    return make_test_settings(
        tmp_path, plugin_manager=plugin_manager, operator_token=OPERATOR_TOKEN
    )


async def test_new_tokens_are_random_and_only_their_hash_is_stored(
    client: httpx.AsyncClient, ctx: AppContext
) -> None:
    first = (await register_company(client)).json()["token"]
    second = (await register_company(client)).json()["token"]  # the operator asks again
    assert first != second and APIDIAN_TOKEN not in (first, second)
    stored = await ctx.database.all(select(Credential.__table__))
    assert {row.scheme for row in stored} == {"opaco"}
    texts = " ".join(str(tuple(row)) for row in stored)
    assert first not in texts and second not in texts
    for token in (first, second):
        answer = await client.get("/api/ubl2.1/invoice/current_number/1", headers=bearer(token))
        assert answer.status_code == 200


async def test_an_imported_token_works(
    client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    assert (await register_company(client)).status_code == 200
    unknown = await client.get(
        "/api/ubl2.1/invoice/current_number/1", headers=bearer(APIDIAN_TOKEN)
    )
    assert unknown.status_code == 401

    token_file = tmp_path / "token.txt"
    token_file.write_text(APIDIAN_TOKEN + "\n", encoding="utf-8")
    done = run_pasarela(
        settings,
        "credentials",
        "import",
        "--dialect",
        "apidian",
        "--tenant",
        NIT,
        "--token-file",
        str(token_file),
    )
    assert done.returncode == 0, done.stderr
    assert APIDIAN_TOKEN not in done.stdout + done.stderr

    answer = await client.put(
        "/api/ubl2.1/config/software",
        json={"id": "82bf0c5e-0117-434d-9471-8a5ee58ae682", "pin": 12345},
        headers=bearer(APIDIAN_TOKEN),
    )
    assert answer.status_code == 200, answer.text

    again = run_pasarela(
        settings, "credentials", "import", "--dialect", "apidian", "--tenant", NIT,
        "--token-file", str(token_file),
    )  # fmt: skip
    assert again.returncode != 0 and "ya está registrado" in again.stderr
    missing = run_pasarela(
        settings, "credentials", "import", "--dialect", "apidian", "--tenant", NIT,
        "--token-file", str(tmp_path / "no-existe.txt"),
    )  # fmt: skip
    assert missing.returncode != 0 and "no se pudo leer el token" in missing.stderr


def test_serve_demo_writes_the_apidian_token_for_a_company_ready_for_pos(tmp_path: Path) -> None:
    with serving_gateway(tmp_path, "--demo", "--credentials-out", "credentials.json") as (url, _):
        credentials = json.loads((tmp_path / "credentials.json").read_text("utf-8"))
        token = credentials["apidian"]["token"]
        headers = bearer(token)
        pos = httpx.get(f"{url}/api/ubl2.1/invoice/current_number/15", headers=headers)
        note = httpx.get(f"{url}/api/ubl2.1/invoice/current_number/26/NCP", headers=headers)
        invoices = httpx.get(f"{url}/api/ubl2.1/invoice/current_number/1", headers=headers)
    assert pos.json() == {"number": 1, "success": True, "prefix": "POS"}
    assert note.json() == {"number": 1, "success": True, "prefix": "NCP"}
    assert invoices.json()["prefix"] == "SETP"
