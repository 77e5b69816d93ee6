"""The layers point one way: adapters stand on ``core.api`` alone, core names no dialect, only
``core/plugins.py`` calls pluggy hooks, signing does not reach into DIAN transport, and no module
reaches itself through imports (guarded or late imports included)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.architecture.source import (
    PACKAGES,
    REPO,
    imported_modules,
    parsed,
    python_sources,
    relative,
)

DIALECT_NAMES = re.compile(r"facepro|apidian|factus", re.IGNORECASE)
HOOK_FACADE = REPO / "core" / "plugins.py"


def test_adapters_import_core_only_through_core_api() -> None:
    """A dialect of ours is written the way a vendor's is: on ``core.api`` alone."""

    def through_api(module: str) -> bool:
        return module == "core.api" or module.startswith("core.api.")

    offending: set[tuple[str, str]] = set()
    sources = python_sources("adapters")
    assert sources
    for source in sources:
        name = relative(source)
        tree = parsed(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == "core":  # from core import api, model ...
                    modules = [f"core.{alias.name}" for alias in node.names]
                else:
                    modules = [node.module]
            else:
                continue
            for module in modules:
                if module.split(".")[0] == "core" and not through_api(module):
                    offending.add((name, module))
    assert offending == set()


def test_no_core_module_names_a_dialect():
    """A dialect is a plugin like a vendor's: core's code, docstrings and comments don't know
    any by name (the bench, the demo and the listings ask the registry)."""
    named = [
        f"{relative(path)}:{number}: {line.strip()}"
        for path in python_sources("core")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIALECT_NAMES.search(line)
    ]
    assert not named, "core names a dialect:\n" + "\n".join(named)


def test_only_the_facade_touches_pluggy_hooks():
    """Every hook call goes through ``core.plugins.PluginHooks``: no ``x.hook`` elsewhere."""
    offenders = [
        f"{relative(path)}:{node.lineno}"
        for path in python_sources(*PACKAGES)
        if path != HOOK_FACADE
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.Attribute) and node.attr == "hook"
    ]
    assert not offenders, "use core.plugins.PluginHooks instead of .hook: " + ", ".join(offenders)


@pytest.mark.parametrize("path", python_sources("core/signing"), ids=relative)
def test_signing_does_not_import_dian(path: Path) -> None:
    """WS-Security lives in core.dian beside the SOAP it signs: the layers point one way."""
    offending = sorted(m for m in imported_modules(path) if m.startswith("core.dian"))
    assert not offending, f"{relative(path)} imports {offending}"


def test_no_import_cycle_between_modules() -> None:
    """No module of core/, adapters/ or plugins/ reaches itself through imports.

    Every import counts: top-level, inside a function, under ``if TYPE_CHECKING:``. A cycle
    hidden behind a guarded or late import is still a cycle (the dependency points the wrong
    way). Importing ``a.b.c`` from outside package ``a.b`` also runs ``a/__init__`` and
    ``a/b/__init__``, so those count as dependencies too; a package's own modules do not
    depend on their package's ``__init__`` (Python has already started it), unless they take
    a name defined there.
    """
    roots = PACKAGES
    modules: dict[str, Path] = {}
    for root in roots:
        for path in sorted((REPO / root).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path

    def is_package(name: str) -> bool:
        return modules[name].name == "__init__.py"

    def targets(importer: str, imported: str) -> set[str]:
        """The modules of ours that importing ``imported`` from ``importer`` runs."""
        found: set[str] = set()
        parts = imported.split(".")
        for end in range(1, len(parts) + 1):
            candidate = ".".join(parts[:end])
            if candidate not in modules:
                continue
            inside = importer == candidate or importer.startswith(candidate + ".")
            if end == len(parts) or not inside:
                found.add(candidate)
        return found

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if is_package(name) else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    edges |= targets(name, alias.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    # ``from pkg import module`` needs the module; ``from pkg import name``
                    # needs pkg itself
                    submodule = f"{source}.{alias.name}"
                    edges |= targets(name, submodule if submodule in modules else source)
        edges.discard(name)
        graph[name] = edges

    # Tarjan's strongly connected components: every component of more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert "core.issuing" in graph and graph["core.api"], "the scan found no imports"
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)
