"""What is installed: plugins, and the dialects, environments, document types, commands and
benches they registered.

``pasarela plugins --json`` and ``GET /-/plugins`` both answer with ``describe_installation``,
so the command line and the HTTP listing never disagree.
"""

from __future__ import annotations

import msgspec

from core.plugins import PluginHooks
from core.registry import Registry


class PluginEntry(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]


class DialectEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    version: str
    bench: bool  # has a scenario for ``pasarela bench http``


class EnvironmentEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    profile_execution_id: str


class DocumentTypeEntry(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    title: str
    ubl_root: str
    unique_code: str


class CommandEntry(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    help: str


class Installation(msgspec.Struct, frozen=True, kw_only=True):
    plugins: tuple[PluginEntry, ...]
    dialects: tuple[DialectEntry, ...]
    environments: tuple[EnvironmentEntry, ...]
    document_types: tuple[DocumentTypeEntry, ...]
    commands: tuple[CommandEntry, ...]  # ``pasarela NAME`` added by plugins
    benches: tuple[CommandEntry, ...]  # ``pasarela bench NAME`` added by plugins


def describe_installation(plugins: PluginHooks, registry: Registry) -> Installation:
    """Plugins (sorted by name) and everything registered (sorted by id/code)."""
    return Installation(
        plugins=tuple(
            PluginEntry(name=p.name, distribution=p.distribution, version=p.version, hooks=p.hooks)
            for p in plugins.list_plugins()
        ),
        dialects=tuple(
            DialectEntry(id=d.id, title=d.title, version=d.version, bench=d.bench is not None)
            for d in sorted(registry.dialects, key=lambda d: d.id)
        ),
        environments=tuple(
            EnvironmentEntry(id=e.id, title=e.title, profile_execution_id=e.profile_execution_id)
            for e in sorted(registry.environments, key=lambda e: e.id)
        ),
        document_types=tuple(
            DocumentTypeEntry(
                code=t.code, title=t.title, ubl_root=t.ubl_root, unique_code=t.unique_code
            )
            for t in sorted(registry.document_types, key=lambda t: t.code)
        ),
        commands=tuple(
            CommandEntry(name=c.name, help=c.help)
            for c in sorted(registry.commands, key=lambda c: c.name)
        ),
        benches=tuple(
            CommandEntry(name=b.name, help=b.help)
            for b in sorted(registry.benches, key=lambda b: b.name)
        ),
    )
