"""What plugins register: dialects, environments and document types.

These are the contracts of DESIGN §3. A plugin builds instances of these classes and hands
them to the ``register`` callback of the matching ``pasarela_register_*`` hook.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from core.dialects.decoding import DEFAULT_LIMITS, DecodeLimits
from core.dialects.errors import ErrorShape

if TYPE_CHECKING:
    from lxml import etree

    from core.model import Document, NumberingRange, Problem, TenantView
    from core.settings import Settings

UniqueCode = Literal["CUFE", "CUDE", "CUDS"]


@dataclass(frozen=True, kw_only=True)
class Dialect:
    """An input API (FacEPro, APIDIAN, Factus, a vendor's own).

    ``route_handlers`` are Litestar handlers/routers mounted at the app root, so the dialect
    owns its full paths (e.g. ``/api/v1/...``). ``credentials_for_demo`` turns a freshly issued
    credential into the JSON entry ``serve --demo`` writes for this dialect.

    ``path_prefix`` and ``errors``: every error under the prefix — an unknown route or method
    there included — is answered in this ``ErrorShape``. ``limits`` bound its request bodies
    (the app stops reading at ``max_body_bytes``; ``decode_json`` applies the rest).
    """

    id: str
    title: str
    route_handlers: Sequence[Any]
    credentials_for_demo: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    version: str = "1"
    path_prefix: str | None = None
    errors: ErrorShape | None = None
    limits: DecodeLimits = DEFAULT_LIMITS


@dataclass(frozen=True, kw_only=True)
class Provisioning:
    """What DIAN's portal knows about a tenant: handed to an environment when a tenant is
    configured for it (the simulator keeps its own registry from this)."""

    tenant: TenantView
    ranges: Sequence[NumberingRange]
    certificate_der: bytes | None


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
class DocumentType:
    """One DIAN document type (01, 91, 92, 20, 94, 93 ...).

    ``build`` returns the unsigned UBL root for a numbered, totalled document; ``validate``
    adds this type's own pre-flight rules. ``customization_ids`` lists the operation types
    (CustomizationID) the type accepts.
    """

    code: str
    title: str
    ubl_root: Literal["Invoice", "CreditNote", "DebitNote"]
    profile_id: str
    unique_code: UniqueCode
    file_prefix: str  # fv, nc, nd ... (zip/xml names, §5)
    rule_prefix: str  # FA, CA, DA, NAA ... (DIAN rule ids)
    customization_ids: Mapping[str, str]  # code -> description
    build: Callable[..., etree._Element]
    validate: Callable[[Document, TenantView], Sequence[Problem]] = lambda d, t: ()
    numbering_type: str | None = None  # which range type numbers it (defaults to code)
    requires_reference: frozenset[str] = field(default_factory=frozenset)

    @property
    def range_type(self) -> str:
        return self.numbering_type or self.code
