"""A defect while building (here: a plugin's amend hook) never loses the request: the document
keeps its number and ends "fallido" with the reason, instead of a 500 and a silent gap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.api import hookimpl
from core.model import Document, Line, Party, Tax
from core.plugins import get_plugin_manager


class BrokenAmendment:
    @hookimpl
    def pasarela_amend_ubl(self, root, document, document_type) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("extensión sectorial mal configurada")


@pytest.fixture
def plugin_manager():
    return get_plugin_manager(extra_plugins=[BrokenAmendment()])


async def test_a_build_defect_marks_the_document_failed(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    invoice = Document(
        type_code="01",
        operation_type="10",
        customer=Party(organization_type="2", id_type="13", id_number="1", name="X"),
        lines=(
            Line(
                description="Producto",
                quantity=Decimal("1"),
                unit_price=Decimal("10"),
                taxes=(Tax(scheme="01", percent=Decimal("19")),),
            ),
        ),
    )
    record = await ctx.documents.issue(tenant, invoice, dialect="test")
    assert record.status == "fallido"
    assert record.number == 990000000
    assert "extensión sectorial mal configurada" in (record.last_error or "")
    stored = await ctx.documents.get(tenant.id, record.uuid)
    assert stored.status == "fallido"
