"""The ``simulador`` environment plugin: registration, portal provisioning, in-process use."""

from __future__ import annotations

from core.dian.client import DianClient
from core.plugins import build_registry, get_plugin_manager
from core.settings import Settings
from core.testing import migrate_test_database
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer


def test_environment_is_registered_like_a_third_party_plugin():
    environment = build_registry(get_plugin_manager()).environments.get("simulador")
    assert environment.profile_execution_id == "2"
    assert environment.soap_url is None
    assert environment.qr_url("abc") == (
        "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=abc"
    )
    assert environment.provision is not None


def test_a_standalone_simulator_url_comes_from_settings():
    environment = build_registry(get_plugin_manager()).environments.get("simulador")
    url, transport = environment.endpoint(Settings(simulator_url="http://10.0.0.5:8089"))
    assert (url, transport) == ("http://10.0.0.5:8089/WcfDianCustomerServices.svc", None)


async def test_provisioned_tenant_is_served_in_process(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'gateway.db'}")
    migrate_test_database(settings.database_url)
    environment = build_registry(get_plugin_manager()).environments.get("simulador")
    issuer = sample_issuer(nit="900300001")
    await environment.provision(settings, issuer.provisioning())
    await environment.provision(settings, issuer.provisioning())  # idempotent

    url, transport = environment.endpoint(settings)
    assert transport is not None  # no socket: the simulator runs inside this process
    prepared = prepare_sample(issuer, "01", 990000001)
    async with DianClient(url, issuer.identity, transport=transport) as client:
        answer = await client.send_bill_sync(prepared.zip_name, prepared.zip)
        ranges = await client.get_numbering_range(
            issuer.tenant.nit, issuer.tenant.nit, issuer.tenant.software["facturacion"].id
        )
    assert answer.status_code == "00", answer.error_messages
    assert [r.prefix for r in ranges.ranges] == ["SETP"]
