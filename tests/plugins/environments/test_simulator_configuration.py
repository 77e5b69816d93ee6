"""A simulator that cannot see the gateways' companies (it runs on another database) says so:
its SOAP fault and its log name the setting to fix, instead of a bare InvalidSecurity."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core.dian.client import DianClient
from core.dian.errors import SoapFaultError
from core.settings import Settings
from core.testing import migrate_test_database
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import SimulatorStore


async def test_a_simulator_on_another_database_names_the_setting(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'otra.db'}", secret_key="sim")
    migrate_test_database(settings.database_url)  # the simulator's tables, but no company
    issuer = sample_issuer(nit="900700001")  # provisioned on the gateways' database only
    prepared = prepare_sample(issuer, "01", 990000001)

    with running_simulator(settings, SimulatorSettings()) as url, caplog.at_level(logging.INFO):
        async with DianClient(url, issuer.identity) as client:
            with pytest.raises(SoapFaultError) as caught:
                await client.send_bill_sync(prepared.zip_name, prepared.zip)

    assert caught.value.code == "s:Receiver"
    assert caught.value.subcode != "a:InvalidSecurity"
    assert "PASARELA_DATABASE_URL" in caught.value.reason
    assert "misma base de datos" in caught.value.reason
    logged = [r for r in caplog.records if r.getMessage() == "simulator misconfigured"]
    assert logged and "PASARELA_DATABASE_URL" in logged[0].reason  # type: ignore[attr-defined]

    # once a company is registered there, an unknown certificate is InvalidSecurity again
    store = SimulatorStore.for_settings(settings)
    await store.register(sample_issuer(nit="900700002").provisioning())
    await store.dispose()
    with running_simulator(settings, SimulatorSettings()) as url:
        async with DianClient(url, issuer.identity) as client:
            with pytest.raises(SoapFaultError) as caught:
                await client.send_bill_sync(prepared.zip_name, prepared.zip)
    assert caught.value.subcode == "a:InvalidSecurity"


async def test_a_simulator_with_another_secret_key_names_the_setting(tmp_path: Path) -> None:
    """The simulator keeps the PINs encrypted with the gateways' key: started with another
    key it cannot check a CUDE, and says which setting to fix."""
    registered = Settings(database_url=f"sqlite:///{tmp_path / 'sim.db'}", secret_key="la-buena")
    migrate_test_database(registered.database_url)
    issuer = sample_issuer(nit="900700003")
    store = SimulatorStore.for_settings(registered)
    await store.register(issuer.provisioning())
    await store.dispose()
    note = prepare_sample(issuer, "91", 990000001)  # its CUDE needs the software PIN

    other_key = Settings(database_url=registered.database_url, secret_key="otra")
    with running_simulator(other_key, SimulatorSettings()) as url:
        async with DianClient(url, issuer.identity) as client:
            with pytest.raises(SoapFaultError) as caught:
                await client.send_bill_sync(note.zip_name, note.zip)
    assert caught.value.code == "s:Receiver"
    assert "PASARELA_SECRET_KEY" in caught.value.reason
