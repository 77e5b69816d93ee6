"""Architecture rules of the code base, checked on its source (parsed, not imported): no
``create_all``; core names no dialect; only ``core/plugins.py`` calls pluggy hooks."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCE_ROOTS = ("core", "adapters", "plugins", "tests")


def python_files(*roots: str) -> Iterator[Path]:
    for root in roots:
        yield from sorted((REPO / root).rglob("*.py"))


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def uses_of(tree: ast.AST, name: str) -> list[int]:
    """Lines where ``name`` is used as code: an attribute, a bare name or an imported name
    (docstrings and comments may still mention it)."""
    lines = []
    for node in ast.walk(tree):
        if (
            (isinstance(node, ast.Attribute) and node.attr == name)
            or (isinstance(node, ast.Name) and node.id == name)
            or (isinstance(node, ast.alias) and name in (node.name, node.asname))
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("root", SOURCE_ROOTS)
def test_no_create_all(root: str) -> None:
    """Every table comes from a migration tree (core's or its plugin's); ``create_all`` would
    make tables that no migration knows, which later revisions could not upgrade."""
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path in python_files(root)
        for line in uses_of(parsed(path), "create_all")
    ]
    assert found == []


def test_the_rule_sees_a_create_all_call() -> None:
    tree = ast.parse("from sqlalchemy import MetaData\nMetaData().create_all(engine)\n")
    assert uses_of(tree, "create_all") == [2]
    assert uses_of(ast.parse('"""Never ``create_all``."""\n'), "create_all") == []


DIALECT_NAMES = re.compile(r"facepro|apidian|factus", re.IGNORECASE)
HOOK_FACADE = REPO / "core" / "plugins.py"


def test_no_core_module_names_a_dialect():
    """A dialect is a plugin like a vendor's: core's code, docstrings and comments don't know
    any by name (the bench, the demo and the listings ask the registry)."""
    named = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in python_files("core")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIALECT_NAMES.search(line)
    ]
    assert not named, "core names a dialect:\n" + "\n".join(named)


def test_only_the_facade_touches_pluggy_hooks():
    """Every hook call goes through ``core.plugins.PluginHooks``: no ``x.hook`` elsewhere."""
    offenders = [
        f"{path.relative_to(REPO)}:{node.lineno}"
        for path in python_files("core", "adapters", "plugins")
        if path != HOOK_FACADE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "hook"
    ]
    assert not offenders, "use core.plugins.PluginHooks instead of .hook: " + ", ".join(offenders)
