"""Pluggy hook specifications of Pasarela (project name and entry-point group ``pasarela``).

Every hook is prefixed ``pasarela_``; ``get_plugin_manager`` calls ``check_pending()`` so a
misspelt hook implementation fails at start-up instead of being silently ignored.
The README's "Hook reference" documents each of them (a test keeps both in step).
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy
from lxml import etree

from core.contracts import Command, Dialect, DocumentType, Environment, JobKind, MigrationTree
from core.model import Document, DocumentRecord, Problem, TenantView

PROJECT = "pasarela"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def pasarela_register_dialects(register: Callable[[Dialect], None]) -> None:
    """Register input dialects (APIs clients already speak).

    Call ``register(Dialect(...))`` once per dialect. The dialect's ``route_handlers`` are
    mounted on the gateway app; its ``bench`` scenario (a ``BenchScenario``) lets
    ``pasarela bench http --dialect ID`` load-test it. Two dialects with the same ``id`` stop
    the gateway at start-up.
    """


@hookspec
def pasarela_register_environments(register: Callable[[Environment], None]) -> None:
    """Register DIAN environments (habilitación, producción, the simulator, ...).

    Call ``register(Environment(...))``; the id is what a tenant's ``environment`` names.
    Duplicate ids are a start-up error.
    """


@hookspec
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    """Register DIAN document types (01 factura, 91 nota crédito, 92 nota débito, 20 POS ...).

    Call ``register(DocumentType(...))``; the ``code`` is DIAN's type code and must be unique.
    """


@hookspec
def pasarela_register_migrations(register: Callable[[MigrationTree], None]) -> None:
    """Register the plugin's own alembic migration tree, for the tables the plugin owns.

    Call ``register(MigrationTree(name=..., location=...))`` once. ``pasarela db upgrade``,
    ``pasarela serve`` and the test fixtures apply core's tree (branch ``core``) and every
    registered tree together (``alembic upgrade heads``), under one lock, so a plugin's tables
    exist before its code runs. The tree's first revision carries ``branch_labels = (name,)``
    and, when its tables reference core's, ``depends_on = "0001"``. Two trees with the same
    name (or a plugin tree named ``core``) are a start-up error.
    """


@hookspec
def pasarela_register_commands(register: Callable[[Command], None]) -> None:
    """Add subcommands to the ``pasarela`` command line.

    Call ``register(Command(name=..., help=..., configure=...))``: the CLI adds the parser
    ``pasarela NAME`` and ``configure(parser)`` adds its arguments and binds the handler with
    ``parser.set_defaults(func=handler)`` (``handler(args) -> int``, the exit status). A name
    already taken, by core or another plugin, stops the command line with an error.
    A plugin left out by ``PASARELA_DISABLE_PLUGINS`` / ``PASARELA_PLUGINS`` adds no command.
    """


@hookspec
def pasarela_register_benches(register: Callable[[Command], None]) -> None:
    """Add benchmarks under ``pasarela bench``.

    Call ``register(Command(...))`` as for ``pasarela_register_commands``; the command is
    mounted as ``pasarela bench NAME`` beside core's ``pipeline`` and ``http``. By convention
    a bench prints a last line ``NAME key=value ...`` that scripts can read.
    """


@hookspec
def pasarela_register_jobs(register: Callable[[JobKind], None]) -> None:
    """Register kinds of durable follow-up work (e-mail delivery, AttachedDocument ...).

    Call ``register(JobKind(id=..., handler=...))``; the id is what jobs of this kind are
    stored under, so keep it stable and namespaced (``"myplugin.send_email"``). Enqueue work
    with ``core.api.enqueue_job`` inside your own transaction (or ``ctx.jobs.enqueue``): it is
    stored in the gateway's database and run by the job worker of any gateway process, with
    retries and backoff. Duplicate ids are a start-up error.
    """


@hookspec
def pasarela_validate(
    document: Document, document_type: DocumentType, tenant: TenantView
) -> list[Problem] | None:
    """Add pre-flight checks to every document before it is numbered.

    Return a list of ``Problem`` (rule id, field path, Spanish message, severity) or ``None``.
    Any problem with severity ``error`` stops issuance; the dialect answers with its own
    validation error shape. Warnings are kept with the document.
    """


@hookspec
def pasarela_amend_ubl(
    root: etree._Element, document: Document, document_type: DocumentType
) -> None:
    """Last-mile edits of the UBL tree, after it is built and before CUFE and signature.

    Mutate ``root`` in place (add an extension, a note, a sector-specific element).
    The CUFE/CUDE is computed from the amended tree, so amounts edited here count.
    """


@hookspec
def pasarela_document_finished(record: DocumentRecord) -> None:
    """Called once a document reaches a final state (aceptado, rechazado or fallido).

    ``record`` is the stored document as a frozen ``DocumentRecord`` (``core.api``): tracking
    id, tenant, dialect, type code, number, CUFE/CUDE, totals, status and DIAN's answer. Use
    it for audit trails, webhooks or e-mail; exceptions are logged and never change the
    document's outcome.
    """
