"""The composition root: everything a request handler, a CLI command or a job works with.

``AppContext.create(settings)`` is the one place the gateway is wired: settings → plugins →
registry → database → services (tenancy: tenants, certificates, ranges, credentials, quotas,
audit, provisioning, portal users and sessions; issuing; PDFs; the job queue) and the job
worker. Services get what they need passed in (settings included: none reads the
environment). The web app keeps the context in ``app.state.ctx`` and injects it as ``ctx``;
CLI commands create their own (``core.commands.run_with_context``) and close it when done;
job handlers receive it as ``JobContext.gateway``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pluggy
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.contingency import ContingencyDeliveries
from core.delivery.emails import EmailDeliveries
from core.follow_ups import AcceptedColumns
from core.idempotency import IdempotencyKeys
from core.issuing import IssueService
from core.jobs import JobQueue, JobWorker
from core.metrics import DialectLabels
from core.plugins import build_registry, get_plugin_manager
from core.radian.events import EventService
from core.radian.received import ReceivedInvoices
from core.rate_limits import RateLimits
from core.registry import Registry
from core.representation.attachments import AttachedDocuments
from core.representation.pdfs import PdfService
from core.secret_key_check import verify_secret_key
from core.secrets import SecretBox
from core.settings import Settings
from core.storage.database import Database, database_for, dispose_database
from core.storage.documents import DocumentRepository
from core.storage.engine import create_engine, create_sessionmaker
from core.storage.radian import RadianRepository
from core.tenancy.audit import AuditLog
from core.tenancy.certificates import CertificateStore
from core.tenancy.credentials import Credentials
from core.tenancy.provisioning import Provisioner
from core.tenancy.quotas import Quotas
from core.tenancy.ranges import NumberingRanges
from core.tenancy.sessions import PortalSessions
from core.tenancy.smtp import SmtpService
from core.tenancy.tenants import TenantService
from core.tenancy.users import PortalUsers

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
        tenancy: Tenancy,
        documents: IssueService,
        jobs: JobQueue,
        attachments: AttachedDocuments,
    ) -> None:
        self.settings = settings
        self.plugin_manager = plugin_manager
        self.registry = registry
        self.engine = engine
        self.sessionmaker = sessionmaker
        self.database = tenancy.database  # units of work: ctx.database.run(fn, write=True)
        self.box = tenancy.box  # the secret key: PINs, certificates, SMTP passwords
        self.tenants = tenancy.tenants
        self.certificates = tenancy.certificates
        self.ranges = tenancy.ranges
        self.credentials = tenancy.credentials
        self.quotas = tenancy.quotas
        self.audit = tenancy.audit
        self.provisioner = tenancy.provisioner
        self.users = tenancy.users  # portal accounts and their sessions
        self.portal_sessions = tenancy.sessions
        self.documents = documents
        self.jobs = jobs
        self.attachments = attachments  # the AttachedDocument of accepted documents
        # graphic representation: the PDF of accepted documents, rendered on demand
        self.pdfs = PdfService(
            registry=registry,
            documents=documents.documents,
            tenants=tenancy.tenants,
            ranges=tenancy.ranges,
        )
        # e-mail to the buyer: each tenant's SMTP server and the delivery job of acceptances
        self.smtp = tenancy.smtp
        self.deliveries = EmailDeliveries(
            settings=settings,
            tenants=tenancy.tenants,
            smtp=tenancy.smtp,
            documents=documents.documents,
            attachments=attachments,
            pdfs=self.pdfs,
        )
        registry.jobs.register(self.deliveries.job)
        documents.accepted_units.append(self.deliveries.on_accepted)
        self.worker = JobWorker(
            jobs,
            registry.jobs.as_mapping(),
            gateway=self,
            interval_s=settings.retry_interval_s,
        )
        # contingency documents (03, 04): "send the tenant's pending ones now"
        self.contingency = ContingencyDeliveries(documents, self.worker)
        # the dialect label of HTTP metrics, from each dialect's path prefix
        self.dialect_labels = DialectLabels(
            {d.path_prefix: d.id for d in registry.dialects if d.path_prefix}
        )
        # per-credential rate limits of every dialect (core.rate_limits)
        self.rate_limits = RateLimits(registry.dialects, settings.rate_limits)
        # RADIAN: invoices received from suppliers and the events sent on invoices
        radian = RadianRepository(tenancy.database)
        self.received = ReceivedInvoices(
            repository=radian, tenants=tenancy.tenants, documents=documents
        )
        self.events = EventService(
            registry=registry, tenants=tenancy.tenants, documents=documents, repository=radian
        )
        self.on_startup: list[LifecycleHook] = []
        self.on_shutdown: list[LifecycleHook] = []

    @classmethod
    def create(
        cls, settings: Settings, *, plugin_manager: pluggy.PluginManager | None = None
    ) -> AppContext:
        """Wire everything from settings; nothing touches the network or the database yet."""
        pm = plugin_manager or get_plugin_manager(env=settings.plugin_selection)
        registry = build_registry(pm)
        engine = create_engine(settings.database_url)
        sessionmaker = create_sessionmaker(engine)
        tenancy = Tenancy(
            database_for(engine), SecretBox.from_settings(settings), settings, registry
        )
        jobs = JobQueue(engine, lease_s=settings.job_lease_s)
        documents = IssueService(
            settings=settings,
            registry=registry,
            plugin_manager=pm,
            tenants=tenancy.tenants,
            ranges=tenancy.ranges,
            certificates_store=tenancy.certificates,
            documents=DocumentRepository(engine),
            jobs=jobs,
            idempotency=IdempotencyKeys(engine),
        )
        registry.jobs.register(documents.delivery_job)
        registry.jobs.register(documents.contingency_job)
        tenancy.listeners.append(documents.forget_identity)
        # the AttachedDocument: built with each acceptance, or by a job stored with it
        attachments = AttachedDocuments(
            settings=settings,
            registry=registry,
            tenants=tenancy.tenants,
            identities=documents.identities,
            documents=documents.documents,
        )
        registry.jobs.register(attachments.job)
        documents.accepted_columns.append(
            AcceptedColumns(attachments.job.id, attachments.on_acceptance)
        )
        return cls(
            settings=settings,
            plugin_manager=pm,
            registry=registry,
            engine=engine,
            sessionmaker=sessionmaker,
            tenancy=tenancy,
            documents=documents,
            jobs=jobs,
            attachments=attachments,
        )

    async def verify_secret_key(self) -> None:
        """Refuse (``ConfigurationError`` naming PASARELA_SECRET_KEY / PASARELA_SECRET_KEY_FILE)
        when the secret key cannot open what the database holds (``core.secret_key_check``)."""
        await verify_secret_key(self.database, self.box)

    async def start(self) -> None:
        if await self.database_reachable():
            await self.verify_secret_key()
        else:  # it starts degraded (/-/health answers 503); the key is checked by the next start
            log.warning("secret key not verified: the database is unreachable")
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


class Tenancy:
    """The tenancy services, wired to each other and to the installed document kinds and
    environments: provisioning hears of every change the others make."""

    def __init__(
        self, database: Database, box: SecretBox, settings: Settings, registry: Registry
    ) -> None:
        kinds = list(registry.document_types)
        environments = registry.environments.as_mapping()
        range_types: dict[str, bool] = {}
        for kind in kinds:  # a range type needs a key when any kind numbered from it does
            range_types[kind.range_type] = (
                range_types.get(kind.range_type, False) or kind.needs_technical_key
            )

        async def changed(tenant_id: int) -> None:
            await self.provisioner.provision(tenant_id)
            for listener in self.listeners:
                await listener(tenant_id)

        # also told of every change (the issuing service drops a replaced certificate)
        self.listeners: list[Callable[[int], Awaitable[None]]] = []

        self.database = database
        self.box = box
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
        self.ranges = NumberingRanges(
            database,
            range_types=range_types,
            environments=frozenset(environments),
            on_change=changed,
        )
        self.credentials = Credentials(database, box)
        self.quotas = Quotas(database)
        self.audit = AuditLog(database)
        self.smtp = SmtpService(database, box)
        self.users = PortalUsers(database)
        self.sessions = PortalSessions(database)
