"""Fault injection: 503s, timeouts and "66 en proceso" at the configured shares, and never a
corrupted state: what got a 503 was not stored, what got a 66 was, a timeout may have been."""

from __future__ import annotations

import httpx
import pytest

from core.dian.client import DianClient
from core.dian.errors import DianHttpError, DianTimeout
from core.settings import Settings
from core.testing import migrate_test_database
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import SimulatorStore

DOCS = 40


def test_fault_settings_come_from_the_environment():
    sim = SimulatorSettings.from_env(
        {
            "PASARELA_SIM_LATENCY_MS": "25",
            "PASARELA_SIM_FAIL_503": "0.1",
            "PASARELA_SIM_FAIL_TIMEOUT": "0.05",
            "PASARELA_SIM_FAIL_66": "0.2",
            "PASARELA_SIM_SEED": "42",
            "PASARELA_SIM_TEST_SET": "01:8,91:1",
        }
    )
    assert (sim.latency_ms, sim.fail_503, sim.fail_timeout, sim.fail_66, sim.seed) == (
        25.0,
        0.1,
        0.05,
        0.2,
        42,
    )
    assert sim.test_set_required == {"01": 8, "91": 1}
    with pytest.raises(ValueError):
        SimulatorSettings.from_env({"PASARELA_SIM_FAIL_503": "1.5"})


async def test_injected_faults_keep_the_state_consistent(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'faults.db'}", secret_key="faults")
    migrate_test_database(settings.database_url)
    issuer = sample_issuer(nit="900200001")
    store = SimulatorStore.for_settings(settings)
    await store.register(issuer.provisioning())
    await store.dispose()
    documents = [prepare_sample(issuer, "01", 990000001 + i) for i in range(DOCS)]
    faulty = SimulatorSettings(fail_503=0.25, fail_timeout=0.15, fail_66=0.3, seed=7, hang_s=1.0)

    outcomes: dict[str, list[str]] = {"503": [], "timeout": [], "66": [], "00": []}
    with running_simulator(settings, faulty) as url:
        async with DianClient(url, issuer.identity, timeout=httpx.Timeout(0.5)) as client:
            for document in documents:
                try:
                    answer = await client.send_bill_sync(document.zip_name, document.zip)
                except DianHttpError as error:
                    assert error.status == 503
                    outcomes["503"].append(document.unique_code)
                except DianTimeout:
                    outcomes["timeout"].append(document.unique_code)
                else:
                    assert answer.status_code in {"00", "66"}, answer.error_messages
                    outcomes[answer.status_code].append(document.unique_code)

    assert all(outcomes[kind] for kind in ("503", "timeout", "66", "00")), outcomes

    # A fault-free view of the same simulated DIAN (same database) tells what was stored.
    with running_simulator(settings, SimulatorSettings()) as url:
        async with DianClient(url, issuer.identity) as client:
            for code in outcomes["503"]:
                assert (await client.get_status(code)).status_code == "66"
            for code in outcomes["66"] + outcomes["00"]:
                assert (await client.get_status(code)).status_code == "00"
            stored = [(await client.get_status(code)).status_code for code in outcomes["timeout"]]
            assert set(stored) <= {"00", "66"}
