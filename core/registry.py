"""The host-owned registry the ``pasarela_register_*`` hooks fill."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from core.contracts import Command, Dialect, DocumentType, Environment, JobKind, MigrationTree
from core.errors import ConfigurationError, NotFound

T = TypeVar("T")


@dataclass
class Catalog(Generic[T]):
    """Items of one kind by id; a second registration of an id is a configuration error."""

    kind: str
    key: str
    _items: dict[str, T] = field(default_factory=dict)

    def register(self, item: T) -> None:
        ident = getattr(item, self.key)
        if ident in self._items:
            raise ConfigurationError(
                f"duplicate {self.kind} {self.key} {ident!r}: registered twice by plugins"
            )
        self._items[ident] = item

    def get(self, ident: str) -> T:
        try:
            return self._items[ident]
        except KeyError:
            raise NotFound(f"unknown {self.kind} {ident!r}") from None

    def __contains__(self, ident: object) -> bool:
        return ident in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def ids(self) -> list[str]:
        return sorted(self._items)

    def as_mapping(self) -> Mapping[str, T]:
        return dict(self._items)


@dataclass
class Registry:
    """Dialects, environments, document types, migration trees, commands, benches and job kinds
    of the installed plugins (core's own job kinds are added by the composition root,
    ``core.context``)."""

    dialects: Catalog[Dialect] = field(default_factory=lambda: Catalog("dialect", "id"))
    environments: Catalog[Environment] = field(default_factory=lambda: Catalog("environment", "id"))
    document_types: Catalog[DocumentType] = field(
        default_factory=lambda: Catalog("document type", "code")
    )
    migrations: Catalog[MigrationTree] = field(
        default_factory=lambda: Catalog("migration tree", "name")
    )
    commands: Catalog[Command] = field(default_factory=lambda: Catalog("command", "name"))
    benches: Catalog[Command] = field(default_factory=lambda: Catalog("bench", "name"))
    jobs: Catalog[JobKind] = field(default_factory=lambda: Catalog("job kind", "id"))
