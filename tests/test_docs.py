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


def configuration_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Configuration", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    "source", ["core/settings.py", "core/plugins.py"], ids=lambda s: s.split("/")[-1]
)
def test_every_environment_variable_is_in_the_configuration_section(source):
    code = (README.parent / source).read_text(encoding="utf-8")
    variables = set(re.findall(r"\bPASARELA_[A-Z_]+\b", code))
    assert variables
    missing = sorted(v for v in variables if f"`{v}`" not in configuration_section())
    assert not missing, f"README '## Configuration' lacks {missing}"


def test_every_cli_command_is_in_the_readme():
    from core.cli import build_parser

    text = README.read_text(encoding="utf-8")
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")
    for name in subparsers.choices:
        assert f"`{name}" in text or f"pasarela {name}" in text, f"README lacks `{name}`"
