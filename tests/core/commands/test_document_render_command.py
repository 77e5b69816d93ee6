"""``pasarela document render``: a tenant from a real SQLite database, a canonical JSON file in,
signed XML + ZIP + the PDF + a JSON with the CUFE and its pre-hash out; no number is consumed."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import msgspec
import pypdf
import pytest
from lxml import etree

from core.cli import build_parser
from core.clock import now_bogota
from core.contracts import CHANNEL_INVOICES
from core.sample_documents import (
    SAMPLE_DV,
    SAMPLE_NIT,
    SUPPLIER,
    TEST_TECHNICAL_KEY,
    sample_document,
    sample_tenant,
)
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import verify_xades
from core.testing import migrate_test_database
from core.ubl.namespaces import XPATH_NS
from core.ubl.unique_codes import compute_unique_code
from core.web.context import AppContext


@pytest.fixture
def render_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'render.db'}",
        secret_key="render-test-key",
        secret_key_file=str(tmp_path / "render.key"),
    )
    migrate_test_database(settings.database_url)
    monkeypatch.setenv("PASARELA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PASARELA_SECRET_KEY", "render-test-key")
    asyncio.run(_seed_tenant(settings))
    return settings


async def _seed_tenant(settings: Settings) -> None:
    ctx = AppContext.create(settings)
    try:
        software = sample_tenant().software[CHANNEL_INVOICES]
        record = await ctx.tenants.create_tenant(
            nit=SAMPLE_NIT,
            dv=SAMPLE_DV,
            software_id=software.id,
            software_pin=software.pin,
            party=SUPPLIER,
            environment="habilitacion",
        )
        await ctx.certificates.attach_certificate(
            record.id, *generate_test_pkcs12(nit=SAMPLE_NIT, name=SUPPLIER.name)
        )
        await ctx.ranges.add_resolution(
            record.id,
            document_type="01",
            resolution_number="18760000001",
            prefix="SETP",
            from_number=990000000,
            to_number=995000000,
            valid_from=dt.date(2019, 1, 19),
            valid_to=dt.date(2030, 1, 19),
            technical_key=TEST_TECHNICAL_KEY,
            next_number=990000042,
        )
    finally:
        await ctx.close()


async def _next_number(settings: Settings) -> int:
    ctx = AppContext.create(settings)
    try:
        tenant = await ctx.tenants.get_tenant(SAMPLE_NIT)
        (record,) = await ctx.ranges.list_ranges(tenant.id)
        return record.next_number
    finally:
        await ctx.close()


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return args.func(args)


def canonical_file(tmp_path: Path, **changes: object) -> Path:
    values: dict[str, object] = {
        "prefix": None,
        "number": None,
        "issue_date": None,
        "issue_time": None,
        "due_date": now_bogota().date() + dt.timedelta(days=30),
    }
    document = msgspec.structs.replace(sample_document("01"), **{**values, **changes})
    path = tmp_path / "factura.json"
    path.write_bytes(msgspec.json.encode(document))
    return path


def test_render_writes_signed_xml_zip_pdf_and_code_without_consuming_a_number(
    render_env, tmp_path, capsys
):
    out = tmp_path / "out"
    assert (
        run(
            "document",
            "render",
            str(canonical_file(tmp_path)),
            "--tenant",
            SAMPLE_NIT,
            "--out",
            str(out),
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["number"] == "SETP990000042"  # previewed from the range
    assert summary["unique_code_type"] == "CUFE"
    assert summary["valid"] is True

    xml = (out / summary["xml"]).read_bytes()
    root = etree.fromstring(xml)
    assert root.findtext("cbc:UUID", namespaces=XPATH_NS) == summary["unique_code"]
    assert compute_unique_code(root, TEST_TECHNICAL_KEY) == (
        summary["unique_code"],
        summary["prehash"],
    )
    assert summary["prehash"].startswith("SETP990000042")
    verify_xades(xml)
    with zipfile.ZipFile(io.BytesIO((out / summary["zip"]).read_bytes())) as archive:
        assert archive.namelist() == [summary["xml"]]
        assert archive.read(summary["xml"]) == xml
    on_disk = json.loads((out / summary["json"]).read_text())
    assert on_disk["unique_code"] == summary["unique_code"]
    assert summary["xml"] == f"fv0{SAMPLE_NIT}000{now_bogota():%y}90000042.xml"
    assert summary["pdf"] == "SETP990000042.pdf"
    text = pypdf.PdfReader(out / summary["pdf"]).pages[0].extract_text()
    assert "No. SETP990000042" in text
    assert summary["unique_code"] in text.replace("\n", "")

    assert asyncio.run(_next_number(render_env)) == 990000042


def test_render_uses_the_number_in_the_json(render_env, tmp_path, capsys):
    path = canonical_file(tmp_path, prefix="SETP", number=990000100)
    assert (
        run("document", "render", str(path), "--tenant", SAMPLE_NIT, "--out", str(tmp_path / "o"))
        == 0
    )
    assert json.loads(capsys.readouterr().out)["number"] == "SETP990000100"


def test_render_refuses_a_document_with_preflight_errors(render_env, tmp_path, capsys):
    path = canonical_file(tmp_path, operation_type="99")
    out = tmp_path / "bad"
    assert run("document", "render", str(path), "--tenant", SAMPLE_NIT, "--out", str(out)) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["valid"] is False
    assert "FAD02" in {p["rule"] for p in summary["problems"]}
    assert not out.exists()
