"""The test-set runner against the simulator: from a fresh company to an accepted set, and
resumed after an interruption without spending a number twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from habilitacion_support import NIT, REQUIRED, ctx, fresh_company, set_id_of
from lxml import etree

from core.context import AppContext
from core.habilitacion.runner import PollPolicy, run_test_set
from core.habilitacion.test_set import set_documents
from core.model import DocumentRecord
from core.testing import dian_xsd_dir, free_port, make_test_settings
from core.ubl.schemas import schema_errors
from plugins.environments.simulador.store import SimulatorStore

__all__ = ["ctx"]

NO_WAIT = PollPolicy(first_delay_s=0.0, timeout_s=5.0)


class Interrupted(Exception):
    """Stands for Ctrl-C in the middle of a run."""


class StopAfter:
    """A progress display that interrupts the run after ``count`` documents were sent."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.sent_numbers: list[str] = []

    def planned(self, required, counted) -> None:  # type: ignore[no-untyped-def]
        pass

    def sent(self, record: DocumentRecord) -> None:
        self.sent_numbers.append(record.full_number)
        if len(self.sent_numbers) == self.count:
            raise Interrupted

    def decided(self, record: DocumentRecord) -> None:
        pass


async def test_a_fresh_company_reaches_an_accepted_test_set(ctx: AppContext) -> None:
    record = await fresh_company(ctx)
    standing = await run_test_set(ctx, NIT, composition=REQUIRED, poll=NO_WAIT)

    assert standing.verdict == "aceptado"
    assert standing.dian_message == (
        f"Set de prueba con identificador {set_id_of(record)} se encuentra Aceptado."
    )
    rows = {k.code: (k.required, k.sent, k.accepted, k.rejected, k.pending) for k in standing.kinds}
    assert rows == {"01": (2, 2, 2, 0, 0), "91": (1, 1, 1, 0, 0), "92": (1, 1, 1, 0, 0)}

    documents = await set_documents(ctx, record.id, "simulador", set_id_of(record))
    assert [(d.type_code, d.prefix, d.number) for d in documents] == [
        ("01", "SETP", 990000000),
        ("01", "SETP", 990000001),
        ("91", "NC", 1),
        ("92", "ND", 1),
    ]
    # a real set: no two documents alike, and every one valid against DIAN's schemas
    assert len({d.payable for d in documents}) == 4
    invoices = {d.unique_code for d in documents if d.type_code == "01"}
    for note in documents[2:]:
        assert note.canonical() is not None
        assert note.canonical().billing_reference.uuid in invoices  # type: ignore[union-attr]
    xsd = dian_xsd_dir()
    if xsd is not None:
        for document in documents:
            root = etree.fromstring((document.signed_xml or "").encode())
            assert schema_errors(root, xsd) == []

    # the simulated DIAN received exactly the set, each document once
    store = SimulatorStore(ctx.settings.database_url)
    try:
        counts = await store.test_set_counts(set_id_of(record))
    finally:
        await store.dispose()
    assert counts == {"01": (2, 0), "91": (1, 0), "92": (1, 0)}

    again = await run_test_set(ctx, NIT, composition=REQUIRED, poll=NO_WAIT)
    assert again.accepted
    assert len(await set_documents(ctx, record.id, "simulador", set_id_of(record))) == 4


async def test_an_interrupted_run_resumes_without_spending_numbers_twice(
    ctx: AppContext,
) -> None:
    record = await fresh_company(ctx)
    stop = StopAfter(2)
    with pytest.raises(Interrupted):
        await run_test_set(ctx, NIT, composition=REQUIRED, poll=NO_WAIT, progress=stop)
    assert stop.sent_numbers == ["SETP990000000", "SETP990000001"]

    standing = await run_test_set(ctx, NIT, composition=REQUIRED, poll=NO_WAIT)
    assert standing.accepted
    documents = await set_documents(ctx, record.id, "simulador", set_id_of(record))
    numbers = [f"{d.prefix}{d.number}" for d in documents]
    assert numbers == [
        "SETP990000000",
        "SETP990000001",
        "NC1",
        "ND1",
    ]
    assert len(set(numbers)) == len(numbers)
    store = SimulatorStore(ctx.settings.database_url)
    try:
        counts = await store.test_set_counts(set_id_of(record))
    finally:
        await store.dispose()
    assert counts == {"01": (2, 0), "91": (1, 0), "92": (1, 0)}


async def test_documents_that_never_reached_dian_are_sent_again_not_renumbered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DIAN unreachable during the first run: its invoices stay pending, numbered and signed;
    the next run sends those same documents (asking DIAN first) and completes the set."""
    monkeypatch.setenv("PASARELA_SIM_TEST_SET", "01:2,91:1,92:1")
    down = AppContext.create(
        make_test_settings(tmp_path, simulator_url=f"http://127.0.0.1:{free_port()}")
    )
    try:
        record = await fresh_company(down)
        first = await run_test_set(
            down, NIT, composition=REQUIRED, poll=PollPolicy(first_delay_s=0.0, timeout_s=0.0)
        )
    finally:
        await down.close()
    assert first.verdict == "en_proceso"
    assert [(k.code, k.sent, k.pending) for k in first.kinds] == [
        ("01", 2, 2),
        ("91", 0, 0),
        ("92", 0, 0),
    ]
    assert first.problems == (
        "91: no hay un documento 01 aceptado en el set al que referirse",
        "92: no hay un documento 01 aceptado en el set al que referirse",
    )

    back = AppContext.create(make_test_settings(tmp_path))
    try:
        standing = await run_test_set(back, NIT, composition=REQUIRED, poll=NO_WAIT)
        documents = await set_documents(back, record.id, "simulador", set_id_of(record))
        store = SimulatorStore(back.settings.database_url)
        try:
            counts = await store.test_set_counts(set_id_of(record))
        finally:
            await store.dispose()
    finally:
        await back.close()
    assert standing.accepted
    assert [f"{d.prefix}{d.number}" for d in documents] == [
        "SETP990000000",
        "SETP990000001",
        "NC1",
        "ND1",
    ]
    assert counts == {"01": (2, 0), "91": (1, 0), "92": (1, 0)}
