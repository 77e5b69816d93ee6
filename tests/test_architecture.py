"""Architecture rules of the code base, checked on its source (parsed, not imported)."""

from __future__ import annotations

import ast
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
