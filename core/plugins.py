"""Plugin manager factory and a typed facade over it.

Built-in features are plugins too: they are listed as entry points of the ``pasarela`` group in
``pyproject.toml`` exactly as a third-party package would list its own.
``PASARELA_DISABLE_PLUGINS`` (comma-separated entry-point names, or ``*`` for every
non-built-in one) keeps plugins from loading; ``PASARELA_PLUGINS`` (comma-separated names)
loads only those. Everything a plugin contributes (dialects, environments, document types,
commands, benches, hook calls) goes through that one filter.

``PluginHooks`` is the only caller of pluggy's ``hook`` relay: the rest of the gateway calls
its typed methods, so a hook's arguments and result are checked where they are used and a
change of a spec touches one module (a test keeps ``.hook`` out of every other module).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pluggy
from lxml import etree

from core import hookspecs
from core.contracts import Command, DocumentType
from core.model import Document, DocumentRecord, Problem, TenantView
from core.registry import Catalog, Registry

log = logging.getLogger(__name__)

BUILTIN_DISTRIBUTION = "pasarela"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]


class PasarelaPluginManager(pluggy.PluginManager):
    """Any function named ``pasarela_*`` in a plugin is a hook implementation, marked or not.

    As pytest does with ``pytest_*``: a misspelt hook (``pasarela_register_dialect``) then
    has no spec and ``check_pending()`` stops start-up, instead of the typo being ignored.
    """

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith(f"{hookspecs.PROJECT}_"):
            found = inspect.getattr_static(plugin, name, None)
            if isinstance(found, staticmethod | classmethod) or inspect.isfunction(found):
                return {}  # type: ignore[typeddict-item]  # pluggy fills in the defaults
        return opts


def _env_names(value: str | None) -> set[str]:
    return {n.strip() for n in (value or "").split(",") if n.strip()}


def _allowed(entry_point: importlib.metadata.EntryPoint, env: Mapping[str, str]) -> bool:
    blocked = _env_names(env.get("PASARELA_DISABLE_PLUGINS"))
    only = _env_names(env.get("PASARELA_PLUGINS"))
    dist = entry_point.dist.name if entry_point.dist else None
    if entry_point.name in blocked:
        return False
    if "*" in blocked and dist != BUILTIN_DISTRIBUTION:
        return False
    return not only or entry_point.name in only


class PluginHooks:
    """Typed facade over the pluggy manager (``manager``): one method per hook.

    ``fill_registry`` asks every plugin for what it contributes; ``validate``, ``amend_ubl``
    and ``document_finished`` run the pipeline's hooks; ``commands`` and ``benches`` are what
    plugins add to the command line; ``list_plugins`` describes what is installed.
    """

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager

    # ------------------------------------------------------------ plugins

    def register(self, plugin: object, name: str | None = None) -> None:
        """Add a plugin after start-up (tests, embedding applications); checked like the rest."""
        self.manager.register(plugin, name=name)
        self.manager.check_pending()

    def unregister(self, plugin: object) -> None:
        self.manager.unregister(plugin)

    def get_plugin(self, name: str) -> object | None:
        return self.manager.get_plugin(name)

    def list_plugins(self) -> list[PluginInfo]:
        """Installed plugins with distribution, version and the hooks each implements."""
        dists = {id(plugin): dist for plugin, dist in self.manager.list_plugin_distinfo()}
        out: list[PluginInfo] = []
        for name, plugin in self.manager.list_name_plugin():
            if plugin is None:
                continue
            dist: Any = dists.get(id(plugin))
            hooks = tuple(sorted(h.name for h in self.manager.get_hookcallers(plugin) or ()))
            out.append(
                PluginInfo(
                    name=name,
                    distribution=dist.project_name if dist else None,
                    version=dist.version if dist else None,
                    hooks=hooks,
                )
            )
        return sorted(out, key=lambda p: p.name)

    # ------------------------------------------------------------ registration

    def fill_registry(self, registry: Registry) -> None:
        """Ask every plugin to register what it contributes; duplicates raise
        ConfigurationError."""
        hook = self.manager.hook
        hook.pasarela_register_dialects(register=registry.dialects.register)
        hook.pasarela_register_environments(register=registry.environments.register)
        hook.pasarela_register_document_types(register=registry.document_types.register)
        hook.pasarela_register_migrations(register=registry.migrations.register)
        hook.pasarela_register_jobs(register=registry.jobs.register)
        hook.pasarela_register_commands(register=registry.commands.register)
        hook.pasarela_register_benches(register=registry.benches.register)

    def commands(self) -> list[Command]:
        """Subcommands plugins add to ``pasarela`` (duplicate names raise ConfigurationError)."""
        catalog: Catalog[Command] = Catalog("command", "name")
        self.manager.hook.pasarela_register_commands(register=catalog.register)
        return list(catalog)

    def benches(self) -> list[Command]:
        """Benchmarks plugins add under ``pasarela bench``."""
        catalog: Catalog[Command] = Catalog("bench", "name")
        self.manager.hook.pasarela_register_benches(register=catalog.register)
        return list(catalog)

    # ------------------------------------------------------------ the pipeline

    def validate(
        self, document: Document, document_type: DocumentType, tenant: TenantView
    ) -> list[Problem]:
        """Every problem the ``pasarela_validate`` implementations found, in one list."""
        found = self.manager.hook.pasarela_validate(
            document=document, document_type=document_type, tenant=tenant
        )
        return [problem for problems in found for problem in problems or ()]

    def amend_ubl(
        self, root: etree._Element, document: Document, document_type: DocumentType
    ) -> None:
        self.manager.hook.pasarela_amend_ubl(
            root=root, document=document, document_type=document_type
        )

    def document_finished(self, record: DocumentRecord) -> None:
        self.manager.hook.pasarela_document_finished(record=record)


def get_plugin_manager(
    *,
    load_entry_points: bool = True,
    extra_plugins: Iterable[object] = (),
    env: Mapping[str, str] | None = None,
) -> PluginHooks:
    """The installed plugins behind a fresh facade: specs added, entry points loaded (filtered
    by env), checked.

    ``extra_plugins`` are registered too (tests and embedding applications use it).
    """
    env = os.environ if env is None else env
    pm = PasarelaPluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    if load_entry_points:
        for ep in importlib.metadata.entry_points(group=hookspecs.PROJECT):
            if not _allowed(ep, env):
                log.info("plugin disabled by environment", extra={"plugin": ep.name})
                continue
            pm.load_setuptools_entrypoints(hookspecs.PROJECT, name=ep.name)
    for plugin in extra_plugins:
        pm.register(plugin)
    pm.check_pending()
    return PluginHooks(pm)


def build_registry(plugins: PluginHooks) -> Registry:
    """A registry filled by every plugin; duplicates raise ConfigurationError."""
    registry = Registry()
    plugins.fill_registry(registry)
    return registry
