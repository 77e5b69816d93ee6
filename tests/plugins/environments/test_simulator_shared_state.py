"""Two simulator servers on one database behave as one simulated DIAN (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os

import pytest

from core.dian.client import DianClient
from core.settings import Settings
from core.storage.scratch_database import scratch_postgres_database
from core.testing import migrate_test_database
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import SimulatorStore


@pytest.fixture(params=["sqlite", "postgresql"])
async def shared_database(request: pytest.FixtureRequest, tmp_path):
    if request.param == "sqlite":
        migrate_test_database(f"sqlite:///{tmp_path / 'shared.db'}")
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    base = os.environ.get("PASARELA_TEST_DATABASE_URL", "")
    if not base:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PASARELA_TEST_DATABASE_URL must be set in CI")
        pytest.skip("PASARELA_TEST_DATABASE_URL not set")
    async with scratch_postgres_database(base) as url:
        migrate_test_database(url)
        yield url


async def test_two_servers_share_registry_documents_and_duplicates(shared_database):
    settings = Settings(database_url=shared_database, secret_key="shared-state-test-key")
    issuer = sample_issuer(nit="900400001")
    store = SimulatorStore.for_settings(settings)
    await store.register(issuer.provisioning())
    await store.dispose()
    first, second = prepare_sample(issuer, "01", 990000001), prepare_sample(issuer, "01", 990000002)

    with (
        running_simulator(settings, SimulatorSettings()) as url_a,
        running_simulator(settings, SimulatorSettings()) as url_b,
    ):
        async with DianClient(url_a, issuer.identity) as a, DianClient(url_b, issuer.identity) as b:
            assert (await a.send_bill_sync(first.zip_name, first.zip)).status_code == "00"
            assert (await b.send_bill_sync(first.zip_name, first.zip)).is_duplicate
            assert (await b.get_status(first.unique_code)).status_code == "00"

            # The same number raced through both servers: exactly one acceptance.
            answers = await asyncio.gather(
                a.send_bill_sync(second.zip_name, second.zip),
                b.send_bill_sync(second.zip_name, second.zip),
            )
            assert sorted(answer.status_code for answer in answers) == ["00", "99"]
            assert sum(answer.is_duplicate for answer in answers) == 1
