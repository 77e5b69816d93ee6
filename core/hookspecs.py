"""Pluggy hook specifications of Pasarela (project name and entry-point group ``pasarela``).

Every hook is prefixed ``pasarela_``; ``get_plugin_manager`` calls ``check_pending()`` so a
misspelt hook implementation fails at start-up instead of being silently ignored.
The README's "Hook reference" documents each of them (a test keeps both in step).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from lxml import etree

    from core.contracts import Dialect, DocumentType, Environment, JobKind
    from core.model import Document, Problem, TenantView

PROJECT = "pasarela"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def pasarela_register_dialects(register: Callable[[Dialect], None]) -> None:
    """Register input dialects (APIs clients already speak).

    Call ``register(Dialect(...))`` once per dialect. The dialect's ``route_handlers`` are
    mounted on the gateway app. Two dialects with the same ``id`` stop the gateway at start-up.
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
def pasarela_document_finished(record: Any) -> None:
    """Called once a document reaches a final state (aceptado, rechazado or fallido).

    ``record`` is a read-only view of the stored document (ids, number, CUFE/CUDE, status,
    DIAN answer). Use it for audit trails, webhooks or e-mail; exceptions are logged and
    never change the document's outcome.
    """
