"""``serve --demo``'s tenant: complete, idempotent, with working credentials for every dialect."""

from __future__ import annotations

import datetime as dt
import json
import stat

from core.demo import (
    DEMO_NIT,
    credentials_document,
    ensure_demo,
    write_credentials_file,
)


async def test_demo_tenant_is_complete(ctx, demo_tenant):
    tenant = demo_tenant.tenant
    assert (tenant.nit, tenant.dv) == ("900373076", "4")
    assert tenant.environment == "simulador"
    assert tenant.party.address.municipality_code == "11001"
    assert tenant.party.tax_level_codes == ("O-13", "O-15")
    assert tenant.certificate is not None
    assert tenant.certificate.not_after > dt.datetime.now(dt.UTC)
    view = await ctx.tenants.tenant_view(tenant.id)
    channels = {kind.software_channel for kind in ctx.registry.document_types}
    assert set(view.software) == channels  # a software for every channel a kind is sent with
    for software in view.software.values():
        assert len(software.pin) == 5 and software.pin.isdigit()
        assert len(software.id) == 36
    assert len({s.id for s in view.software.values()}) == len(channels)
    pkcs12, password = await ctx.certificates.load_certificate(tenant.id)
    assert pkcs12 and password


async def test_demo_ranges_cover_the_installed_document_types(ctx, demo_tenant):
    ranges = {
        r.range.document_type: r.range for r in await ctx.ranges.list_ranges(demo_tenant.tenant.id)
    }
    invoice = ranges["01"]
    assert (invoice.prefix, invoice.from_number, invoice.to_number) == (
        "SETP",
        990000000,
        995000000,
    )
    assert invoice.resolution_number == "18760000001"
    assert (invoice.valid_from, invoice.valid_to) == (dt.date(2019, 1, 19), dt.date(2030, 1, 19))
    assert invoice.technical_key == "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c"
    assert (ranges["91"].prefix, ranges["92"].prefix) == ("NC", "ND")
    kinds = list(ctx.registry.document_types)
    assert set(ranges) == {k.range_type for k in kinds if k.demo_range is not None}
    for kind in kinds:  # each kind's declared demo range, nothing else
        if kind.demo_range is not None:
            assert ranges[kind.range_type].prefix == kind.demo_range.prefix
    installed = {k.range_type for k in kinds}
    if "20" in installed:
        assert ranges["20"].prefix == "POS"


async def test_running_the_demo_again_adds_nothing_but_fresh_credentials(ctx, demo_tenant):
    again = await ensure_demo(ctx)
    assert again.tenant.id == demo_tenant.tenant.id
    assert again.tenant.certificate == demo_tenant.tenant.certificate
    assert [t.nit for t in await ctx.tenants.list_tenants()] == [DEMO_NIT]
    ranges = await ctx.ranges.list_ranges(again.tenant.id)
    assert len(ranges) == len({(r.range.document_type, r.range.prefix) for r in ranges})
    for dialect_id, issued in again.credentials.items():
        assert issued.token != demo_tenant.credentials[dialect_id].token
        for token in (issued.token, demo_tenant.credentials[dialect_id].token):
            found = await ctx.credentials.authenticate(dialect_id, token, (issued.scheme,))
            assert found.tenant.nit == DEMO_NIT


async def test_credentials_document_has_an_entry_per_dialect(ctx, demo_tenant, tmp_path):
    document = credentials_document(ctx, demo_tenant, "http://127.0.0.1:8000/")
    assert document["base_url"] == "http://127.0.0.1:8000"
    assert document["tenant"]["nit"] == DEMO_NIT and document["tenant"]["dv"] == "4"
    assert set(ctx.registry.dialects.ids()) <= set(document)
    assert set(demo_tenant.credentials) == set(ctx.registry.dialects.ids())
    path = tmp_path / "out" / "credentials.json"
    write_credentials_file(path, document)
    assert json.loads(path.read_text()) == document
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
