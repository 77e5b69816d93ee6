"""Small modules: none over 600 lines, tests included."""

from __future__ import annotations

from tests.architecture.source import SOURCE_TREES, python_sources, relative

MAX_MODULE_LINES = 600


def test_no_module_is_over_600_lines() -> None:
    too_long = {
        relative(path): lines
        for path in python_sources(*SOURCE_TREES)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"
