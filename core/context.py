"""The composition root: everything a request handler, a CLI command or a job works with.

``AppContext.create(settings)`` is the one place the gateway is wired: settings → plugins →
registry → database → services (tenants, issuing, the job queue) and the job worker. Services
get what they need passed in (settings included: none reads the environment). The web app
keeps the context in ``app.state.ctx`` and injects it as ``ctx``; CLI commands create their
own (``core.commands.run_with_context``) and close it when done; job handlers receive it as
``JobContext.gateway``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pluggy
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.issuing import IssueService
from core.jobs import JobQueue, JobWorker
from core.plugins import build_registry, get_plugin_manager
from core.registry import Registry
from core.settings import Settings
from core.storage.database import database_for, dispose_database
from core.storage.documents import DocumentRepository
from core.storage.engine import create_engine, create_sessionmaker
from core.tenants import TenantService

log = logging.getLogger(__name__)

LifecycleHook = Callable[["AppContext"], Awaitable[None]]


class AppContext:
    """Settings, plugins, registry, database and the services and worker built on them.

    ``on_startup``/``on_shutdown`` are lists of ``async def hook(ctx)``; the job worker is
    started first and stopped last, around them (startup hooks run in order, shutdown hooks in
    reverse order). ``start`` is for processes that serve (the web app): a CLI command works
    with the services without running the worker.

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
        tenants: TenantService,
        documents: IssueService,
        jobs: JobQueue,
    ) -> None:
        self.settings = settings
        self.plugin_manager = plugin_manager
        self.registry = registry
        self.engine = engine
        self.sessionmaker = sessionmaker
        self.database = database_for(engine)  # units of work: ctx.database.run(fn, write=True)
        self.tenants = tenants
        self.documents = documents
        self.jobs = jobs
        self.worker = JobWorker(
            jobs,
            registry.jobs.as_mapping(),
            gateway=self,
            interval_s=settings.retry_interval_s,
        )
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
        tenants = TenantService.from_settings(settings, sessionmaker, registry.environments)
        jobs = JobQueue(engine, lease_s=settings.job_lease_s)
        documents = IssueService(
            settings=settings,
            registry=registry,
            plugin_manager=pm,
            tenants=tenants,
            documents=DocumentRepository(engine),
            jobs=jobs,
        )
        registry.jobs.register(documents.delivery_job)
        return cls(
            settings=settings,
            plugin_manager=pm,
            registry=registry,
            engine=engine,
            sessionmaker=sessionmaker,
            tenants=tenants,
            documents=documents,
            jobs=jobs,
        )

    async def start(self) -> None:
        self.worker.start()
        for hook in self.on_startup:
            await hook(self)

    async def close(self) -> None:
        """Run shutdown hooks (errors are logged, every hook still runs), stop the worker,
        close DIAN connections, write pending audit rows, then drop the pool."""
        for hook in reversed(self.on_shutdown):
            try:
                await hook(self)
            except Exception:
                log.exception("shutdown hook failed", extra={"hook": repr(hook)})
        await self.worker.stop()
        await self.documents.aclose()
        await self.tenants.flush_audit()
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
