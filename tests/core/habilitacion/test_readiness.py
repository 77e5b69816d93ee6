"""Expiry and exhaustion warnings: a certificate that expires in 10 days and a range with 5 %
of its numbers left, in the readiness view, the logs, ``tenants show``/``check`` and the
operator's route; an expired certificate signs (and numbers) nothing."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import httpx
import pytest
from habilitacion_support import NIT, fresh_company, unnumbered_invoice

from core.clock import now_bogota
from core.context import AppContext
from core.errors import CertificateExpired
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.tenancy.readiness import tenant_readiness
from core.testing import make_test_settings, run_pasarela

OPERATOR_TOKEN = "operador-de-pruebas"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path, operator_token=OPERATOR_TOKEN)


async def _nearly_due(ctx: AppContext) -> int:
    """The fresh company with a certificate valid 10 more days and a range 95 % used."""
    record = await fresh_company(ctx, days=10)
    return await _nearly_due_range(ctx, record.id)


async def test_certificate_and_range_warnings(
    client: httpx.AsyncClient, ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    range_id = await _nearly_due(ctx)
    caplog.set_level(logging.WARNING, logger="core.tenancy.readiness")
    readiness = await tenant_readiness(ctx.tenants, ctx.ranges, NIT)

    assert readiness.ready and readiness.problems == ()
    assert readiness.certificate_days_left is not None
    assert 0 < readiness.certificate_days_left <= 10
    [numbering] = readiness.ranges
    assert (numbering.id, numbering.numbers_left, str(numbering.share_left)) == (range_id, 5, "5.0")
    certificate, exhaustion = readiness.warnings
    assert certificate.startswith(
        f"el certificado de firma vence en {readiness.certificate_days_left} días ("
    )
    assert exhaustion == (
        "a la resolución 18760000001 (tipo 01, prefijo SETP) le quedan 5 números (5.0 %)"
    )
    logged = [r.getMessage() for r in caplog.records]
    assert logged == [f"tenant readiness: {w}" for w in readiness.warnings]

    # the operator's route answers the same; without the operator's token, nothing
    answer = await client.get(
        f"/-/tenants/{NIT}/readiness", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["warnings"] == list(readiness.warnings)
    assert body["ranges"][0]["numbers_left"] == 5 and body["ready"] is True
    refused = await client.get(
        f"/-/tenants/{NIT}/readiness", headers={"Authorization": "Bearer otro"}
    )
    assert refused.status_code == 401


async def test_cli_check_and_show_report_the_warnings(settings: Settings) -> None:
    ctx = AppContext.create(settings)
    try:
        await _nearly_due(ctx)
    finally:
        await ctx.close()
    check = run_pasarela(settings, "tenants", "check", NIT)
    assert check.returncode == 0, check.stderr
    assert "le quedan 5 números (5.0 %)" in check.stdout
    show = run_pasarela(settings, "tenants", "show", NIT)
    assert show.returncode == 0, show.stderr
    assert '"certificate_days_left"' in show.stdout and "(5.0 %)" in show.stdout


async def test_an_expired_certificate_signs_and_numbers_nothing(ctx: AppContext) -> None:
    record = await fresh_company(ctx)
    range_id = await _nearly_due_range(ctx, record.id)
    pkcs12, password = generate_test_pkcs12(
        nit=NIT,
        name="HABILITADA S.A.S.",
        days=1,
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
    )
    await ctx.certificates.attach_certificate(record.id, pkcs12, password)
    await ctx.documents.forget_identity(record.id)
    view = await ctx.tenants.tenant_view(record.id)
    with pytest.raises(CertificateExpired, match="venció el"):
        await ctx.documents.issue(view, unnumbered_invoice(), dialect="test")
    [live] = await ctx.ranges.list_ranges(record.id)
    assert (live.range.id, live.next_number) == (range_id, 96)  # no number was spent
    readiness = await tenant_readiness(ctx.tenants, ctx.ranges, NIT)
    assert not readiness.ready
    assert any(p.startswith("el certificado de firma venció el") for p in readiness.problems)
    assert run_pasarela(ctx.settings, "tenants", "check", NIT).returncode == 1


async def _nearly_due_range(ctx: AppContext, tenant_id: int) -> int:
    today = now_bogota().date()
    added = await ctx.ranges.add_resolution(
        tenant_id,
        document_type="01",
        resolution_number="18760000001",
        prefix="SETP",
        from_number=1,
        to_number=100,
        valid_from=today - dt.timedelta(days=300),
        valid_to=today + dt.timedelta(days=400),
        technical_key="fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
        next_number=96,
    )
    return added.id


async def test_issuing_logs_the_warnings_as_they_come(
    ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    record = await fresh_company(ctx, days=10)
    today = now_bogota().date()
    await ctx.ranges.add_resolution(
        record.id,
        document_type="01",
        resolution_number="18760000001",
        prefix="SETP",
        from_number=1,
        to_number=100,
        valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=400),
        technical_key="fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
        next_number=90,
    )
    caplog.set_level(logging.WARNING)
    view = await ctx.tenants.tenant_view(record.id)
    issued = await ctx.documents.issue(view, unnumbered_invoice(), dialect="test")
    assert issued.number == 90  # 10 numbers left after it: 10 % of the range
    messages = [r.getMessage() for r in caplog.records]
    assert "numbering range running out: 10 numbers left of 100" in messages
    assert any(m.startswith("signing certificate expires in ") for m in messages)
    caplog.clear()
    await ctx.documents.issue(view, unnumbered_invoice(), dialect="test")
    assert [r.getMessage() for r in caplog.records] == []  # each warning once
