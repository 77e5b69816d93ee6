"""The application context: everything a request handler or a CLI command works with.

Built once from ``Settings`` (plugins → registry → database → services) and shared: the web app
keeps it in ``app.state.ctx`` and injects it as the dependency ``ctx``; CLI commands create
their own and close it when done.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pluggy
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.plugins import build_registry, get_plugin_manager
from core.registry import Registry
from core.secrets import SecretBox
from core.settings import Settings
from core.storage.database import database_for, dispose_database
from core.storage.engine import create_engine, create_sessionmaker
from core.tenancy.audit import AuditLog
from core.tenancy.certificates import CertificateStore
from core.tenancy.credentials import Credentials
from core.tenancy.provisioning import Provisioner
from core.tenancy.quotas import Quotas
from core.tenancy.ranges import NumberingRanges
from core.tenancy.tenants import TenantService

log = logging.getLogger(__name__)

LifecycleHook = Callable[["AppContext"], Awaitable[None]]


class AppContext:
    """Settings, plugins, registry, database and the services built on them.

    ``documents`` holds the issuing service (``core.issuing.IssueService``) once that module
    is installed; ``on_startup``/``on_shutdown`` are lists of ``async def hook(ctx)`` that
    components append to (the retry worker, the in-process simulator ...). Startup hooks run
    in order, shutdown hooks in reverse order.

    A plain class on purpose: Litestar validates injected dependencies with msgspec, which
    would walk a dataclass's fields (and the plugin contracts behind them) on every request.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        plugin_manager: pluggy.PluginManager,
        registry: Registry,
        engine: AsyncEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        documents: Any = None,
    ) -> None:
        self.settings = settings
        self.plugin_manager = plugin_manager
        self.registry = registry
        self.engine = engine
        self.sessionmaker = sessionmaker
        self.database = database = database_for(engine)  # units of work: ctx.database.run(fn)
        box = SecretBox.from_settings(settings)
        kinds = list(registry.document_types)
        environments = registry.environments.as_mapping()

        async def changed(tenant_id: int) -> None:
            await self.provisioner.provision(tenant_id)

        self.certificates = CertificateStore(database, box, on_change=changed)
        self.provisioner = Provisioner(
            database,
            box,
            settings=settings,
            environments=environments,
            certificates=self.certificates,
            range_channels={k.range_type: k.software_channel for k in kinds},
        )
        self.tenants = TenantService(
            database,
            box,
            environments=environments.keys(),
            permissions={k.permission for k in kinds},
            on_change=changed,
        )
        range_types: dict[str, bool] = {}
        for kind in kinds:
            range_types[kind.range_type] = (
                range_types.get(kind.range_type, False) or kind.needs_technical_key
            )
        self.ranges = NumberingRanges(
            database,
            range_types=range_types,
            environments=frozenset(environments),
            on_change=changed,
        )
        self.credentials = Credentials(database, box)
        self.quotas = Quotas(database)
        self.audit = AuditLog(database)
        self.documents = documents
        self.on_startup: list[LifecycleHook] = []
        self.on_shutdown: list[LifecycleHook] = []

    @classmethod
    def create(
        cls, settings: Settings, *, plugin_manager: pluggy.PluginManager | None = None
    ) -> AppContext:
        """Wire everything from settings; nothing touches the network or the database yet."""
        pm = plugin_manager or get_plugin_manager()
        registry = build_registry(pm)
        engine = create_engine(settings.database_url)
        sessionmaker = create_sessionmaker(engine)
        ctx = cls(
            settings=settings,
            plugin_manager=pm,
            registry=registry,
            engine=engine,
            sessionmaker=sessionmaker,
        )
        ctx.documents = _issue_service(ctx)
        return ctx

    async def start(self) -> None:
        for hook in self.on_startup:
            await hook(self)

    async def close(self) -> None:
        """Run shutdown hooks (errors are logged, every hook still runs), then drop the pool."""
        for hook in reversed(self.on_shutdown):
            try:
                await hook(self)
            except Exception:
                log.exception("shutdown hook failed", extra={"hook": repr(hook)})
        await self.audit.flush()
        dispose_database(self.engine)
        await self.engine.dispose()

    async def database_reachable(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            log.warning("database unreachable", exc_info=True)
            return False
        return True


def _issue_service(ctx: AppContext) -> Any:
    """``IssueService.from_context(ctx)`` when the issuing engine is part of this installation."""
    try:
        from core.issuing import IssueService
    except ModuleNotFoundError as missing:
        if missing.name != "core.issuing":
            raise
        return None
    return IssueService.from_context(ctx)


InjectedContext = NamedDependency[AppContext]
"""Annotate a handler parameter named ``ctx`` with this to receive the ``AppContext``."""
