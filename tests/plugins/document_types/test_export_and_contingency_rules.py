"""Pre-flight of the export (02) and contingency (03) kinds: bad input is refused with the
rule id and a Spanish message before a number is spent or anything is sent."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from core.api import AdditionalReference, DeliveryTerms, ExchangeRate, ValidationFailed
from core.context import AppContext
from core.demo import ensure_demo
from core.sample_documents import CUSTOMER, sample_document
from core.testing import make_test_settings


def _unsent(code: str, **changes):
    document = msgspec.structs.replace(
        sample_document(code), prefix=None, number=None, issue_date=None, issue_time=None
    )
    return msgspec.structs.replace(document, **changes)


CASES = [
    pytest.param(
        "02", {"currency": "COP", "exchange_rate": None}, ("exchange_rate", "FAR02"), id="no-rate"
    ),
    pytest.param("02", {"exchange_rate": None}, ("exchange_rate", "FAR02"), id="usd-no-rate"),
    pytest.param(
        "02",
        {"exchange_rate": ExchangeRate(rate=Decimal("0"))},
        ("exchange_rate.rate", "FAR07"),
        id="zero-rate",
    ),
    pytest.param(
        "02",
        {"exchange_rate": ExchangeRate(rate=Decimal("4000"), target_currency="USD")},
        ("exchange_rate.target_currency", "FAR05"),
        id="target-not-cop",
    ),
    pytest.param("02", {"currency": "XYZ"}, ("currency", "FAD15a"), id="unknown-currency"),
    pytest.param(
        "02", {"customer": CUSTOMER}, ("customer.address.country_code", "PAS-K01"), id="local"
    ),
    pytest.param("02", {"delivery_terms": None}, ("delivery_terms", "PAS-M01"), id="no-terms"),
    pytest.param(
        "02",
        {"delivery_terms": DeliveryTerms(incoterm="XXX")},
        ("delivery_terms.incoterm", "PAS-M02"),
        id="bad-incoterm",
    ),
    pytest.param(
        "01", {"currency": "USD"}, ("exchange_rate", "FAR02"), id="invoice-in-usd-no-rate"
    ),
    pytest.param(
        "03",
        {"additional_references": (AdditionalReference(id="TAL9"),)},
        ("additional_references[0]", "PAS-D05"),
        id="paper-invoice-without-date",
    ),
]


@pytest.fixture
async def gateway(tmp_path: Path):
    ctx = AppContext.create(make_test_settings(tmp_path))
    demo = await ensure_demo(ctx)
    tenant = await ctx.tenants.tenant_view(demo.tenant.id)
    yield ctx, tenant
    await ctx.close()


@pytest.mark.parametrize(("code", "changes", "expected"), CASES)
async def test_bad_input_is_refused_before_anything_is_spent(gateway, code, changes, expected):
    ctx, tenant = gateway
    with pytest.raises(ValidationFailed) as refused:
        await ctx.documents.issue(tenant, _unsent(code, **changes), dialect="test")
    found = [(p.path, p.rule) for p in refused.value.problems]
    assert expected in found
    assert all(p.message and p.message[0].isupper() for p in refused.value.problems)
    assert (await ctx.documents.list(tenant.id))[1] == 0  # nothing stored, no number spent


async def test_an_invoice_in_dollars_with_its_rate_is_accepted(gateway):
    ctx, tenant = gateway
    invoice = _unsent("01", currency="USD", exchange_rate=ExchangeRate(rate=Decimal("4012.35")))
    record = await ctx.documents.issue(tenant, invoice, dialect="test")
    assert record.status == "aceptado", record.dian_errors
    xml = (await ctx.documents.signed_xml(tenant.id, record.uuid)).decode()
    assert "<cbc:CalculationRate>4012.35</cbc:CalculationRate>" in xml
