"""The synchronous document pipeline: canonical document → signed XML → ZIP.

``prepare_document`` does, in order: fill the supplier from the tenant → totals → UBL build (the
document type's ``build``) → ``pasarela_amend_ubl`` hooks → CUFE/CUDE computed from the finished
tree (technical key for CUFE types, software PIN for CUDE types) → ``cbc:UUID`` and
``sts:QRCode`` → XAdES-EPES signature with SigningTime = issue date/time in Bogotá (FAD09e) →
serialization (never re-indented after signing) → ZIP. It is pure CPU work: numbering,
persistence and sending belong to ``core.issuing``.

``validate_document`` runs the pre-flight: core rules, the document type's own rules and every
``pasarela_validate`` hook.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from core.clock import BOGOTA, now_bogota, to_bogota
from core.contracts import DocumentType, Environment
from core.errors import ConfigurationError, SoftwareNotRegistered
from core.model import Document, NumberingRange, Problem, Software, TenantView, Totals
from core.plugins import PluginHooks
from core.signing.certificates import SigningIdentity
from core.signing.xades import sign_xades_serialised
from core.tenant_role import place_tenant
from core.totals import compute_totals
from core.ubl.context import BuildContext
from core.ubl.finalize import apply_unique_code
from core.ubl.packaging import document_file_names, zip_xml
from core.ubl.unique_codes import (
    compute_unique_code,
    prehash_without_key,
    software_security_code,
)
from core.validation.preflight import preflight

# The declaration DIAN's own samples and most implementations write (lxml's would use quotes
# of its own); it is outside every digest, so it never affects the signature.
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'


class PreparedDocument(msgspec.Struct, frozen=True, kw_only=True):
    """A document ready to send: its signed XML, the ZIP, names and the unique code.

    ``document`` is the numbered, dated canonical document with its supplier filled (what was
    built); ``prehash`` is the CUFE/CUDE input string, handy when DIAN disagrees (FAD06). It
    ends with the technical key or the software PIN, so only ``public_prehash`` (the key
    replaced by a placeholder) is stored.
    """

    document: Document
    number: str
    xml: bytes
    zip: bytes
    xml_name: str
    zip_name: str
    unique_code: str
    prehash: str
    public_prehash: str
    qr_url: str
    software_security_code: str
    totals: Totals
    issued_at: dt.datetime

    def columns(self) -> dict[str, Any]:
        """The ``documents`` columns a prepared document fills (stored before it is sent)."""
        monetary = self.totals.monetary
        breakdown = {t.scheme: t.tax_amount for t in self.totals.tax_totals}
        return {
            "signed_xml": self.xml.decode("utf-8"),
            "unique_code": self.unique_code,
            "prehash": self.public_prehash,
            "zip_name": self.zip_name,
            "subtotal": monetary.line_extension,
            "taxes": sum(breakdown.values(), Decimal("0")),
            "tax_breakdown": breakdown,
            "payable": monetary.payable,
            "issue_datetime": self.issued_at,
        }


def issue_moment(document: Document, now: dt.datetime | None = None) -> dt.datetime:
    """The issue date and time in Bogotá, to the second: the document's own, else ``now``."""
    current = to_bogota(now) if now is not None else now_bogota()
    date = document.issue_date or current.date()
    time = document.issue_time or current.timetz()
    if time.tzinfo is None:
        moment = dt.datetime.combine(date, time, tzinfo=BOGOTA)
    else:
        moment = to_bogota(dt.datetime.combine(date, time.replace(tzinfo=None), tzinfo=time.tzinfo))
    return moment.replace(microsecond=0)


class IssueFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What is computed once per document before it is validated and built, and handed to
    both (``validate_document(totals=...)``, ``prepare_document(issued_at=..., totals=...)``).

    ``document`` carries its issue date and time; ``totals`` is ``None`` when a tax or an
    allowance has no amount (the pre-flight names it).
    """

    document: Document
    issued_at: dt.datetime
    totals: Totals | None


def issue_facts(document: Document, now: dt.datetime | None = None) -> IssueFacts:
    """The issue moment (the document's own, else ``now``) and the totals, computed once."""
    issued_at = issue_moment(document, now)
    document = msgspec.structs.replace(
        document, issue_date=issued_at.date(), issue_time=issued_at.timetz()
    )
    try:
        totals: Totals | None = compute_totals(document)
    except ValueError:
        totals = None
    return IssueFacts(document=document, issued_at=issued_at, totals=totals)


def tenant_software(tenant: TenantView, document_type: DocumentType) -> Software:
    """The software a kind is coded and sent with: the tenant's for the kind's channel."""
    found = tenant.software.get(document_type.software_channel)
    if found is None:
        raise SoftwareNotRegistered(tenant.nit, document_type.software_channel, document_type.title)
    return found


def complete_document(
    document: Document,
    *,
    tenant: TenantView,
    numbering_range: NumberingRange,
    document_type: DocumentType,
    issued_at: dt.datetime,
) -> Document:
    """Fill what the pipeline owns: the tenant's party in its role, prefix (the range), issue
    date/time (``issued_at``, from ``issue_moment``)."""
    if document.number is None:
        raise ValueError("the document must be numbered before it is prepared")
    document = place_tenant(document, tenant, document_type)
    return msgspec.structs.replace(
        document,
        prefix=document.prefix if document.prefix is not None else numbering_range.prefix,
        issue_date=issued_at.date(),
        issue_time=issued_at.timetz(),
    )


def unique_code_key(
    document_type: DocumentType, software: Software, numbering_range: NumberingRange
) -> str:
    """CUFE: the range's technical key; CUDE/CUDS: the software PIN (research §1.1)."""
    if document_type.unique_code == "CUFE":
        if not numbering_range.technical_key:
            raise ConfigurationError(
                f"La resolución {numbering_range.resolution_number} no tiene clave técnica: "
                "no se puede calcular el CUFE."
            )
        return numbering_range.technical_key
    return software.pin


def prepare_document(
    document: Document,
    *,
    document_type: DocumentType,
    tenant: TenantView,
    numbering_range: NumberingRange,
    environment: Environment,
    identity: SigningIdentity,
    plugin_manager: PluginHooks | None = None,
    now: dt.datetime | None = None,
    issued_at: dt.datetime | None = None,
    totals: Totals | None = None,
    ids_seed: str | None = None,
    role: str = "supplier",
    file_consecutive: int | None = None,
) -> PreparedDocument:
    """Build, amend, code, sign and zip one numbered document (see the module docstring).

    ``issued_at`` and ``totals``: the issue moment (``issue_moment``) and the totals when the
    caller already has them (``core.issuing`` computes each once per document and hands the
    same values to ``validate_document``); otherwise they are computed here, the issue moment
    from the document's own date and time or ``now``. ``ids_seed`` makes the
    signature ids deterministic (golden files). ``role`` is the XAdES ClaimedRole.
    ``file_consecutive`` is the 8-digit consecutive of the file names; by default the
    document's number (unique within its range; give a per-tenant yearly counter to make names
    unique across document types, since ``z…zip`` carries no type prefix).
    """
    if issued_at is None:
        issued_at = issue_moment(document, now)
    document = complete_document(
        document,
        tenant=tenant,
        numbering_range=numbering_range,
        document_type=document_type,
        issued_at=issued_at,
    )
    number = document.full_number or ""
    software = tenant_software(tenant, document_type)
    security_code = software_security_code(software.id, software.pin, number)
    if totals is None:
        totals = compute_totals(document)
    ctx = BuildContext(
        document=document,
        document_type=document_type,
        tenant=tenant,
        numbering_range=numbering_range,
        environment=environment,
        totals=totals,
        software=software,
        software_security_code=security_code,
    )
    root = document_type.build(ctx)
    if plugin_manager is not None:
        plugin_manager.amend_ubl(root, document, document_type)
    key = unique_code_key(document_type, software, numbering_range)
    code, prehash = compute_unique_code(root, key, kind=document_type.unique_code)
    qr_url = environment.qr_url(code)
    apply_unique_code(root, code, qr_url)
    xml = XML_DECLARATION + sign_xades_serialised(
        root, identity, issued_at, role=role, ids_seed=ids_seed
    )
    xml_name, zip_name = document_file_names(
        document_type.file_prefix,
        tenant.nit,
        issued_at.year,
        document.number if file_consecutive is None else file_consecutive,
    )
    return PreparedDocument(
        document=document,
        number=number,
        xml=xml,
        zip=zip_xml(xml, xml_name),
        xml_name=xml_name,
        zip_name=zip_name,
        unique_code=code,
        prehash=prehash,
        public_prehash=prehash_without_key(root, prehash, key),
        qr_url=qr_url,
        software_security_code=security_code,
        totals=totals,
        issued_at=issued_at,
    )


def validate_document(
    document: Document,
    *,
    document_type: DocumentType,
    tenant: TenantView,
    numbering_range: NumberingRange | None,
    plugin_manager: PluginHooks | None = None,
    now: dt.datetime | None = None,
    totals: Totals | None = None,
) -> list[Problem]:
    """Every pre-flight finding: core rules, the type's ``validate``, ``pasarela_validate`` hooks.

    ``now`` is the current time the issue date is judged against; ``totals``, when the caller
    has computed them (``core.issuing`` does, once per document), are checked as they are.
    Errors (``severity="error"``) stop issuance; warnings travel with the document.
    """
    problems = preflight(
        document,
        document_type,
        tenant,
        numbering_range,
        now=now if now is not None else now_bogota(),
        totals=totals,
    )
    problems += document_type.validate(document, tenant)
    if plugin_manager is not None:
        problems += plugin_manager.validate(document, document_type, tenant)
    return problems
