"""Documentation kept in step with the code: every hook spec has a README entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import hookspecs

README = Path(__file__).resolve().parent.parent / "README.md"


def hook_names() -> list[str]:
    return sorted(
        name
        for name in dir(hookspecs)
        if name.startswith("pasarela_") and callable(getattr(hookspecs, name))
    )


def hook_reference_headings() -> list[str]:
    """Hook names of the ``#### `name(...)``` headings under README's "### Hook reference"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Hook reference", 1)[1]
    section = re.split(r"^#{1,3} ", section, maxsplit=1, flags=re.MULTILINE)[0]
    return re.findall(r"^#### `(pasarela_\w+)\(", section, flags=re.MULTILINE)


def test_readme_has_a_hook_reference_section():
    assert "### Hook reference" in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("hook", hook_names())
def test_hook_is_documented_in_readme(hook):
    assert hook in hook_reference_headings(), f"README '### Hook reference' lacks `{hook}(...)`"


def test_readme_documents_no_hook_that_does_not_exist():
    assert sorted(set(hook_reference_headings())) == hook_names()


def test_every_hookspec_has_a_docstring():
    for name in hook_names():
        assert (getattr(hookspecs, name).__doc__ or "").strip(), name
