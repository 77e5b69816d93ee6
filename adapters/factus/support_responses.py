"""Factus' bodies for support documents and adjustment notes (research §2.4).

``data`` of a support document: ``company``, ``provider`` (with its identification document,
country and municipality as ``{id, code, name}``; a provider is answered as a natural person
that is not responsible for IVA, as Factus does), ``support_document`` (``cuds`` where a bill
has ``cufe``), ``items`` (excluded from IVA: ``tax_rate`` 0.00, ``is_excluded`` 1),
``withholding_taxes``, ``adjustment_notes`` (``[{id, number}]``) and ``numbering_range``.
An adjustment note answers ``adjustment_note`` with the shape of a credit note's head (Factus'
v1 SDK) and the support document it adjusts (``support_document_id``, ``number_support_document``,
``cuds_support_document``), like a credit note's ``bill_id``, ``number_bill`` and ``cufe``.
"""

from __future__ import annotations

from typing import Any

from adapters.factus import catalogs
from adapters.factus.amounts import DocumentAmounts
from adapters.factus.amounts import document_amounts as sum_amounts
from adapters.factus.document_responses import (
    code_name,
    company,
    entry,
    errors_of,
    factus_time,
    item_withholdings,
    money,
    notes_of,
    number,
    qr_image,
    range_block,
    validated,
    validated_at,
    withholding_taxes,
)
from adapters.factus.mapping import item_amounts_of
from adapters.factus.support_checks import ID_TYPES, CheckedProvider, CheckedSupport
from core.api import NumberingRange, StoredDocument, TenantView

NATURAL_PERSON = 2
NO_TRIBUTE = 21  # "ZZ" No aplica


def amounts_of(checked: CheckedSupport) -> DocumentAmounts:
    return sum_amounts([item_amounts_of(item) for item in checked.items])


def provider_block(provider: CheckedProvider) -> dict[str, Any]:
    found = catalogs.by_code("countries", provider.country_code)
    country = {"id": found.id, "code": found.code, "name": found.name} if found else None
    return {
        "identification": provider.identification,
        "dv": provider.check_digit,
        "graphic_representation_name": provider.names,
        "trade_name": provider.trade_name,
        "names": provider.names,
        "address": provider.address,
        "email": provider.email,
        "phone": provider.phone,
        "identification_document": entry(ID_TYPES, provider.identification_document_id),
        "legal_organization": entry("legal_organizations", NATURAL_PERSON),
        "tribute": entry("customer_tributes", NO_TRIBUTE),
        "country": country,
        "municipality": entry("municipalities", provider.municipality_id),
    }


def items(checked: CheckedSupport, amounts: DocumentAmounts) -> list[dict[str, Any]]:
    out = []
    for item, figures in zip(checked.items, amounts.items, strict=True):
        row: dict[str, Any] = {
            "code_reference": item.code_reference,
            "name": item.name,
            "quantity": item.quantity,
            "discount_rate": money(item.discount_rate),
            "discount": money(figures.discount),
            "gross_value": money(figures.gross_value),
            "tax_rate": money(item.tax_rate),
            "taxable_amount": money(figures.taxable_amount),
            "tax_amount": money(figures.tax_amount),
            "price": money(item.price),
        }
        if checked.kind == "support_document":
            row["is_excluded"] = int(item.is_excluded)
        row |= {
            "unit_measure": entry("unit_measures", item.unit_measure_id),
            "standard_code": entry("standard_codes", item.standard_code_id),
            "total": number(figures.total),
            "withholding_taxes": item_withholdings(figures),
        }
        out.append(row)
    return out


def document_data(
    stored: StoredDocument,
    checked: CheckedSupport,
    tenant: TenantView,
    *,
    qr_url: str,
    provider: CheckedProvider,
    numbering_range: NumberingRange | None = None,
) -> dict[str, Any]:
    """``data`` of a support document or adjustment note (``validate`` and ``show``);
    ``provider`` is the adjusted support document's for a note."""
    amounts = amounts_of(checked)
    head: dict[str, Any] = {
        "id": stored.id,
        "number": stored.full_number,
        "reference_code": checked.reference_code,
        "status": 1 if validated(stored) else 0,
        "qr": qr_url,
        "cuds": stored.unique_code or "",
        "validated": factus_time(validated_at(stored)),
    }
    if checked.kind == "adjustment_note":
        head |= {"discount_rate": "0.00", "discount": "0.00"}
    head |= {
        "gross_value": money(amounts.gross_value),
        "taxable_amount": money(amounts.taxable_amount),
        "tax_amount": money(amounts.tax_amount),
        "total": money(amounts.total),
        "observation": checked.observation,
        "errors": errors_of(stored),
        "created_at": factus_time(stored.created_at),
        "qr_image": qr_image(qr_url),
        "payment_method": code_name("payment_methods", checked.payment_method_code),
    }
    if checked.kind == "adjustment_note":
        adjusted = ((stored.dialect_data or {}).get("dialect") or {}).get("support_document") or {}
        head |= {
            "support_document_id": checked.support_document_id,
            "number_support_document": adjusted.get("number"),
            "cuds_support_document": adjusted.get("cuds"),
            "correction_concept": code_name(
                "adjustment_note_correction_concepts", checked.correction_concept_code
            ),
        }
    data: dict[str, Any] = {
        "company": company(tenant),
        "provider": provider_block(provider),
        checked.kind: head,
        "items": items(checked, amounts),
        "withholding_taxes": withholding_taxes(amounts),
    }
    if checked.kind == "support_document":
        data["adjustment_notes"] = notes_of(stored, "adjustment_note")
        data["numbering_range"] = range_block(numbering_range)
    return data


def list_row(
    stored: StoredDocument,
    checked: CheckedSupport,
    provider: CheckedProvider,
    api_client_name: str,
) -> dict[str, Any]:
    """One row of ``GET /v1/support-documents`` (or of ``/v1/adjustment-notes``)."""
    row: dict[str, Any] = {
        "id": stored.id,
        "number": stored.full_number,
        "api_client_name": api_client_name,
        "reference_code": checked.reference_code,
        "identification": provider.identification,
        "graphic_representation_name": provider.names,
        "trade_name": provider.trade_name,
        "names": provider.names,
        "email": provider.email,
        "total": money(amounts_of(checked).total),
        "status": 1 if validated(stored) else 0,
        "errors": errors_of(stored),
        "created_at": factus_time(stored.created_at),
    }
    if checked.kind == "support_document":
        row["adjustment_notes"] = notes_of(stored, "adjustment_note")
    return row
