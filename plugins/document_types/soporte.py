"""Documento soporte en adquisiciones a no obligados a facturar (05) and its nota de ajuste (95).

Facts (research ``dian-tech.md`` §1.3, §6.4, §6.6, §7): the 05 is a UBL ``Invoice`` with
``InvoiceTypeCode`` 05, the 95 a ``CreditNote`` with ``CreditNoteTypeCode`` 95; both carry a
**CUDS** (``CUDS-SHA384``, software PIN, only the IVA pair) and are sent with the software of
the support-document channel (``CHANNEL_SUPPORT``). The **tenant is the buyer**
(``AccountingCustomerParty``, NITABS in the CUDS); the seller is a person not obliged to invoice
(``AccountingSupplierParty``, NumSNO). CustomizationID 10: seller resident in Colombia; 11: not
resident. Every line carries ``cac:InvoicePeriod`` with the purchase date (``cbc:StartDate``)
and the transmission (``cbc:DescriptionCode`` 1 "Por operación", 2 "Acumulado semanal").
The 05 is numbered under a DIAN numbering authorization (``sts:InvoiceControl``); the 95 cites
the 05 in ``cac:BillingReference`` with the 05's CUDS (``schemeName="CUDS-SHA384"``).
Rule prefixes DSA (05) and NSA (95); file prefixes ``ds`` and ``nds`` (§5, §9.6: unconfirmed).

How a dialect fills the canonical ``Document`` (the contract; these names do not change):

* 05: ``type_code="05"``; ``operation_type="10"`` (resident seller) or ``"11"`` (not
  resident): the residence lives only there. The **seller goes in ``customer``** (the
  counterparty, as for every kind) and ``supplier`` stays ``None``: the pipeline
  (``core.tenant_role.place_tenant``) moves the seller to ``supplier`` and puts the tenant's
  party in ``customer``. The stored row's ``customer_id``/``customer_name`` (listings) and
  the e-mail delivery then name the seller, the tenant's counterparty. (A seller given in
  ``supplier`` is also accepted; ``customer`` is then replaced by the tenant, but the stored
  row names whatever ``customer`` held.) A non-resident seller has a foreign ``Address``
  (``country_code`` other than CO; municipality/department codes may be omitted).
  Each ``Line`` may carry ``purchase_period=PurchasePeriod(purchase_date=...,
  transmission_code="1"|"2")``; when absent the line is reported as bought on the issue
  date, per operation (1). Withholdings (ReteIVA 05, ReteRenta 06, ReteICA 07) go in
  ``Line.withholdings`` as for invoices; taxes: IVA (01), the only tax in the CUDS.
* 95: ``type_code="95"``; ``operation_type`` as the 05 it adjusts (10/11); parties exactly as
  for the 05 (seller in ``customer``); ``billing_reference=BillingReference(number=<05
  number>, uuid=<05 CUDS>, issue_date=<05 date>, scheme_name="CUDS-SHA384",
  type_code="05")`` (required); ``discrepancy=Discrepancy(code="1".."5", description=...)``
  (``ADJUSTMENT_CONCEPTS``: 1 devolución parcial, 2 anulación, 3 rebaja o descuento, 4 ajuste
  de precio, 5 otros); lines as for the 05 (``purchase_period`` optional, same default; no
  withholdings: the CreditNote has no WithholdingTaxTotal).

Pre-flight rules of these kinds (besides core's, under the same prefixes) are in
``support_checks``: ``DSAJ01``/``NSAJ01`` the seller is the tenant itself, ``J10`` residence
and the seller's country disagree, ``V10`` a line's transmission code is not 1 or 2,
and (core, from ``correction_concepts``) ``PAS-N02`` a 95 concept outside 1-5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec
from lxml import etree

from core.api import (
    CHANNEL_SUPPORT,
    BuildContext,
    DemoRange,
    Document,
    DocumentType,
    Problem,
    RootOptions,
    Sample,
    TenantView,
    build_credit_note,
    build_invoice,
    hookimpl,
)
from plugins.document_types.checks import check_type_code
from plugins.document_types.support_checks import (
    check_purchase_periods,
    check_seller_is_not_tenant,
    check_seller_residence,
)
from plugins.document_types.support_samples import sample_adjustment, sample_support

SUPPORT_TYPE_CODE = "05"
ADJUSTMENT_TYPE_CODE = "95"
CUDS_SCHEME = "CUDS-SHA384"
_RESIDENCE = {"10": "Residente", "11": "No residente"}
# Concepto de corrección of the adjustment note (Res. 000167/2021, its own list)
ADJUSTMENT_CONCEPTS = {
    "1": "Devolución parcial de los bienes y/o no aceptación parcial del servicio",
    "2": "Anulación del documento soporte en adquisiciones",
    "3": "Rebaja o descuento parcial o total",
    "4": "Ajuste de precio",
    "5": "Otros",
}

_SUPPORT_OPTIONS = RootOptions(type_code=SUPPORT_TYPE_CODE, invoice_control=True)
_ADJUSTMENT_OPTIONS = RootOptions(type_code=ADJUSTMENT_TYPE_CODE, reference_scheme_name=CUDS_SCHEME)
# DIAN's habilitación test range for support documents (prefix SEDS, as providers show it)
_SUPPORT_RANGE = DemoRange(prefix="SEDS", from_number=984000000, to_number=985000000)
_ADJUSTMENT_RANGE = DemoRange(
    prefix="NAS", from_number=1, to_number=99999999, resolution_number="0"
)


def with_purchase_periods(document: Document) -> Document:
    """Every line with its purchase period written out (``Document.purchase_period_of``)."""
    if document.issue_date is None:
        raise ValueError("document.issue_date must be set before the UBL build")
    lines = tuple(
        msgspec.structs.replace(line, purchase_period=document.purchase_period_of(line))
        for line in document.lines
    )
    return msgspec.structs.replace(document, lines=lines)


def _with_periods(ctx: BuildContext) -> BuildContext:
    return msgspec.structs.replace(ctx, document=with_purchase_periods(ctx.document))


def build_support(ctx: BuildContext) -> etree._Element:
    return build_invoice(_with_periods(ctx), _SUPPORT_OPTIONS)


def build_adjustment(ctx: BuildContext) -> etree._Element:
    return build_credit_note(_with_periods(ctx), _ADJUSTMENT_OPTIONS)


def _common_checks(document: Document, tenant: TenantView, kind: DocumentType) -> list[Problem]:
    return [
        *check_type_code(document, kind),
        *check_seller_is_not_tenant(document, tenant, kind),
        *check_seller_residence(document, tenant, kind),
        *check_purchase_periods(document, kind),
    ]


def validate_support(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return _common_checks(document, tenant, SUPPORT)


def validate_adjustment(document: Document, tenant: TenantView) -> Sequence[Problem]:
    return _common_checks(document, tenant, ADJUSTMENT)


SUPPORT = DocumentType(
    code=SUPPORT_TYPE_CODE,
    title="Documento soporte en adquisiciones a no obligados a facturar",
    ubl_root="Invoice",
    profile_id="DIAN 2.1: documento soporte en adquisiciones efectuadas a no obligados a facturar.",
    unique_code="CUDS",
    file_prefix="ds",
    rule_prefix="DSA",
    customization_ids=_RESIDENCE,
    build=build_support,
    validate=validate_support,
    permission="documentos_soporte",
    tenant_role="buyer",
    authorized_numbering=True,
    demo_range=_SUPPORT_RANGE,
    sample=Sample(numbering=_SUPPORT_RANGE, build=sample_support),
    software_channel=CHANNEL_SUPPORT,
)

ADJUSTMENT = DocumentType(
    code=ADJUSTMENT_TYPE_CODE,
    title="Nota de ajuste al documento soporte",
    ubl_root="CreditNote",
    profile_id=(
        "DIAN 2.1: Nota de ajuste al documento soporte en adquisiciones efectuadas a sujetos "
        "no obligados a expedir factura o documento equivalente"
    ),
    unique_code="CUDS",
    file_prefix="nds",
    rule_prefix="NSA",
    customization_ids=_RESIDENCE,
    build=build_adjustment,
    validate=validate_adjustment,
    requires_reference=frozenset(_RESIDENCE),
    correction_concepts=ADJUSTMENT_CONCEPTS,
    permission="documentos_soporte",
    tenant_role="buyer",
    demo_range=DemoRange(prefix="NAS", from_number=1, to_number=99999999),
    sample=Sample(numbering=_ADJUSTMENT_RANGE, build=sample_adjustment),
    software_channel=CHANNEL_SUPPORT,
)


@hookimpl
def pasarela_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(SUPPORT)
    register(ADJUSTMENT)
