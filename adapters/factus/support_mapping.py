"""A checked Factus support document or adjustment note to the canonical ``Document``.

The provider (a person not obliged to invoice) is the seller and, as for every kind, goes in
``customer`` (the counterparty); the pipeline makes the tenant the buyer. A
provider resident in Colombia makes the document's CustomizationID 10, a foreign one 11
(research dian-tech §6.6). Each line carries the date of the purchase (its InvoicePeriod:
the issue date, "por operación"). Items are excluded from IVA (Factus sends no tax fields), so
the lines carry no taxes; withholdings are mapped as for bills. An adjustment note references
the support document it adjusts by number, CUDS and issue date, with its correction concept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from adapters.factus import catalogs
from adapters.factus.amounts import document_amounts as sum_amounts
from adapters.factus.mapping import BOGOTA_OFFSET, TYPE_CODES, item_amounts_of, line_of
from adapters.factus.support_checks import COLOMBIA, CheckedProvider, CheckedSupport
from core.api import (
    Address,
    BillingReference,
    Contact,
    Discrepancy,
    Document,
    Party,
    Payment,
    to_bogota,
)
from core.api import catalogs as core_catalogs

RESIDENT, NOT_RESIDENT = "10", "11"


def to_party(provider: CheckedProvider) -> Party:
    contact = None
    if provider.email or provider.phone:
        contact = Contact(email=provider.email, telephone=provider.phone)
    return Party(
        organization_type="2",
        id_type=provider.id_code,
        id_number=provider.identification.replace("-", ""),
        dv=provider.check_digit,
        name=provider.names,
        trade_name=provider.trade_name,
        tax_scheme="ZZ",
        address=_address(provider),
        contact=contact,
    )


def _address(provider: CheckedProvider) -> Address:
    country = catalogs.by_code("countries", provider.country_code)
    found = None
    if provider.country_code == COLOMBIA and provider.municipality_id is not None:
        row = catalogs.row("municipalities", provider.municipality_id)
        found = core_catalogs.municipality(row.code) if row else None
    return Address(
        municipality_code=found.code if found else None,
        city_name=found.name if found else None,
        department_code=found.department.code if found else None,
        department_name=found.department.name if found else None,
        line=provider.address,
        country_code=provider.country_code,
        country_name=country.name if country else provider.country_code,
    )


def to_document(
    checked: CheckedSupport,
    now: dt.datetime,
    *,
    adjusted: Mapping[str, Any] | None = None,
) -> Document:
    """``adjusted`` (``number``, ``cuds``, ``issue_date``) is the support document a note
    adjusts; the note's provider is that document's."""
    assert checked.provider is not None
    now = to_bogota(now)
    amounts = sum_amounts([item_amounts_of(item) for item in checked.items])
    lines = tuple(
        line_of(item, figures) for item, figures in zip(checked.items, amounts.items, strict=True)
    )
    reference = discrepancy = None
    if adjusted is not None:
        reference = BillingReference(
            number=str(adjusted["number"]),
            uuid=str(adjusted["cuds"]),
            issue_date=dt.date.fromisoformat(str(adjusted["issue_date"])),
            scheme_name="CUDS-SHA384",
            type_code="05",
        )
        concept = catalogs.row(
            "adjustment_note_correction_concepts", checked.correction_concept_code or ""
        )
        discrepancy = Discrepancy(
            code=checked.correction_concept_code or "",
            description=concept.name if concept else "",
        )
    return Document(
        type_code=TYPE_CODES[checked.kind],
        operation_type=RESIDENT if checked.provider.is_resident else NOT_RESIDENT,
        issue_date=now.date(),
        issue_time=now.time().replace(microsecond=0, tzinfo=None).replace(tzinfo=BOGOTA_OFFSET),
        customer=to_party(checked.provider),
        lines=lines,
        payment=Payment(form="1", means_code=checked.payment_method_code),
        billing_reference=reference,
        discrepancy=discrepancy,
        notes=(checked.observation,) if checked.observation else (),
    )
