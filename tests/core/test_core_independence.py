"""``core`` must not depend on ``adapters`` or ``plugins`` (DESIGN §1): it is what they build on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
FORBIDDEN = ("adapters", "plugins")


def imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def core_sources() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_has_sources():
    assert CORE.joinpath("api.py") in core_sources()


@pytest.mark.parametrize("source", core_sources(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_imports_nothing_from_adapters_or_plugins(source):
    offending = sorted(m for m in imported_modules(source) if m.split(".")[0] in FORBIDDEN)
    assert not offending, f"{source.relative_to(CORE.parent)} imports {offending}"


def test_the_scan_recognises_each_import_form(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import adapters.facepro\nfrom plugins.environments import x\n"
        "import importlib\nimportlib.import_module('adapters.factus')\nfrom . import sibling\n"
    )
    assert imported_modules(probe) == {
        "adapters.facepro",
        "plugins.environments",
        "importlib",
        "adapters.factus",
    }
