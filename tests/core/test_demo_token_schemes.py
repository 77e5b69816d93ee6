"""``serve --demo`` issues each dialect a credential in the scheme its clients present."""

from __future__ import annotations

import pytest

from core.api import Dialect, hookimpl
from core.demo import DEMO_NIT
from core.plugins import PluginHooks, get_plugin_manager


class OpaqueTokenDialect:
    """A dialect whose clients send an opaque bearer token (as APIDIAN's do)."""

    @hookimpl
    def pasarela_register_dialects(self, register) -> None:  # type: ignore[no-untyped-def]
        register(Dialect(id="opaco_api", title="Opaco", route_handlers=[], token_scheme="opaco"))


@pytest.fixture
def plugin_manager() -> PluginHooks:
    return get_plugin_manager(extra_plugins=[OpaqueTokenDialect()])


async def test_each_dialect_gets_a_credential_in_its_own_scheme(ctx, demo_tenant) -> None:
    opaque = demo_tenant.credentials["opaco_api"]
    assert opaque.scheme == "opaco" and "|" not in opaque.token and len(opaque.token) >= 60
    found = await ctx.credentials.authenticate("opaco_api", opaque.token, ("opaco",))
    assert found.tenant.nit == DEMO_NIT
    pair = demo_tenant.credentials["facepro"]
    assert pair.scheme == "par" and pair.token.startswith(f"{pair.id}|")
