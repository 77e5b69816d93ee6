"""``pasarela bench pipeline`` prepares real documents and ends with one machine-readable line."""

from __future__ import annotations

import re

from core.cli import build_parser
from core.commands import bench


def test_bench_pipeline_prints_one_result_line(capsys):
    args = build_parser().parse_args(["bench", "pipeline", "--docs", "5", "--lines", "2"])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(
        r"pipeline docs_per_s=\d+\.\d+ mean_ms=\d+\.\d+ signature_share=\d+\.\d{3}", lines[-1]
    )


def test_bench_pipeline_runs_every_document_type():
    for code in ("01", "91", "92", "20", "94", "93"):
        figures = bench.run_pipeline_bench(2, 1, code)
        assert figures.docs_per_s > 0 and figures.mean_ms > 0
        assert figures.signature_share > 0
