"""Nothing is lost: DIAN faults and a killed gateway process still end with every document
accepted exactly once, under the number it was first given."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import msgspec
from sqlalchemy import create_engine, text

from core.context import AppContext
from core.demo import ensure_demo
from core.model import Document, Line, Party, Tax
from core.testing import make_test_settings
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.simulator_settings import SimulatorSettings

INVOICE = Document(
    type_code="01",
    operation_type="10",
    customer=Party(organization_type="2", id_type="13", id_number="71234567", name="JUAN PEREZ"),
    lines=(
        Line(
            description="Producto 1",
            quantity=Decimal("2"),
            unit_price=Decimal("50000"),
            taxes=(Tax(scheme="01", percent=Decimal("19")),),
        ),
    ),
)


async def _wait_until_settled(ctx: AppContext, tenant_id: int, expected: int, limit_s: float):
    deadline = time.monotonic() + limit_s
    while True:
        pending = await ctx.documents.list(tenant_id, status="pendiente", per_page=1)
        if pending[1] == 0 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    accepted = await ctx.documents.list(tenant_id, status="aceptado", per_page=1)
    everything = await ctx.documents.list(tenant_id, per_page=1)
    return accepted[1], everything[1]


def _numbers(database_url: str) -> list[int]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT number FROM documents ORDER BY number")).all()
    engine.dispose()
    return [row[0] for row in rows]


async def test_300_documents_survive_503s_and_timeouts(tmp_path: Path) -> None:
    settings = make_test_settings(
        tmp_path,
        retry_interval_s=0.05,
        retry_max_backoff_s=1.0,
        dian_timeout_s=2.0,
        max_attempts=10_000,
    )
    faults = SimulatorSettings(fail_503=0.2, fail_timeout=0.1, seed=20261123, hang_s=3.0)
    with running_simulator(settings, faults) as url:
        ctx = AppContext.create(msgspec.structs.replace(settings, simulator_url=url))
        await ctx.start()
        try:
            demo = await ensure_demo(ctx)
            tenant = await ctx.tenants.tenant_view(demo.tenant.id)
            gate = asyncio.Semaphore(16)

            async def issue_one():
                async with gate:
                    return await ctx.documents.issue(tenant, INVOICE, dialect="test")

            first_answers = await asyncio.gather(*(issue_one() for _ in range(300)))
            accepted, total = await _wait_until_settled(ctx, tenant.id, 300, limit_s=240)
        finally:
            await ctx.close()

    assert {r.status for r in first_answers} <= {"aceptado", "pendiente"}
    assert any(r.status == "pendiente" for r in first_answers)  # faults really happened
    assert (accepted, total) == (300, 300)
    numbers = _numbers(settings.database_url.replace("sqlite+aiosqlite", "sqlite"))
    assert numbers == list(range(990000000, 990000300))


WORKER = textwrap.dedent(
    """
    import asyncio, sys
    from decimal import Decimal
    import msgspec
    from core.demo import ensure_demo
    from core.settings import Settings
    from core.context import AppContext
    from core.model import Document, Line, Party, Tax

    async def main():
        settings = msgspec.json.decode(sys.argv[1].encode(), type=Settings)
        ctx = AppContext.create(settings)
        demo = await ensure_demo(ctx)
        tenant = await ctx.tenants.tenant_view(demo.tenant.id)
        invoice = Document(
            type_code="01", operation_type="10",
            customer=Party(organization_type="2", id_type="13", id_number="71234567",
                           name="JUAN PEREZ"),
            lines=(Line(description="Producto", quantity=Decimal("1"),
                        unit_price=Decimal("1000"),
                        taxes=(Tax(scheme="01", percent=Decimal("19")),)),),
        )
        print("ready", flush=True)
        await asyncio.gather(*(ctx.documents.issue(tenant, invoice, dialect="test")
                               for _ in range(5)))
        print("finished", flush=True)

    asyncio.run(main())
    """
)


JOB_LEASE_S = 1.0


def _leases(database_url: str) -> list[tuple[str, float | None]]:
    """Each job's kind and the length of its current lease, in seconds."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT kind, lease_until, updated_at FROM jobs ORDER BY id")
        ).all()
    engine.dispose()
    return [
        (
            kind,
            None if until is None else (_time(until) - _time(updated)).total_seconds(),
        )
        for kind, until, updated in rows
    ]


def _time(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


async def test_killed_gateway_process_finishes_pending_documents_after_restart(
    tmp_path: Path,
) -> None:
    """The crashed process's documents come back after the job lease (PASARELA_JOB_LEASE),
    not after a time derived from the DIAN timeout (10 s here: the sends were still waiting
    for the simulator when the process died)."""
    settings = make_test_settings(
        tmp_path, retry_interval_s=0.05, dian_timeout_s=10.0, job_lease_s=JOB_LEASE_S
    )
    slow = SimulatorSettings(latency_ms=4000)
    with running_simulator(settings, slow) as url:
        gateway_settings = msgspec.structs.replace(settings, simulator_url=url)
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER, msgspec.json.encode(gateway_settings).decode()],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        )
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == b"ready"
            sync_url = settings.database_url.replace("sqlite+aiosqlite", "sqlite")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # wait until all five are signed and in flight
                engine = create_engine(sync_url)
                with engine.connect() as connection:
                    signed = connection.execute(
                        text("SELECT count(*) FROM documents WHERE signed_xml IS NOT NULL")
                    ).scalar_one()
                engine.dispose()
                if signed == 5:
                    break
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)  # mid-send: the simulator is still "thinking"
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
        # five delivery jobs, each held under a lease of PASARELA_JOB_LEASE (renewed while
        # its send was waiting), none yet settled
        assert _leases(sync_url) == [("dian.deliver", JOB_LEASE_S)] * 5

        restarted = AppContext.create(
            msgspec.structs.replace(gateway_settings, dian_timeout_s=10.0)
        )
        await restarted.start()
        try:
            demo = await ensure_demo(restarted)
            pending_before = await restarted.documents.list(demo.tenant.id, status="pendiente")
            # the leases' length is asserted above; this only waits for the outcome (a
            # generous bound, so a slow machine does not turn it into a timing assertion)
            accepted, total = await _wait_until_settled(restarted, demo.tenant.id, 5, 120)
        finally:
            await restarted.close()

    assert pending_before[1] == 5
    assert (accepted, total) == (5, 5)
    assert _numbers(sync_url) == list(range(990000000, 990000005))
    assert [lease for lease in _leases(sync_url) if lease[0] == "dian.deliver"] == []
