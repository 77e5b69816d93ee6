"""``pasarela bench pdf`` renders real prepared documents and ends with one result line."""

from __future__ import annotations

import re

from core.cli import build_parser


def test_bench_pdf_prints_one_result_line(capsys):
    args = build_parser().parse_args(["bench", "pdf", "--docs", "3", "--lines", "20"])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"pdf docs_per_s=\d+\.\d+ mean_ms=\d+\.\d+", lines[-1])


def test_bench_pdf_refuses_zero_documents(capsys):
    args = build_parser().parse_args(["bench", "pdf", "--docs", "0"])
    assert args.func(args) == 2
    assert "--docs y --lines deben ser mayores que cero" in capsys.readouterr().err
