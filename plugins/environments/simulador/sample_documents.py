"""A ready-made issuer and signed documents for exercising a simulator (bench, demos, tests).

Documents are produced with the gateway's own parts (``core.totals``, ``core.ubl`` builders,
``core.ubl.unique_codes``, ``core.signing.xades``), so what the simulator judges here is what
the gateway would send. The issuer's certificate is generated on the spot.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from core.clock import now_bogota
from core.contracts import DocumentType, Environment, Provisioning
from core.model import (
    Address,
    BillingReference,
    Discrepancy,
    Document,
    Line,
    NumberingRange,
    Party,
    Software,
    Tax,
    TenantView,
)
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import sign_xades
from core.totals import compute_totals
from core.ubl.context import BuildContext
from core.ubl.documents import RootOptions, build_credit_note, build_invoice
from core.ubl.finalize import apply_unique_code
from core.ubl.unique_codes import compute_unique_code, software_security_code
from core.validation.nit import check_digit

TEST_TECHNICAL_KEY = "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c"
_ENVIRONMENT = Environment(
    id="simulador", title="Simulador", profile_execution_id="2", soap_url=None,
    qr_base_url="https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=",
)
_INVOICE = DocumentType(
    code="01", title="Factura electrónica de venta", ubl_root="Invoice",
    profile_id="DIAN 2.1: Factura Electrónica de Venta", unique_code="CUFE", file_prefix="fv",
    rule_prefix="FA", customization_ids={"10": "Estándar"},
    build=lambda ctx: build_invoice(ctx, RootOptions(type_code="01", invoice_control=True)),
)
_CREDIT_NOTE = DocumentType(
    code="91", title="Nota crédito", ubl_root="CreditNote",
    profile_id="DIAN 2.1: Nota Crédito de Factura Electrónica de Venta", unique_code="CUDE",
    file_prefix="nc", rule_prefix="CA", customization_ids={"20": "Con referencia"},
    build=lambda ctx: build_credit_note(ctx, RootOptions(type_code="91")),
)


@dataclass(frozen=True)
class SampleIssuer:
    """A company as DIAN's portal would know it, with the key it signs with."""

    tenant: TenantView
    invoices: NumberingRange
    identity: SigningIdentity

    def provisioning(self) -> Provisioning:
        return Provisioning(tenant=self.tenant, ranges=(self.invoices,),
                            certificate_der=self.identity.der)


def sample_issuer(nit: str = "900373076", name: str = "Empresa de Pruebas S.A.S.") -> SampleIssuer:
    dv = check_digit(nit)
    party = Party(
        organization_type="1", id_type="31", id_number=nit, dv=dv, name=name,
        tax_level_codes=("O-13",), tax_scheme="01",
        address=Address(municipality_code="11001", city_name="Bogotá, D.C.",
                        department_code="11", department_name="Bogotá", postal_zone="110111",
                        line="Calle 1 # 2-3"),
    )
    software = Software(id=str(uuid.uuid4()), pin="12345", provider_nit=nit, provider_dv=dv,
                        test_set_id=str(uuid.uuid4()))
    tenant = TenantView(id=1, uuid=str(uuid.uuid4()), nit=nit, dv=dv, party=party,
                        environment="simulador", software=software)
    invoices = NumberingRange(
        id=1, document_type="01", environment="simulador", resolution_number="18760000001",
        resolution_date=dt.date(2019, 1, 19), prefix="SETP", from_number=990000000,
        to_number=995000000, valid_from=dt.date(2019, 1, 19), valid_to=dt.date(2030, 1, 19),
        technical_key=TEST_TECHNICAL_KEY,
    )
    pkcs12, password = generate_test_pkcs12(nit=nit, name=name)
    return SampleIssuer(tenant=tenant, invoices=invoices, identity=load_pkcs12(pkcs12, password))


_CUSTOMER = Party(
    organization_type="1", id_type="31", id_number="800197268", dv="4",
    name="Cliente de Pruebas S.A.", tax_level_codes=("R-99-PN",), tax_scheme="ZZ",
)


Amend = Callable[[etree._Element], None]


def _finish(
    issuer: SampleIssuer, document: Document, document_type: DocumentType, key: str,
    signed_at: dt.datetime, amend: Amend | None = None,
) -> etree._Element:
    ctx = BuildContext(
        document=document, document_type=document_type, tenant=issuer.tenant,
        numbering_range=issuer.invoices, environment=_ENVIRONMENT,
        totals=compute_totals(document),
        software_security_code=software_security_code(
            issuer.tenant.software.id, issuer.tenant.software.pin, document.full_number or ""),
    )
    root = document_type.build(ctx)
    code, _ = compute_unique_code(root, key)
    apply_unique_code(root, code, _ENVIRONMENT.qr_url(code))
    if amend is not None:
        amend(root)  # tests build wrong documents on purpose, signed as if they were right
    sign_xades(root, issuer.identity, signed_at, check_issue_date=False)
    return root


def sample_invoice(
    issuer: SampleIssuer, number: int, *, unit_price: Decimal = Decimal("100000.00"),
    issued_at: dt.datetime | None = None, signed_at: dt.datetime | None = None,
    amend: Amend | None = None,
) -> etree._Element:
    """A signed invoice SETP<number>: one line with IVA 19 %; ``amend`` edits it before the
    signature."""
    issued_at = (issued_at or now_bogota()).replace(microsecond=0)
    document = Document(
        type_code="01", operation_type="10", prefix=issuer.invoices.prefix, number=number,
        issue_date=issued_at.date(), issue_time=issued_at.timetz(), due_date=issued_at.date(),
        supplier=issuer.tenant.party, customer=_CUSTOMER,
        lines=(Line(code="P1", description="Servicio de prueba", quantity=Decimal("1"),
                    unit_price=unit_price, taxes=(Tax(scheme="01", percent=Decimal("19")),)),),
    )
    key = issuer.invoices.technical_key or TEST_TECHNICAL_KEY
    return _finish(issuer, document, _INVOICE, key, signed_at or issued_at, amend)


def sample_credit_note(
    issuer: SampleIssuer, number: int, *, invoice_number: str, invoice_cufe: str,
    invoice_date: dt.date, issued_at: dt.datetime | None = None, amend: Amend | None = None,
) -> etree._Element:
    """A signed credit note NC<number> voiding part of an invoice (CUDE with the PIN)."""
    issued_at = (issued_at or now_bogota()).replace(microsecond=0)
    document = Document(
        type_code="91", operation_type="20", prefix="NC", number=number,
        issue_date=issued_at.date(), issue_time=issued_at.timetz(),
        supplier=issuer.tenant.party, customer=_CUSTOMER,
        lines=(Line(code="P1", description="Devolución", quantity=Decimal("1"),
                    unit_price=Decimal("1000.00"),
                    taxes=(Tax(scheme="01", percent=Decimal("19")),)),),
        billing_reference=BillingReference(number=invoice_number, uuid=invoice_cufe,
                                           issue_date=invoice_date),
        discrepancy=Discrepancy(code="1", description="Devolución parcial"),
    )
    return _finish(issuer, document, _CREDIT_NOTE, issuer.tenant.software.pin, issued_at, amend)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def zip_documents(*files: tuple[str, bytes]) -> bytes:
    """A ZIP holding the given (name, XML bytes) entries, as the gateway packs them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in files:
            archive.writestr(name, xml)
    return buffer.getvalue()
