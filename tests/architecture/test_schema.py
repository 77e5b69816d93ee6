"""Plugins own their schema: every table comes from a migration tree."""

from __future__ import annotations

import ast

import pytest

from tests.architecture.source import SOURCE_TREES, parsed, python_sources, relative


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


@pytest.mark.parametrize("tree", SOURCE_TREES)
def test_no_create_all(tree: str) -> None:
    """Every table comes from a migration tree (core's or its plugin's); ``create_all`` would
    make tables that no migration knows, which later revisions could not upgrade."""
    found = [
        f"{relative(path)}:{line}"
        for path in python_sources(tree)
        for line in uses_of(parsed(path), "create_all")
    ]
    assert found == []


def test_the_rule_sees_a_create_all_call() -> None:
    tree = ast.parse("from sqlalchemy import MetaData\nMetaData().create_all(engine)\n")
    assert uses_of(tree, "create_all") == [2]
    assert uses_of(ast.parse('"""Never ``create_all``."""\n'), "create_all") == []
