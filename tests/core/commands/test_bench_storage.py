"""``pasarela bench storage`` issues real documents on a fresh database and ends with one
machine-readable line; an accepted 5-line invoice costs core's tables less than 20 KB."""

from __future__ import annotations

import re

from core.cli import build_parser


def test_bench_storage_prints_the_bytes_per_document(capsys):
    args = build_parser().parse_args(["bench", "storage", "--docs", "3", "--dialect", "facepro"])
    assert args.func(args) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    found = re.fullmatch(
        r"storage db_bytes_per_doc=(\d+) row_bytes_per_doc=(\d+) docs=3 errors=0", last
    )
    assert found is not None
    db_bytes, row_bytes = int(found[1]), int(found[2])
    assert 0 < row_bytes < 20_000 and db_bytes < 20_000  # the signed XML is stored deflated
