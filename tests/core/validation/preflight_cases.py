"""Documents, tenant and range the pre-flight tests craft their cases from.

A clean invoice and credit note pass; each test module changes one thing and expects one
rule. Imported by name (``from preflight_cases import ...``): pytest puts this folder on
``sys.path`` for the test modules beside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from core.clock import BOGOTA
from core.contracts import DocumentType
from core.model import (
    Address,
    AllowanceCharge,
    BillingReference,
    Discrepancy,
    Document,
    Line,
    NumberingRange,
    Party,
    Payment,
    Problem,
    Software,
    StandardItemId,
    Tax,
    TenantView,
)
from core.validation.preflight import preflight

NOW = dt.datetime(2026, 5, 10, 15, 30, tzinfo=BOGOTA)
TODAY = NOW.date()


def document_type(
    code: str,
    root: str,
    prefix: str,
    customizations: dict[str, str],
    requires_reference: frozenset[str] = frozenset(),
) -> DocumentType:
    return DocumentType(
        code=code,
        title=code,
        ubl_root=root,  # type: ignore[arg-type]
        profile_id="DIAN 2.1",
        unique_code="CUFE" if code == "01" else "CUDE",
        file_prefix="fv",
        rule_prefix=prefix,
        customization_ids=customizations,
        build=lambda *a, **k: None,  # type: ignore[arg-type,return-value]
        requires_reference=requires_reference,
        permission=code,
        authorized_numbering=code == "01",
    )


INVOICE = document_type("01", "Invoice", "FA", {"10": "Estándar", "09": "AIU"})
CREDIT_NOTE = document_type(
    "91", "CreditNote", "CA", {"20": "Con referencia", "22": "Sin"}, frozenset({"20"})
)
DEBIT_NOTE = document_type("92", "DebitNote", "DA", {})  # empty: checked against the catalog

SUPPLIER = Party(
    organization_type="1",
    id_type="31",
    id_number="900373076",
    dv="4",
    name="PASARELA DE PRUEBAS S.A.S.",
    tax_level_codes=("O-13", "O-15"),
    tax_scheme="01",
    address=Address(municipality_code="11001", department_code="11", line="Calle 1 # 2-3"),
)
TENANT = TenantView(
    id=1,
    uuid="00000000-0000-0000-0000-000000000001",
    nit="900373076",
    dv="4",
    party=SUPPLIER,
    environment="simulador",
    software={
        "facturacion": Software(id="sw", pin="12345", provider_nit="900373076", provider_dv="4")
    },
)
RANGE = NumberingRange(
    id=1,
    document_type="01",
    environment="simulador",
    resolution_number="18760000001",
    prefix="SETP",
    from_number=990000000,
    to_number=995000000,
    valid_from=dt.date(2019, 1, 19),
    valid_to=dt.date(2030, 1, 19),
)
CUSTOMER = Party(
    organization_type="2",
    id_type="13",
    id_number="71234567",
    name="JUAN PEREZ",
    address=Address(municipality_code="05001", department_code="05", line="Calle 50 # 30-20"),
)
LINES = (
    Line(
        code="PROD-001",
        description="Repuesto motocicleta XYZ",
        quantity=D("2"),
        unit_price=D("50000"),
        taxes=(Tax(scheme="01", percent=D("19")),),
        standard_item_id=StandardItemId(scheme_id="999", id="PROD-001"),
    ),
    Line(
        code="SERV-010",
        description="Mano de obra instalación",
        quantity=D("1"),
        unit_price=D("25000"),
        taxes=(Tax(scheme="01", percent=D("19")),),
        allowances_charges=(AllowanceCharge(percent=D("10"), reason_code="09"),),
    ),
)
INVOICE_DOC = Document(
    type_code="01",
    operation_type="10",
    prefix="SETP",
    number=990000011,
    issue_date=TODAY,
    customer=CUSTOMER,
    lines=LINES,
    payment=Payment(form="1", means_code="10"),
)
REFERENCE = BillingReference(number="SETP990000011", uuid="a" * 96, issue_date=dt.date(2026, 5, 2))
CREDIT_DOC = Document(
    type_code="91",
    operation_type="20",
    prefix="NC",
    number=1,
    issue_date=TODAY,
    customer=CUSTOMER,
    lines=LINES[:1],
    billing_reference=REFERENCE,
    discrepancy=Discrepancy(code="2", description="Anulación de factura electrónica"),
)


def run(doc: Document = INVOICE_DOC, kind: DocumentType = INVOICE, **kw) -> list[Problem]:
    numbering_range = kw.pop("numbering_range", RANGE if kind is INVOICE else None)
    return preflight(
        doc, kind, kw.pop("tenant", TENANT), numbering_range, now=kw.pop("now", NOW), **kw
    )


def rules(problems: list[Problem]) -> list[str | None]:
    return [p.rule for p in problems]


def with_line(**changes) -> Document:
    return INVOICE_DOC.__replace__(lines=(LINES[0].__replace__(**changes), LINES[1]))
