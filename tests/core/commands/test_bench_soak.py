"""``pasarela bench soak`` on PostgreSQL: two gateway processes, a simulator answering 503s
and timing out, one gateway killed with SIGKILL half-way and restarted — every request ends
in exactly one accepted document, with no gap in the numbering."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_soak_with_a_killed_gateway_loses_nothing(postgres_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASARELA_")} | {
        "PASARELA_DATABASE_URL": postgres_url,
        "PASARELA_SECRET_KEY_FILE": str(tmp_path / "soak.key"),
    }
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("pasarela")),
            "bench",
            "soak",
            "--dialect",
            "facepro",
            "--processes",
            "2",
            "--docs",
            "40",
            "--kill-one",
            "--workdir",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    last = run.stdout.strip().splitlines()[-1].split()
    assert last[0] == "soak", run.stdout + run.stderr
    figures = dict(part.split("=") for part in last[1:])
    assert list(figures) == ["sent", "accepted", "lost", "duplicates", "gaps", "drain_s"]
    assert {k: figures[k] for k in ("sent", "accepted", "lost", "duplicates", "gaps")} == {
        "sent": "40",
        "accepted": "40",
        "lost": "0",
        "duplicates": "0",
        "gaps": "0",
    }
    assert run.returncode == 0
    # the first gateway was killed and started again
    log = (tmp_path / "soak-gateway-0.log").read_text()
    assert log.count("Application startup complete") == 2
