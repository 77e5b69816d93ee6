"""What is installed: plugins, and the dialects, environments and document types they registered.

``pasarela plugins --json`` and ``GET /-/plugins`` both answer with ``describe_installation``,
so the command line and the HTTP listing never disagree.
"""

from __future__ import annotations

import msgspec
import pluggy

from core.plugins import list_plugins
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


class EnvironmentEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    profile_execution_id: str


class DocumentTypeEntry(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    title: str
    ubl_root: str
    unique_code: str


class Installation(msgspec.Struct, frozen=True, kw_only=True):
    plugins: tuple[PluginEntry, ...]
    dialects: tuple[DialectEntry, ...]
    environments: tuple[EnvironmentEntry, ...]
    document_types: tuple[DocumentTypeEntry, ...]


def describe_installation(pm: pluggy.PluginManager, registry: Registry) -> Installation:
    """Plugins (sorted by name) and everything registered (sorted by id/code)."""
    return Installation(
        plugins=tuple(
            PluginEntry(name=p.name, distribution=p.distribution, version=p.version, hooks=p.hooks)
            for p in list_plugins(pm)
        ),
        dialects=tuple(
            DialectEntry(id=d.id, title=d.title, version=d.version)
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
    )
