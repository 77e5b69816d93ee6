"""A fresh company on the simulator (software, test set id, certificate, no ranges) and a
context whose simulated DIAN requires a small test set, for the habilitación tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from core.context import AppContext
from core.demo import demo_party
from core.model import Document
from core.sample_documents import sample_document
from core.signing.testcerts import generate_test_pkcs12
from core.tenancy.records import TenantRecord
from core.testing import make_test_settings
from core.validation.nit import check_digit

NIT = "901234567"
NAME = "HABILITADA S.A.S."
# what the simulated DIAN requires of a set in these tests (small, to stay fast)
REQUIRED = {"01": 2, "91": 1, "92": 1}


@pytest.fixture
async def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AppContext]:
    # read when this database's in-process simulator is created (first SOAP call)
    monkeypatch.setenv("PASARELA_SIM_TEST_SET", ",".join(f"{k}:{v}" for k, v in REQUIRED.items()))
    monkeypatch.setenv("PASARELA_SIM_TEST_SET_TOLERANCE", "0")
    context = AppContext.create(make_test_settings(tmp_path))
    try:
        yield context
    finally:
        await context.close()


async def fresh_company(ctx: AppContext, *, days: int = 730) -> TenantRecord:
    """Registered as it comes from DIAN's portal: software, PIN and TestSetId, a certificate
    valid ``days`` days, and no numbering range at all."""
    party = msgspec.structs.replace(
        demo_party(), id_number=NIT, dv=check_digit(NIT), name=NAME, trade_name=None
    )
    tenant = await ctx.tenants.create_tenant(
        nit=NIT,
        dv=check_digit(NIT),
        party=party,
        environment="simulador",
        software_id=str(uuid.uuid4()),
        software_pin="24680",
        test_set_id=str(uuid.uuid4()),
    )
    pkcs12, password = generate_test_pkcs12(nit=NIT, name=NAME, days=days)
    await ctx.certificates.attach_certificate(tenant.id, pkcs12, password)
    return await ctx.tenants.get_tenant(tenant.id)


def set_id_of(record: TenantRecord) -> str:
    software = record.software_for("facturacion")
    assert software is not None and software.test_set_id
    return software.test_set_id


def unnumbered_invoice() -> Document:
    """The sample invoice, numbered and dated by the gateway."""
    return msgspec.structs.replace(
        sample_document("01"), prefix=None, number=None, issue_date=None, issue_time=None
    )
