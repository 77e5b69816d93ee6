"""The plugin system: entry points, registration, duplicates, misspelt hooks, env filters."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
import tomllib
import types
from collections.abc import Iterator
from pathlib import Path

import pluggy
import pytest

from core.api import ConfigurationError, Dialect, Environment, hookimpl
from core.plugins import build_registry, get_plugin_manager


def builtin_entry_points() -> list[importlib.metadata.EntryPoint]:
    dist = importlib.metadata.distribution("pasarela")
    return [ep for ep in dist.entry_points if ep.group == "pasarela"]


def dialect_plugin(dialect_id: str) -> types.SimpleNamespace:
    """A plugin object (any namespace with hookimpl-marked functions is one)."""

    @hookimpl
    def pasarela_register_dialects(register):
        register(Dialect(id=dialect_id, title=f"Prueba {dialect_id}", route_handlers=[]))

    return types.SimpleNamespace(pasarela_register_dialects=pasarela_register_dialects)


@pytest.fixture
def fake_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Install a third-party distribution ``pasarela-fake-plugin`` on sys.path for one test.

    Its entry point ``fake_env`` registers the environment ``fake``. Returns the entry point
    name.
    """
    module = "pasarela_fake_plugin_mod"
    (tmp_path / f"{module}.py").write_text(
        textwrap.dedent(
            """
            from core.api import Environment, hookimpl

            @hookimpl
            def pasarela_register_environments(register):
                register(Environment(id="fake", title="Falso", profile_execution_id="2",
                                     soap_url=None, qr_base_url="https://example.invalid/?k="))
            """
        )
    )
    info = tmp_path / "pasarela_fake_plugin-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pasarela-fake-plugin\nVersion: 1.2.3\n"
    )
    (info / "entry_points.txt").write_text(f"[pasarela]\nfake_env = {module}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, module, raising=False)
    yield "fake_env"
    sys.modules.pop(module, None)


def test_every_builtin_entry_point_loads_and_registers():
    pm = get_plugin_manager(env={})
    listed = {p.name: p for p in pm.list_plugins()}
    for ep in builtin_entry_points():
        assert pm.get_plugin(ep.name) is not None, f"entry point {ep.name} did not load"
        assert listed[ep.name].hooks, f"entry point {ep.name} implements no hook"
        assert listed[ep.name].distribution == "pasarela"
    build_registry(pm)  # no duplicate ids among the built-ins


# What each built-in entry point contributes (checked one plugin at a time).
BUILTIN_CONTRIBUTIONS = {
    "dian_environments": ("environments", {"habilitacion", "produccion"}),
    "simulador": ("environments", {"simulador"}),
    "factura": ("document_types", {"01"}),
    "nota_credito": ("document_types", {"91"}),
    "nota_debito": ("document_types", {"92"}),
    "documento_equivalente_pos": ("document_types", {"20", "94", "93"}),
    "facepro": ("dialects", {"facepro"}),
}
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_installed_entry_points_match_pyproject():
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["pasarela"]
    assert {ep.name: ep.value for ep in builtin_entry_points()} == declared


@pytest.mark.parametrize("name", sorted(BUILTIN_CONTRIBUTIONS))
def test_builtin_plugin_registers_its_catalog_entries(name):
    if name not in {ep.name for ep in builtin_entry_points()}:
        pytest.fail(f"built-in plugin {name!r} is not an entry point of the pasarela distribution")
    catalog, expected = BUILTIN_CONTRIBUTIONS[name]
    registry = build_registry(get_plugin_manager(env={"PASARELA_PLUGINS": name}))
    assert expected <= set(getattr(registry, catalog).ids())


def test_builtin_entry_points_are_importable_modules():
    for ep in builtin_entry_points():
        assert isinstance(ep.load(), types.ModuleType), ep.value


def test_extra_plugin_registers_and_unregisters():
    plugin = dialect_plugin("prueba")
    pm = get_plugin_manager(extra_plugins=[plugin], env={})
    assert "prueba" in build_registry(pm).dialects
    assert "pasarela_register_dialects" in next(
        p.hooks for p in pm.list_plugins() if pm.get_plugin(p.name) is plugin
    )
    pm.unregister(plugin)
    assert "prueba" not in build_registry(pm).dialects


def test_plugin_registered_after_creation_is_used():
    pm = get_plugin_manager(env={})
    pm.register(dialect_plugin("tardio"), name="tardio")
    assert build_registry(pm).dialects.get("tardio").title == "Prueba tardio"


def test_duplicate_dialect_id_is_a_configuration_error():
    pm = get_plugin_manager(
        extra_plugins=[dialect_plugin("doble"), dialect_plugin("doble")], env={}
    )
    with pytest.raises(ConfigurationError, match="duplicate dialect id 'doble'"):
        build_registry(pm)


def test_duplicate_environment_id_is_a_configuration_error():
    @hookimpl
    def pasarela_register_environments(register):
        env = Environment(
            id="doble", title="x", profile_execution_id="2", soap_url=None, qr_base_url="q"
        )
        register(env)
        register(env)

    plugin = types.SimpleNamespace(pasarela_register_environments=pasarela_register_environments)
    with pytest.raises(ConfigurationError, match="duplicate environment id"):
        build_registry(get_plugin_manager(extra_plugins=[plugin], env={}))


def test_misspelt_hook_is_rejected_at_check_pending():
    @hookimpl
    def pasarela_register_dialect(register):  # missing the final "s"
        raise AssertionError("never called")

    plugin = types.SimpleNamespace(pasarela_register_dialect=pasarela_register_dialect)
    with pytest.raises(pluggy.PluginValidationError, match="pasarela_register_dialect"):
        get_plugin_manager(extra_plugins=[plugin], env={})


def test_third_party_distribution_is_listed_with_its_version(fake_distribution):
    pm = get_plugin_manager(env={})
    info = next(p for p in pm.list_plugins() if p.name == fake_distribution)
    assert (info.distribution, info.version) == ("pasarela-fake-plugin", "1.2.3")
    assert info.hooks == ("pasarela_register_environments",)
    assert "fake" in build_registry(pm).environments


def test_disable_plugins_by_name(fake_distribution):
    pm = get_plugin_manager(env={"PASARELA_DISABLE_PLUGINS": f"otro, {fake_distribution}"})
    assert pm.get_plugin(fake_distribution) is None
    assert "fake" not in build_registry(pm).environments


def test_disable_star_keeps_builtins_and_drops_third_party(fake_distribution):
    pm = get_plugin_manager(env={"PASARELA_DISABLE_PLUGINS": "*"})
    assert pm.get_plugin(fake_distribution) is None
    for ep in builtin_entry_points():
        assert pm.get_plugin(ep.name) is not None


def test_disable_builtin_by_name():
    for ep in builtin_entry_points():
        pm = get_plugin_manager(env={"PASARELA_DISABLE_PLUGINS": ep.name})
        assert pm.get_plugin(ep.name) is None


def test_only_listed_plugins_load(fake_distribution):
    pm = get_plugin_manager(env={"PASARELA_PLUGINS": fake_distribution})
    assert [p.name for p in pm.list_plugins()] == [fake_distribution]


def test_disabled_through_process_environment(fake_distribution, monkeypatch):
    monkeypatch.setenv("PASARELA_DISABLE_PLUGINS", fake_distribution)
    assert get_plugin_manager().get_plugin(fake_distribution) is None
    monkeypatch.delenv("PASARELA_DISABLE_PLUGINS")
    assert get_plugin_manager().get_plugin(fake_distribution) is not None


def test_misspelt_unmarked_hook_is_rejected_too():
    def pasarela_register_dialect(register):  # no @hookimpl and missing the final "s"
        raise AssertionError("never called")

    plugin = types.SimpleNamespace(pasarela_register_dialect=pasarela_register_dialect)
    with pytest.raises(pluggy.PluginValidationError, match="pasarela_register_dialect"):
        get_plugin_manager(extra_plugins=[plugin], env={})


def test_unmarked_hook_with_the_right_name_is_used():
    def pasarela_register_dialects(register):
        register(Dialect(id="sin_marca", title="Sin marca", route_handlers=[]))

    plugin = types.SimpleNamespace(
        pasarela_register_dialects=pasarela_register_dialects, pasarela_version="1.0"
    )
    assert (
        "sin_marca" in build_registry(get_plugin_manager(extra_plugins=[plugin], env={})).dialects
    )
