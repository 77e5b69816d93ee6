"""Property: whatever a client sends to any route of any dialect — broken JSON, wrong types,
hostile strings, bodies nested thousands deep, wrong or missing credentials — the gateway
answers without a 5xx, in the dialect's own error shape, without a traceback, and in bounded
time. A real ``pasarela serve --demo`` process over a socket; hypothesis draws the requests
(``core.fuzzing``), bounded so CI stays fast; ``pasarela bench fuzz`` runs the same longer."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.commands.bench_fuzz import run_fuzz
from core.plugins import build_registry, get_plugin_manager
from core.testing import serving_gateway

REQUESTS_PER_DIALECT = 150
SLOWEST_BOUND_MS = 10_000.0  # a guard against catastrophic parsing, not a performance target
DIALECTS = sorted(d.id for d in build_registry(get_plugin_manager()).dialects)
UNLIMITED = {f"PASARELA_RATE_LIMIT_{d.upper()}": "0" for d in DIALECTS}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    directory = tmp_path_factory.mktemp("fuzz")
    credentials_path = directory / "credentials.json"
    demo = ("--demo", "--credentials-out", str(credentials_path))
    # a rate limit would answer most requests 429 before they reach the routes' own checks
    with serving_gateway(directory, *demo, env_overrides=UNLIMITED) as (url, _):
        yield url, json.loads(credentials_path.read_text())


@pytest.mark.parametrize("dialect_id", DIALECTS)
def test_no_hostile_request_breaks_a_dialect(
    gateway: tuple[str, dict[str, Any]], dialect_id: str
) -> None:
    url, credentials = gateway
    dialect = build_registry(get_plugin_manager()).dialects.get(dialect_id)
    report = run_fuzz(
        url, dialect, credentials.get(dialect_id), count=REQUESTS_PER_DIALECT, seed=20261205
    )
    assert report.requests == REQUESTS_PER_DIALECT
    assert report.findings == []
    assert (report.server_errors, report.shape_errors) == (0, 0)
    assert report.slowest_ms < SLOWEST_BOUND_MS


def test_bench_fuzz_prints_its_line(gateway: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    url, credentials = gateway
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps(credentials))
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("pasarela")),
            "bench",
            "fuzz",
            "--dialect",
            DIALECTS[0],
            "--requests",
            "20",
            "--seed",
            "20261205",
            "--credentials",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-1].split()
    assert last[0] == "fuzz"
    figures = dict(part.split("=") for part in last[1:])
    assert list(figures) == ["requests", "server_errors", "shape_errors", "slowest_ms"]
    assert (figures["requests"], figures["server_errors"], figures["shape_errors"]) == (
        "20",
        "0",
        "0",
    )
    assert float(figures["slowest_ms"]) > 0
