"""``pasarela plugins new``: the vendor's template, generated, installed and tested as a vendor
would, in processes of its own (the test venv is left untouched: the package is installed with
``pip --target`` into a directory the processes find through ``PYTHONPATH``)."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.cli import main
from core.commands.new_plugin import MAX_NAME_LENGTH, TEMPLATE_SUFFIX
from core.testing import serving_gateway

NAME = "acme"
REPO = Path(__file__).resolve().parents[3]
PASARELA = Path(sys.executable).with_name("pasarela")
TEMPLATE_TESTS = 14  # tests the generated package has; its run must execute every one


@dataclass(frozen=True)
class Installed:
    source: Path  # what `pasarela plugins new` wrote
    site: Path  # where pip installed it

    def env(self, **extra: str) -> dict[str, str]:
        """This environment without Pasarela settings, the package importable and found by
        ``importlib.metadata`` (its dist-info, hence its entry point, is in ``site``)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PASARELA_")}
        return env | {"PYTHONPATH": str(self.site)} | extra

    def pasarela(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PASARELA), *args],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("plugin-template")
    source, site = root / NAME, root / "site"
    assert main(["plugins", "new", NAME, "--out", str(source)]) == 0
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q",
         "--disable-pip-version-check", "--target", str(site), str(source)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stdout + pip.stderr
    yield Installed(source=source, site=site)


def test_the_generated_package_is_what_a_vendor_needs(installed: Installed) -> None:
    source = installed.source
    project = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    assert any(dep.startswith("pasarela") for dep in project["project"]["dependencies"])
    assert project["project"]["entry-points"]["pasarela"] == {NAME: f"{NAME}.plugin"}
    for path in ("README.md", f"{NAME}/plugin.py", f"{NAME}/routes.py", "tests"):
        assert (source / path).exists(), path
    readme = (source / "README.md").read_text(encoding="utf-8")
    assert "pip install -e" in readme and "python -m pytest" in readme
    assert not list(source.rglob(f"*{TEMPLATE_SUFFIX}"))
    assert "$" not in (source / NAME / "plugin.py").read_text(encoding="utf-8")


def test_the_generated_package_imports_pasarela_only_through_core_api(
    installed: Installed,
) -> None:
    """What the package itself imports of core is ``core.api``; its tests may also use the
    fixtures module ``core.testing``."""
    found: dict[str, set[str]] = {}
    for path in sorted(installed.source.rglob("*.py")):
        relative = path.relative_to(installed.source)
        if relative.parts[0] == "build":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = {node.module}
            elif isinstance(node, ast.Import):
                modules = {alias.name for alias in node.names}
            else:
                continue
            for module in modules:
                if module.split(".")[0] in ("core", "adapters", "plugins"):
                    found.setdefault(relative.parts[0], set()).add(module)
    assert found[NAME] == {"core.api"}
    assert found["tests"] <= {"core.api", "core.testing"}


def test_the_generated_package_passes_ruff(installed: Installed) -> None:
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        result = subprocess.run(
            [str(ruff), *args, f"{NAME}", "tests"],
            cwd=installed.source,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_installed_package_passes_its_own_tests(installed: Installed) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=installed.source,
        env=installed.env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    summary = output.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= TEMPLATE_TESTS, summary
    assert not re.search(r"failed|error|skipped", summary), summary


def test_pasarela_plugins_lists_the_installed_plugin_and_its_hooks(installed: Installed) -> None:
    listing = installed.pasarela("plugins")
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if line.startswith(f"{NAME} "))
    assert row.split()[:3] == [NAME, f"pasarela-{NAME}", "0.1.0"]
    for hook in ("dialects", "migrations", "commands"):
        assert f"pasarela_register_{hook}" in row
    assert NAME in listing_line(listing.stdout, "dialects")
    assert f"{NAME}-notes" in listing_line(listing.stdout, "commands")
    described = json.loads(installed.pasarela("plugins", "--json").stdout)
    assert NAME in [plugin["name"] for plugin in described["plugins"]]


def test_disabling_the_plugin_hides_it_and_its_command(installed: Installed) -> None:
    listing = installed.pasarela("plugins", PASARELA_DISABLE_PLUGINS=NAME)
    assert listing.returncode == 0, listing.stderr
    assert not any(line.startswith(f"{NAME} ") for line in listing.stdout.splitlines())
    assert NAME not in listing_line(listing.stdout, "dialects").split(", ")
    assert f"{NAME}-notes" not in listing_line(listing.stdout, "commands")
    command = installed.pasarela(f"{NAME}-notes", "--nit", "1", PASARELA_DISABLE_PLUGINS=NAME)
    assert command.returncode == 2 and "invalid choice" in command.stderr


def listing_line(listing: str, label: str) -> str:
    return next(line for line in listing.splitlines() if line.startswith(f"{label}:"))


def test_serve_demo_gives_the_dialect_a_token_and_bench_http_issues_through_it(
    installed: Installed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real gateway process with the plugin installed: its migration is applied, the demo
    credentials hold a token for the dialect, ``/acme/me`` answers with it and the bench
    scenario issues invoices over HTTP."""
    monkeypatch.setenv("PYTHONPATH", str(installed.site))
    credentials = tmp_path / "demo.json"
    with serving_gateway(tmp_path, "--demo", "--credentials-out", str(credentials)) as (url, _):
        document = json.loads(credentials.read_text(encoding="utf-8"))
        token = document[NAME]["token"]
        me = httpx.get(f"{url}/{NAME}/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["nit"] == document["tenant"]["nit"]
        assert httpx.get(f"{url}/{NAME}/me").json()["error"]["codigo"] == "unauthenticated"
        bench = installed.pasarela(
            "bench", "http", "--dialect", NAME, "--credentials", str(credentials),
            "--base-url", url, "--docs", "3", "--concurrency", "1", "--warmup", "1",
        )  # fmt: skip
        assert bench.returncode == 0, bench.stdout + bench.stderr
        assert " errors=0 " in bench.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    "name",
    [
        "Acme",
        "1acme",
        "acme-co",
        "acme.co",
        "",
        "class",
        "json",
        "core",
        "a" * (MAX_NAME_LENGTH + 1),
    ],
)
def test_a_name_that_cannot_be_a_plugin_is_refused(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["plugins", "new", name, "--out", str(out)]) == 1
    assert "invalid plugin name" in capsys.readouterr().err
    assert not out.exists()


def test_a_directory_that_is_not_empty_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["plugins", "new", NAME, "--out", str(tmp_path)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_an_empty_directory_is_filled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "new", NAME, "--out", str(tmp_path)]) == 0
    assert (tmp_path / "pyproject.toml").is_file()
    assert str(tmp_path / NAME / "plugin.py") in capsys.readouterr().out


def test_the_templates_are_package_data() -> None:
    """A non-editable install ships the templates: pyproject's package data covers them all."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["core.commands"]
    package = REPO / "core" / "commands"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    templates = {path for path in (package / "plugin_template").rglob("*") if path.is_file()}
    assert templates and templates <= shipped
