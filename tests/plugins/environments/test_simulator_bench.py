"""``pasarela bench simulator`` starts ``pasarela simulator`` in a child process and reports."""

from __future__ import annotations

import re

from core.cli import main


def test_bench_simulator_prints_its_machine_readable_line(capsys):
    assert main(["bench", "simulator", "--docs", "6", "--concurrency", "2"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    match = re.fullmatch(
        r"simulator docs_per_s=(\d+\.\d) p50_ms=(\d+\.\d) p99_ms=(\d+\.\d) errors=(\d+)", last
    )
    assert match is not None, last
    assert float(match[1]) > 0 and match[4] == "0"


def test_simulator_command_is_contributed_by_the_plugin(capsys):
    try:
        main(["simulator", "--help"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert "--port" in capsys.readouterr().out
