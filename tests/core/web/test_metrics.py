"""``/-/metrics``: Prometheus counters that count what the gateway did — documents by kind and
final state, DIAN calls by outcome (timeouts included), HTTP requests by dialect and status,
the job queue — in one process and added up across ``pasarela serve --workers 2``."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace

import httpx
import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.demo import credentials_document
from core.dian.client import DianClient
from core.dian.errors import DianTimeout
from core.plugins import build_registry, get_plugin_manager
from core.settings import Settings
from core.testing import migrate_test_database, serving_gateway
from plugins.environments.simulador.sample_documents import prepare_sample, sample_issuer
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import SimulatorStore

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/-/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE pasarela_jobs_queued gauge" in response.text  # read from the database
    return samples(response.text)


async def issue(client: httpx.AsyncClient, ctx, document: dict, sequence: int) -> tuple[str, int]:
    """One invoice in the first dialect whose clients need no sign-in step: (its id, the
    HTTP status of the answer)."""
    dialect = next(
        d
        for d in sorted(ctx.registry.dialects, key=lambda d: d.id)
        if d.bench is not None and d.bench.prepare is None
    )
    request = dialect.bench.request(document[dialect.id], sequence)
    response = await client.request(
        request.method, request.path, headers=dict(request.headers), json=dict(request.body)
    )
    assert dialect.bench.succeeded(response.status_code, response.json()), response.text
    return dialect.id, response.status_code


async def test_metrics_count_documents_dian_calls_and_requests(client, ctx, demo_tenant):
    document = credentials_document(ctx, demo_tenant, "http://testserver.local")
    before = await scrape(client)

    dialect, status = await issue(client, ctx, document, 1)
    await issue(client, ctx, document, 2)
    health = await client.get("/-/health")  # an operator route: no dialect label
    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("pasarela_documents_total", kind="01", state="aceptado") == 2
    calls = {"operation": "SendBillSync", "outcome": "ok"}
    assert grew("pasarela_dian_call_seconds_count", **calls) == 2
    assert grew("pasarela_dian_call_seconds_bucket", le="+Inf", **calls) == 2
    assert grew("pasarela_http_requests_total", dialect=dialect, status=str(status)) == 2
    assert grew("pasarela_http_request_seconds_count", dialect=dialect) == 2
    assert (
        grew("pasarela_http_requests_total", dialect="-", status=str(health.status_code)) == 2
    )  # and a scrape


async def test_a_dian_timeout_is_logged_and_counted(
    tmp_path: Path, client, caplog: pytest.LogCaptureFixture
):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lento.db'}", secret_key="lento")
    migrate_test_database(settings.database_url)
    issuer = sample_issuer(nit="900800001")
    store = SimulatorStore.for_settings(settings)
    await store.register(issuer.provisioning())
    await store.dispose()
    prepared = prepare_sample(issuer, "01", 990000001)
    before = await scrape(client)

    hanging = SimulatorSettings(fail_timeout=1.0, hang_s=2.0)
    with running_simulator(settings, hanging) as url, caplog.at_level(logging.INFO):
        async with DianClient(url, issuer.identity, timeout=httpx.Timeout(0.3)) as dian:
            with pytest.raises(DianTimeout):
                await dian.send_bill_sync(prepared.zip_name, prepared.zip)

    after = await scrape(client)
    labels = {"operation": "SendBillSync", "outcome": "timeout"}
    assert (
        value(after, "pasarela_dian_call_seconds_count", **labels)
        - value(before, "pasarela_dian_call_seconds_count", **labels)
        == 1
    )
    logged = [r for r in caplog.records if r.getMessage() == "dian call"]
    assert [(r.operation, r.outcome, r.levelname) for r in logged] == [  # type: ignore[attr-defined]
        ("SendBillSync", "timeout", "WARNING")
    ]


async def test_workers_add_up_their_counters(tmp_path: Path):
    credentials = tmp_path / "credenciales.json"
    args = ("--workers", "2", "--demo", "--credentials-out", str(credentials))
    with serving_gateway(tmp_path, *args) as (base_url, process):
        document = json.loads(credentials.read_text())
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            installed = SimpleNamespace(registry=build_registry(get_plugin_manager()))
            for sequence in range(1, 7):  # new connections: both workers take requests
                async with httpx.AsyncClient(base_url=base_url, timeout=60) as fresh:
                    await issue(fresh, installed, document, sequence)
            seen = {
                value(await scrape(client), "pasarela_documents_total", kind="01", state="aceptado")
                for _ in range(4)
            }
            cpu = value(await scrape(client), "process_cpu_seconds_total")
        workers = psutil.Process(process.pid).children()
        workers_cpu = sum(sum(w.cpu_times()[:2]) for w in workers)
    assert seen == {6.0}  # whichever worker answers, it reports both workers' documents
    # the gateway's CPU: what the workers counted (up to their last request), summed; the
    # kernel's figures psutil reads are whole clock ticks (10 ms for user and for system)
    assert 0 < cpu <= workers_cpu + 0.02 * len(workers)
