"""Shared pieces of the APIDIAN document tests: the demo company's token, APIDIAN's sample
bodies (research Appendix B) dated today, and a second company for isolation tests.

APIDIAN's samples are dated 2021–2025; DIAN refuses a document dated more than 5 days back,
so each test dates its body today (the only field changed) with ``dated_today``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from core.api import now_bogota, parse_xml
from core.context import AppContext
from core.demo import DemoSetup, add_demo_range
from core.model import Address, Party
from core.signing.testcerts import generate_test_pkcs12
from core.testing import dian_xsd_dir
from core.ubl.schemas import schema_errors
from core.validation.nit import check_digit

SAMPLES = json.loads((Path(__file__).parent / "samples.json").read_text("utf-8"))
SEED = json.loads((Path(__file__).parent / "seed_001_credit_note_pos.json").read_text("utf-8"))
OTHER_NIT = "900373115"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def sample(name: str, **changes: Any) -> dict[str, Any]:
    """A deep copy of an Appendix B body, dated today, with ``changes`` applied."""
    body = dated_today(copy.deepcopy(SAMPLES[name]))
    body.update(changes)
    return body


def dated_today(body: dict[str, Any]) -> dict[str, Any]:
    now = now_bogota()
    body["date"] = now.date().isoformat()
    body["time"] = now.strftime("%H:%M:%S")
    payment = body.get("payment_form")
    if isinstance(payment, dict) and "payment_due_date" in payment:
        payment["payment_due_date"] = (now.date() + dt.timedelta(days=30)).isoformat()
    return body


def result(answer: dict[str, Any], operation: str = "SendBillSync") -> dict[str, Any]:
    """``ResponseDian.Envelope.Body.<op>Response.<op>Result`` as APIDIAN clients read it."""
    body = answer["ResponseDian"]["Envelope"]["Body"]
    return body[f"{operation}Response"][f"{operation}Result"]


async def other_company(ctx: AppContext) -> str:
    """A second simulador company with its own ranges; returns its APIDIAN token."""
    tenant = await ctx.tenants.create_tenant(
        nit=OTHER_NIT,
        dv=check_digit(OTHER_NIT),
        party=Party(
            organization_type="1",
            id_type="31",
            id_number=OTHER_NIT,
            dv=check_digit(OTHER_NIT),
            name="OTRA EMPRESA SAS",
            tax_level_codes=("O-13",),
            tax_scheme="01",
            address=Address(municipality_code="05001", line="Calle 10 # 20-30"),
        ),
        environment="simulador",
        software_id=str(uuid.uuid4()),
        software_pin="54321",
        test_set_id=str(uuid.uuid4()),
    )
    pkcs12, password = generate_test_pkcs12(nit=OTHER_NIT, name="OTRA EMPRESA SAS")
    await ctx.certificates.attach_certificate(tenant.id, pkcs12, password)
    for code in ("01", "91", "92"):
        await add_demo_range(ctx.ranges, tenant.id, ctx.registry.document_types.get(code))
    issued = await ctx.credentials.issue_credential(tenant.id, "apidian", scheme="opaco")
    return issued.token


@pytest.fixture
def apidian_token(demo_tenant: DemoSetup) -> str:
    """The demo company's APIDIAN token (``serve --demo`` issues one per dialect)."""
    return demo_tenant.credentials["apidian"].token


def assert_valid_xml(xml: bytes) -> None:
    """The XML against DIAN's XSD, when ``PASARELA_XSD_DIR`` names them (CI sets it)."""
    xsd_dir = dian_xsd_dir()
    if xsd_dir is not None:
        assert schema_errors(parse_xml(xml), xsd_dir) == []
