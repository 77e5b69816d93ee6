"""Body fields only some APIDIAN requests carry, mapped to the canonical ``Document``.

- ``idcurrency`` (a ``type_currencies`` id), ``calculationrate`` and ``calculationratedate``:
  the currency the amounts are in and its rate to pesos (``InvoiceExportRequest``, the
  contingency and support-document requests). Without ``idcurrency`` the amounts are pesos,
  as APIDIAN writes them in the company's currency.
- ``deliveryterms`` (export): the Incoterm (``loss_risk_responsibility_code``), ``loss_risk``
  and ``special_terms``.
- ``AdditionalDocumentReferenceID`` / ``Date`` / ``TypeDocument`` (contingency 03): the paper
  invoice the contingency document transmits.
- The export buyer's country (``customer.country_id``) and its ``municipality_name`` /
  ``state_name``: a foreign address has no DANE codes (so has a non-resident seller's).
- A support-document line's ``start_date`` and ``type_generation_transmition_id`` (1 por
  operación, 2 acumulado semanal): when the purchase was made and how it is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from adapters.apidian import catalogs
from adapters.apidian.document_rules import Endpoint
from adapters.apidian.form_rules import as_date, as_decimal, as_int, as_text, blank
from core.api import AdditionalReference, Address, DeliveryTerms, ExchangeRate, PurchasePeriod

PESOS = "COP"


def extras(body: Mapping[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    """The ``Document`` fields of ``body`` that depend on the endpoint (keyword arguments)."""
    found: dict[str, Any] = dict(zip(("currency", "exchange_rate"), _currency(body), strict=True))
    if endpoint == "invoice-export":
        found["delivery_terms"] = _delivery_terms(body.get("deliveryterms"))
    if endpoint == "invoice-contingency":
        found["additional_references"] = _paper_invoice(body)
    return found


def _currency(body: Mapping[str, Any]) -> tuple[str, ExchangeRate | None]:
    row = catalogs.row("type_currencies", as_int(body.get("idcurrency")) or 0)
    if row is None or row.code == PESOS:
        return PESOS, None
    rate = as_decimal(body.get("calculationrate"))
    day = as_date(body.get("calculationratedate"))
    if rate is None:  # the rules require it with idcurrency: never reached
        return row.code, None
    return row.code, ExchangeRate(rate=rate, date=day if isinstance(day, dt.date) else None)


def _delivery_terms(value: Any) -> DeliveryTerms | None:
    if not isinstance(value, Mapping) or blank(value.get("loss_risk_responsibility_code")):
        return None
    return DeliveryTerms(
        incoterm=as_text(value.get("loss_risk_responsibility_code")) or "",
        loss_risk=as_text(value.get("loss_risk")),
        special_terms=as_text(value.get("special_terms")),
    )


def _paper_invoice(body: Mapping[str, Any]) -> tuple[AdditionalReference, ...]:
    number = as_text(body.get("AdditionalDocumentReferenceID"))
    if number is None:
        return ()
    day = as_date(body.get("AdditionalDocumentReferenceDate"))
    return (
        AdditionalReference(
            id=number,
            issue_date=day if isinstance(day, dt.date) else None,
            type_code=as_text(body.get("AdditionalDocumentReferenceTypeDocument")),
        ),
    )


def foreign_address(party: Mapping[str, Any]) -> Address | None:
    """The address of a party outside Colombia (``country_id`` other than CO), else ``None``."""
    country = catalogs.row("countries", as_int(party.get("country_id")) or 0)
    if country is None or country.code == "CO":
        return None
    return Address(
        line=as_text(party.get("address")),
        city_name=as_text(party.get("municipality_name")),
        department_name=as_text(party.get("state_name")),
        country_code=country.code,
        country_name=country.name,
    )


def purchase_period(line: Mapping[str, Any]) -> PurchasePeriod | None:
    """A support-document line's purchase date and transmission (``None``: the issue date,
    per operation, as the kind reports a line without them)."""
    day = as_date(line.get("start_date"))
    if not isinstance(day, dt.date):
        return None
    row = catalogs.row(
        "type_generation_transmitions", as_int(line.get("type_generation_transmition_id")) or 0
    )
    return PurchasePeriod(purchase_date=day, transmission_code=row.code if row else "1")
