"""What plugins register: dialects, environments and document types.

These are the contracts of DESIGN §3. A plugin builds instances of these classes and hands
them to the ``register`` callback of the matching ``pasarela_register_*`` hook.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from lxml import etree

    from core.model import Document, NumberingRange, Problem, TenantView
    from core.settings import Settings

UniqueCode = Literal["CUFE", "CUDE", "CUDS"]
TenantRole = Literal["supplier", "buyer"]
UblRoot = Literal["Invoice", "CreditNote", "DebitNote", "ApplicationResponse", "AttachedDocument"]

# DIAN registers one software (id and PIN) per channel: a tenant holds one per channel it uses.
CHANNEL_INVOICES = "facturacion"  # factura electrónica de venta and its notes
CHANNEL_EQUIVALENT = "documento_equivalente"  # documentos equivalentes electrónicos (POS ...)
CHANNEL_SUPPORT = "documento_soporte"  # documento soporte en adquisiciones and its notes


@dataclass(frozen=True, kw_only=True)
class Dialect:
    """An input API (FacEPro, APIDIAN, Factus, a vendor's own).

    ``route_handlers`` are Litestar handlers/routers mounted at the app root, so the dialect
    owns its full paths (e.g. ``/api/v1/...``). ``credentials_for_demo`` turns a freshly issued
    credential into the JSON entry ``serve --demo`` writes for this dialect.
    """

    id: str
    title: str
    route_handlers: Sequence[Any]
    credentials_for_demo: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    version: str = "1"


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
    ``demo_range`` for the demo tenant; ``file_prefix`` (§5 file names); ``rule_prefix`` (DIAN
    rule ids); ``software_channel``, the registered software it is coded and sent with.
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
    software_channel: str = CHANNEL_INVOICES
    requires_reference: frozenset[str] = field(default_factory=frozenset)

    @property
    def range_type(self) -> str:
        return self.numbering_type or self.code

    @property
    def needs_technical_key(self) -> bool:
        """CUFE kinds are coded with their range's technical key (research §1.1)."""
        return self.unique_code == "CUFE"
