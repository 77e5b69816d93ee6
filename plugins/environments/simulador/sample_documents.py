"""A registered issuer and its signed documents, for exercising a simulator (bench, tests).

Documents come out of the gateway's own pipeline (``core.pipeline.prepare_document`` with the
installed document types and ``core.sample_documents``' canonical samples), so what the
simulator judges is exactly what the gateway sends. Each issuer gets its own NIT, software and
a certificate generated on the spot, as if it had just been set up in DIAN's portal.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import uuid
import zipfile
from dataclasses import dataclass

import msgspec

from core.clock import now_bogota
from core.contracts import CHANNEL_EQUIVALENT, CHANNEL_INVOICES, CHANNEL_SUPPORT, Provisioning
from core.model import BillingReference, NumberingRange, Software, TenantView
from core.pipeline import PreparedDocument, prepare_document
from core.plugins import PluginHooks, build_registry, get_plugin_manager
from core.registry import Registry
from core.sample_documents import SUPPLIER, sample_document, sample_numbering_range
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.validation.nit import check_digit

ENVIRONMENT = "simulador"
SAMPLE_TYPES = ("01", "91", "92", "05", "95")
SOFTWARE_CHANNELS = (CHANNEL_INVOICES, CHANNEL_EQUIVALENT, CHANNEL_SUPPORT)


@functools.cache
def _registry() -> Registry:
    return build_registry(get_plugin_manager())


@dataclass(frozen=True)
class SampleIssuer:
    """A company as DIAN's portal knows it, with the key it signs with."""

    tenant: TenantView
    ranges: dict[str, NumberingRange]
    identity: SigningIdentity

    @property
    def invoices(self) -> NumberingRange:
        return self.ranges["01"]

    def provisioning(self, ranges: tuple[NumberingRange, ...] | None = None) -> Provisioning:
        """What the tenant service hands the environment; ``ranges`` overrides the registry's
        view (e.g. a different technical key than the one the issuer uses)."""
        return Provisioning(
            tenant=self.tenant,
            ranges=ranges or tuple(self.ranges.values()),
            certificate_der=self.identity.der,
            range_channels={k.range_type: k.software_channel for k in _registry().document_types},
        )


def sample_issuer(nit: str = "900373076", name: str | None = None) -> SampleIssuer:
    dv = check_digit(nit)
    party = msgspec.structs.replace(
        SUPPLIER, id_number=nit, dv=dv, name=name or f"Empresa de Pruebas {nit} S.A.S."
    )
    software = Software(
        id=str(uuid.uuid4()),
        pin="12345",
        provider_nit=nit,
        provider_dv=dv,
        test_set_id=str(uuid.uuid4()),
    )
    tenant = TenantView(
        id=int(nit),
        uuid=str(uuid.uuid4()),
        nit=nit,
        dv=dv,
        party=party,
        environment=ENVIRONMENT,
        # DIAN registers the support-document software apart: its ranges and PIN are its own
        software={
            **dict.fromkeys(SOFTWARE_CHANNELS, software),
            CHANNEL_SUPPORT: msgspec.structs.replace(software, id=str(uuid.uuid4()), pin="67890"),
        },
    )
    ranges = {
        code: msgspec.structs.replace(sample_numbering_range(code), environment=ENVIRONMENT)
        for code in SAMPLE_TYPES
    }
    pkcs12, password = generate_test_pkcs12(nit=nit, name=party.name)
    return SampleIssuer(tenant=tenant, ranges=ranges, identity=load_pkcs12(pkcs12, password))


def prepare_sample(
    issuer: SampleIssuer,
    type_code: str,
    number: int,
    *,
    lines: int = 1,
    issued_at: dt.datetime | None = None,
    reference: BillingReference | None = None,
    plugin_manager: PluginHooks | None = None,
) -> PreparedDocument:
    """A signed, zipped document of ``type_code`` numbered ``number`` in the issuer's range.

    ``reference`` is the invoice a note corrects; ``plugin_manager`` runs its
    ``pasarela_amend_ubl`` hooks (tests use one to write wrong totals on purpose).
    """
    registry = _registry()
    issued_at = (issued_at or now_bogota()).replace(microsecond=0)
    document = msgspec.structs.replace(
        sample_document(type_code, lines=lines, number=number),
        issue_date=issued_at.date(),
        issue_time=issued_at.timetz(),
    )
    if document.due_date is not None:
        document = msgspec.structs.replace(document, due_date=issued_at.date())
    if reference is not None:
        document = msgspec.structs.replace(document, billing_reference=reference)
    return prepare_document(
        document,
        document_type=registry.document_types.get(type_code),
        tenant=issuer.tenant,
        numbering_range=issuer.ranges[type_code],
        environment=registry.environments.get(ENVIRONMENT),
        identity=issuer.identity,
        plugin_manager=plugin_manager,
    )


def zip_documents(*files: tuple[str, bytes]) -> bytes:
    """A ZIP holding the given (name, XML bytes) entries (batches, or wrong ZIPs in tests)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in files:
            archive.writestr(name, xml)
    return buffer.getvalue()
