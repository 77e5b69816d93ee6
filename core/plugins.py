"""Plugin manager factory and a typed facade over it.

Built-in features are plugins too: they are listed as entry points of the ``pasarela`` group in
``pyproject.toml`` exactly as a third-party package would list its own.
``PASARELA_DISABLE_PLUGINS`` (comma-separated entry-point names, or ``*`` for every
non-built-in one) keeps plugins from loading; ``PASARELA_PLUGINS`` (comma-separated names)
loads only those.
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

from core import hookspecs
from core.registry import Registry

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


def get_plugin_manager(
    *,
    load_entry_points: bool = True,
    extra_plugins: Iterable[object] = (),
    env: Mapping[str, str] | None = None,
) -> pluggy.PluginManager:
    """A fresh plugin manager: specs added, entry points loaded (filtered by env), checked.

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
    return pm


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """Ask every plugin to register what it contributes; duplicates raise ConfigurationError."""
    registry = Registry()
    pm.hook.pasarela_register_dialects(register=registry.dialects.register)
    pm.hook.pasarela_register_environments(register=registry.environments.register)
    pm.hook.pasarela_register_document_types(register=registry.document_types.register)
    pm.hook.pasarela_register_jobs(register=registry.jobs.register)
    return registry


def list_plugins(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """Installed plugins with distribution, version and the hooks each implements."""
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    out: list[PluginInfo] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist: Any = dists.get(id(plugin))
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        out.append(
            PluginInfo(
                name=name,
                distribution=dist.project_name if dist else None,
                version=dist.version if dist else None,
                hooks=hooks,
            )
        )
    return sorted(out, key=lambda p: p.name)
