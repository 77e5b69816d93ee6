"""What plugins register: dialects, environments, document types, migration trees, commands,
benches and job kinds.

These are the contracts of DESIGN §3. A plugin builds instances of these classes and hands
them to the ``register`` callback of the matching ``pasarela_register_*`` hook.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from core.dialects.decoding import DEFAULT_LIMITS, DecodeLimits
from core.dialects.errors import ErrorShape

if TYPE_CHECKING:
    from lxml import etree

    from core.model import Document, NumberingRange, Problem, TenantView
    from core.settings import Settings
    from core.tenancy.records import IssuedCredential

UniqueCode = Literal["CUFE", "CUDE", "CUDS"]
TenantRole = Literal["supplier", "buyer"]
# How a dialect's clients present their credential (core.tenancy.credentials): "<id>|<secret>",
# an opaque token (issued here or imported from another provider), an expiring OAuth token.
TokenScheme = Literal["par", "opaco", "oauth"]
UblRoot = Literal["Invoice", "CreditNote", "DebitNote", "ApplicationResponse", "AttachedDocument"]

# DIAN registers one software (id and PIN) per channel: a tenant holds one per channel it uses.
CHANNEL_INVOICES = "facturacion"  # factura electrónica de venta and its notes
CHANNEL_EQUIVALENT = "documento_equivalente"  # documentos equivalentes electrónicos (POS ...)
CHANNEL_SUPPORT = "documento_soporte"  # documento soporte en adquisiciones and its notes


@dataclass(frozen=True, kw_only=True)
class BenchRequest:
    """One request ``pasarela bench http`` sends; ``body`` is encoded as JSON by the bench."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Mapping[str, Any]


JsonPath = Sequence[str | int]


@dataclass(frozen=True, kw_only=True)
class BenchScenario:
    """How ``pasarela bench http --dialect ID`` issues one invoice in a dialect and reads the
    answer, so the bench measures any installed dialect without knowing it.

    ``request(credentials, sequence)`` builds the request from the dialect's entry in the
    credentials file ``serve --demo`` writes (what ``Dialect.credentials_for_demo`` returned)
    and a sequence number that keeps documents distinct (negative for warm-up requests).
    An answer counts as a success when its HTTP status is ``success_status``, the JSON value
    at ``status_path`` is one of ``success_states`` and, when ``unique_code_path`` is given,
    the value there is a non-empty string (the CUFE/CUDE the gateway computed).
    ``prepare(base_url, credentials)``, when given, runs once before the first request and
    returns the credentials ``request`` is given from then on (a dialect whose clients sign in
    first, as with OAuth, fetches its token there, once).
    """

    request: Callable[[Mapping[str, Any], int], BenchRequest]
    status_path: JsonPath
    success_states: frozenset[str | int]  # strings, or numbers as some dialects answer
    success_status: int = 201
    unique_code_path: JsonPath | None = None
    prepare: Callable[[str, Mapping[str, Any]], Awaitable[Mapping[str, Any]]] | None = None

    def succeeded(self, status_code: int, answer: Any) -> bool:
        """Whether one answer (HTTP status, decoded JSON body) is an issued document."""
        if status_code != self.success_status:
            return False
        state = _value_at(answer, self.status_path)
        if not isinstance(state, str | int) or isinstance(state, bool):
            return False
        if state not in self.success_states:
            return False
        if self.unique_code_path is None:
            return True
        code = _value_at(answer, self.unique_code_path)
        return isinstance(code, str) and bool(code)


def _value_at(answer: Any, path: JsonPath) -> Any:
    for step in path:
        try:
            answer = answer[step]
        except (KeyError, IndexError, TypeError):
            return None
    return answer


@dataclass(frozen=True, kw_only=True)
class Dialect:
    """An input API (the API a client already speaks: a provider's or a vendor's own).

    ``route_handlers`` are Litestar handlers/routers mounted at the app root, so the dialect
    owns its full paths (e.g. ``/api/v1/...``). ``credentials_for_demo`` turns a freshly issued
    credential into the JSON entry ``serve --demo`` writes for this dialect. ``bench`` tells
    ``pasarela bench http`` how to issue an invoice in this dialect (``None``: not benchable).
    ``token_scheme`` is how its clients present credentials: the scheme the credentials
    ``serve --demo`` and ``pasarela credentials create`` issue for it (an ``oauth`` dialect
    gets an ``opaco`` client credential, to which it grants access tokens).

    ``complete_credential(ctx, issued)``: for a dialect whose clients sign in with more than
    one token (an OAuth client id and secret plus a user and password), awaited with the
    ``AppContext`` right after core issued a credential for it (``serve --demo``,
    ``pasarela credentials create``): it stores what its sign-in needs, hashed, and returns
    the fields its clients configure, shown once (``IssuedCredential.details``: printed by
    the CLI, handed to ``credentials_for_demo``).

    ``path_prefix`` and ``errors``: every error under the prefix — an unknown route or method
    there included — is answered in this ``ErrorShape``. ``limits`` bound its request bodies
    (the app stops reading at ``max_body_bytes``; ``decode_json`` applies the rest).
    """

    id: str
    title: str
    route_handlers: Sequence[Any]
    credentials_for_demo: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    version: str = "1"
    bench: BenchScenario | None = None
    token_scheme: TokenScheme = "par"
    path_prefix: str | None = None
    errors: ErrorShape | None = None
    limits: DecodeLimits = DEFAULT_LIMITS
    complete_credential: Callable[[Any, IssuedCredential], Awaitable[Mapping[str, str]]] | None = (
        None
    )


@dataclass(frozen=True, kw_only=True)
class Command:
    """A ``pasarela NAME`` subcommand, or ``pasarela bench NAME`` when registered as a bench.

    The CLI adds the parser with ``name`` and ``help``; ``configure(parser)`` adds the
    arguments and binds the handler with ``parser.set_defaults(func=handler)``, where
    ``handler(args: argparse.Namespace) -> int`` returns the exit status (a command with
    actions of its own adds subparsers and binds one handler per action). Handlers read
    settings when they run, never when the parser is built: every ``pasarela`` call builds
    the parser of every command.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True, kw_only=True)
class Provisioning:
    """What DIAN's portal knows about a tenant: handed to an environment when a tenant is
    configured for it (the simulator keeps its own registry from this)."""

    tenant: TenantView
    ranges: Sequence[NumberingRange]
    certificate_der: bytes | None
    # range type -> the software channel its documents are sent with (ranges are filed under
    # that channel's software); a type not listed belongs to the invoice channel
    range_channels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Environment:
    """A DIAN environment: where documents go and how they are marked.

    ``soap_url`` may be ``None`` when the URL comes from settings (the simulator).
    """

    id: str
    title: str
    profile_execution_id: Literal["1", "2"]
    soap_url: str | None
    qr_base_url: str
    test_set_flow: bool = False  # habilitación: SendTestSetAsync + GetStatusZip
    provision: Callable[[Settings, Provisioning], Awaitable[None]] | None = None
    # For environments served by an app of ours (the simulator): returns the SOAP URL and,
    # when it runs inside this process, an httpx transport that reaches it without a socket.
    connect: Callable[[Settings], tuple[str, Any]] | None = None

    def endpoint(self, settings: Settings) -> tuple[str, Any]:
        """Where to send SOAP requests: (URL, httpx transport or ``None`` for the network)."""
        if self.connect is not None:
            return self.connect(settings)
        if self.soap_url is None:
            raise ValueError(f"environment {self.id!r} has no SOAP URL")
        return self.soap_url, None

    def qr_url(self, unique_code: str) -> str:
        """``sts:QRCode``: the catalogue search URL for a CUFE/CUDE (§2.2)."""
        return f"{self.qr_base_url}{unique_code}"


@dataclass(frozen=True, kw_only=True)
class DemoRange:
    """The numbering range ``serve --demo`` gives the demo tenant for one document kind."""

    prefix: str
    from_number: int
    to_number: int
    resolution_number: str = "18760000001"  # DIAN's public test resolution (habilitación)
    technical_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class Sample:
    """A fixed example of a kind, for ``pasarela bench pipeline``, golden files and tests:
    the range it is numbered in and ``build(kind, lines)``, which returns the document with
    ``lines`` lines, numbered from the range's first number (``core.sample_documents`` has the
    shared parties and lines)."""

    numbering: DemoRange
    build: Callable[[DocumentType, int], Document]


@dataclass(frozen=True, kw_only=True)
class DocumentType:
    """One DIAN document kind (01, 91, 92, 20, 94, 93 ...) and every fact about it.

    ``build`` returns the unsigned UBL root for a numbered, totalled document; ``validate``
    adds this kind's own pre-flight rules. ``customization_ids`` lists the operation types
    (CustomizationID) the kind accepts.

    Facts the rest of the gateway reads from here (so adding a kind touches only its plugin):
    ``permission`` a tenant must hold to issue it; ``tenant_role``, what the issuing tenant is
    in the document (``supplier`` for sales documents; ``buyer`` for the support document and
    its note, where the counterparty in the document is the seller); ``numbering_type``, the
    range type it numbers from (default: its own code) and ``authorized_numbering``, whether
    that range is a DIAN numbering authorization (resolución) the document must cite;
    ``demo_range`` for the demo tenant; ``sample``, its fixed example; ``file_prefix`` (§5 file
    names); ``rule_prefix`` (DIAN rule ids); ``software_channel``, the registered software it
    is coded and sent with; ``correction_concepts`` (code -> name), for a note whose correction
    concepts are not DIAN's credit/debit-note lists (the support document's adjustment note).
    ``contingency``: the kind is issued while DIAN may be unreachable (03, 04): its delivery
    job (``core.contingency``) never gives a document up for transport trouble, and
    ``ContingencyDeliveries.send_pending`` sends the tenant's pending ones on demand;
    ``deferred_sending``: the document is stored signed and sent later by that job, not by
    the request that issues it (04).
    Kinds that are not sales documents (RADIAN events as ``ApplicationResponse``, the
    ``AttachedDocument``) use the same contract with their own root, code and channel.
    """

    code: str
    title: str
    ubl_root: UblRoot
    profile_id: str
    unique_code: UniqueCode
    file_prefix: str  # fv, nc, nd ... (zip/xml names, §5)
    rule_prefix: str  # FA, CA, DA, NAA ... (DIAN rule ids)
    build: Callable[..., etree._Element]
    permission: str
    customization_ids: Mapping[str, str] = field(default_factory=dict)  # code -> description
    validate: Callable[[Document, TenantView], Sequence[Problem]] = lambda d, t: ()
    tenant_role: TenantRole = "supplier"
    numbering_type: str | None = None  # which range type numbers it (defaults to code)
    authorized_numbering: bool = False
    demo_range: DemoRange | None = None
    sample: Sample | None = None
    software_channel: str = CHANNEL_INVOICES
    requires_reference: frozenset[str] = field(default_factory=frozenset)
    contingency: bool = False
    deferred_sending: bool = False
    correction_concepts: Mapping[str, str] = field(default_factory=dict)

    @property
    def range_type(self) -> str:
        return self.numbering_type or self.code

    @property
    def needs_technical_key(self) -> bool:
        """CUFE kinds are coded with their range's technical key (research §1.1)."""
        return self.unique_code == "CUFE"


@dataclass(frozen=True, kw_only=True)
class MigrationTree:
    """A plugin's own alembic migrations, applied by ``pasarela db upgrade`` with core's.

    ``name`` is the tree's alembic branch label (``"core"``, ``"simulador"``): the first
    revision declares ``branch_labels = (name,)``, and a first revision that references core's
    tables also declares ``depends_on`` core's first revision (``"0001"``). ``location`` is
    the directory whose ``versions/`` holds the revision scripts, as a package resource
    (``"my_plugin:migrations"``) or a filesystem path. Revision ids share one namespace with
    every other tree, so prefix them with the tree's name.
    """

    name: str
    location: str


@dataclass(frozen=True, kw_only=True)
class JobContext:
    """What a job handler is told besides its payload.

    ``attempt`` is 1 on the first run. ``gateway`` is the application context the gateway
    was built with (``core.context.AppContext``: settings, registry, database, tenants,
    documents, jobs), so a handler reaches the services it needs without globals.
    """

    job_id: int
    kind: str
    attempt: int
    gateway: Any


@dataclass(frozen=True, kw_only=True)
class JobOutcome:
    """How a job run ended: ``done()``, ``retry(error, delay_s=...)`` or ``failed(error)``.

    A retry without ``delay_s`` waits the kind's backoff for that attempt; a retry past the
    kind's ``max_attempts`` becomes a failure. A handler that raises is retried the same way.
    """

    state: Literal["done", "retry", "failed"]
    error: str | None = None
    delay_s: float | None = None

    @classmethod
    def done(cls) -> JobOutcome:
        return cls(state="done")

    @classmethod
    def retry(cls, error: str | None = None, *, delay_s: float | None = None) -> JobOutcome:
        return cls(state="retry", error=error, delay_s=delay_s)

    @classmethod
    def failed(cls, error: str) -> JobOutcome:
        return cls(state="failed", error=error)


JobHandler = Callable[[Mapping[str, Any], JobContext], Awaitable["JobOutcome | None"]]


@dataclass(frozen=True, kw_only=True)
class JobKind:
    """A kind of follow-up work run by the durable job queue (``core.jobs``).

    ``handler(payload, context)`` does one attempt and returns a ``JobOutcome`` (``None``
    means done). Jobs are at-least-once: a process that dies mid-run leaves the job leased,
    and once the lease runs out another process runs it again, so a handler must be safe to
    repeat (DIAN delivery asks DIAN before re-sending). ``max_attempts`` bounds the runs;
    attempt ``n`` that asks to retry waits ``backoff_s * 2 ** (n - 1)`` seconds, at most
    ``max_backoff_s``. ``payload`` is JSON: keep ids in it, not whole documents.
    """

    id: str
    handler: JobHandler
    max_attempts: int = 10
    backoff_s: float = 5.0
    max_backoff_s: float = 300.0

    def delay_after(self, attempt: int) -> float:
        """Seconds to wait after attempt ``attempt`` (1-based) asked to be retried."""
        exponent = min(max(attempt, 1) - 1, 60)  # 2**60 s is past any cap: no overflow
        return min(self.backoff_s * math.pow(2, exponent), self.max_backoff_s)
