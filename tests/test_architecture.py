"""Architecture rules as tests: core names no dialect; only core/plugins.py calls pluggy hooks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIALECT_NAMES = re.compile(r"facepro|apidian|factus", re.IGNORECASE)
HOOK_FACADE = ROOT / "core" / "plugins.py"


def python_files(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def test_no_core_module_names_a_dialect():
    """A dialect is a plugin like a vendor's: core's code, docstrings and comments don't know
    any by name (the bench, the demo and the listings ask the registry)."""
    named = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files("core")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIALECT_NAMES.search(line)
    ]
    assert not named, "core names a dialect:\n" + "\n".join(named)


def test_only_the_facade_touches_pluggy_hooks():
    """Every hook call goes through ``core.plugins.PluginHooks``: no ``x.hook`` elsewhere."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in python_files("core", "adapters", "plugins")
        if path != HOOK_FACADE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "hook"
    ]
    assert not offenders, "use core.plugins.PluginHooks instead of .hook: " + ", ".join(offenders)
