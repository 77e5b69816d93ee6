"""Two companies on one gateway and its simulator: the demo tenant sells, a second tenant
buys; the buyer loads the AttachedDocument of the supplier's invoice and answers it with
RADIAN events."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from core.context import AppContext
from core.demo import DemoSetup
from core.model import Document, Line, Party, Payment, Tax, TenantView
from core.radian.records import EventPerson, ReceivedInvoice
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.testing import make_test_settings
from core.validation.nit import check_digit
from plugins.environments.simulador.plugin import in_process_app

BUYER_NIT = "900222333"
BUYER_NAME = "Compradora Andina S.A.S."
PERSON = EventPerson(
    id_type="13", id_number="79123456", first_name="Laura", last_name="Gómez", job_title="Compras"
)


def sale(buyer_nit: str = BUYER_NIT, *, form: str = "2") -> Document:
    """A credit sale to a company (payment form 2 due in 30 days)."""
    return Document(
        type_code="01",
        operation_type="10",
        customer=Party(
            organization_type="1",
            id_type="31",
            id_number=buyer_nit,
            dv=check_digit(buyer_nit),
            name=BUYER_NAME,
        ),
        payment=Payment(form=form, means_code="47", due_date=dt.date.today() + dt.timedelta(30)),
        lines=(
            Line(
                description="Servicio de consultoría",
                quantity=Decimal("2"),
                unit_price=Decimal("150000"),
                taxes=(Tax(scheme="01", percent=Decimal("19")),),
            ),
        ),
    )


class Parties(msgspec.Struct, kw_only=True):
    supplier: TenantView
    buyer: TenantView


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> Settings:
    return make_test_settings(tmp_path, database_url=sqlite_url, retry_interval_s=60)


async def add_tenant(ctx: AppContext, nit: str, name: str) -> TenantView:
    party = Party(
        organization_type="1", id_type="31", id_number=nit, dv=check_digit(nit), name=name
    )
    record = await ctx.tenants.create_tenant(
        nit=nit,
        dv=check_digit(nit),
        party=party,
        environment="simulador",
        software_id=str(uuid.uuid4()),
        software_pin="54321",
        test_set_id=str(uuid.uuid4()),
    )
    pkcs12, password = generate_test_pkcs12(nit=nit, name=name)
    await ctx.certificates.attach_certificate(record.id, pkcs12, password)
    return await ctx.tenants.tenant_view(record.id)


@pytest.fixture
async def parties(ctx: AppContext, demo_tenant: DemoSetup) -> Parties:
    return Parties(
        supplier=await ctx.tenants.tenant_view(demo_tenant.tenant.id),
        buyer=await add_tenant(ctx, BUYER_NIT, BUYER_NAME),
    )


async def attached_document_of_a_sale(
    ctx: AppContext, supplier: TenantView, document: Document
) -> tuple[str, bytes]:
    """The supplier issues the sale through the gateway; its AttachedDocument as sent."""
    record = await ctx.documents.issue(supplier, document, dialect="test")
    assert record.status == "aceptado", record.dian_errors
    built = await ctx.attachments.for_issued(record)
    assert built is not None
    return record.unique_code, built[1]


@pytest.fixture
async def received(ctx: AppContext, parties: Parties) -> ReceivedInvoice:
    _, attached = await attached_document_of_a_sale(ctx, parties.supplier, sale())
    return await ctx.received.load(parties.buyer.id, attached, dialect="test")


class Clocks:
    """Move the gateway's and the simulated DIAN's clocks together."""

    def __init__(self, ctx: AppContext, settings: Settings) -> None:
        self.events = ctx.events
        self.dian = in_process_app(settings).state.simulated_dian.events

    def set(self, moment: dt.datetime) -> None:
        self.events.clock = self.dian.clock = lambda: moment


@pytest.fixture
def clocks(ctx: AppContext, settings: Settings) -> Clocks:
    return Clocks(ctx, settings)
