"""Factus' bodies for RADIAN events and received bills (research §2.1, §2.7).

- an issued bill's events (``GET /v1/bills/{number}/radian/events``): ``[{number, cude,
  event_code, event_name, effective_date "2024-11-05", effective_time "16:36:31"}]``;
- a received bill (``POST /v1/receptions/upload`` and the event route): ``{id, issue_date,
  issue_time, payment_due_date, number, cufe, company_identification_type_code, company_nit,
  dv, company_name, payment_form{code, name}, payment_method{code, name}, total, has_claim,
  is_negotiable_instrument, events[{number, cude, code, name, effective_date, effective_time,
  person_identification, person_names}], created_at}``;
- a row of ``GET /v1/receptions/bills``: the same without the events and with
  ``claim_concept`` (``{code, name}`` of the claim, ``null`` without one).

Event names are Factus' (``radian_event_codes``). A received bill is a título valor
(``is_negotiable_instrument``) once its acuse (030), receipt (032) and acceptance (033 express
or 034 tacit) are registered and it has no claim (031).
"""

from __future__ import annotations

from typing import Any

from adapters.factus import catalogs
from adapters.factus.document_responses import code_name, factus_time, money
from core.api import DianEvent, EventRecord, ReceivedInvoice

ACCEPTED = "aceptado"
ACCEPTANCES = frozenset({"033", "034"})
CLOSING = frozenset({"031", "033", "034"})  # no event is left to send after one of these


def event_name(code: str, fallback: str) -> str:
    """Factus' name of an event (its ``radian_event_codes`` table)."""
    found = catalogs.row("radian_event_codes", code)
    return found.name if found else fallback


def _time(text: str) -> str:
    """``16:36:31`` from ``16:36:31-05:00``."""
    return text[:8]


def bill_event(event: EventRecord | DianEvent) -> dict[str, Any]:
    """One event of an issued bill, as DIAN holds it or as this tenant recorded it."""
    if isinstance(event, DianEvent):
        day, time = event.issue_date, _time(event.issue_time)
    else:
        day, time = event.issue_datetime.date().isoformat(), event.issue_datetime.strftime("%T")
    return {
        "number": event.number,
        "cude": event.cude,
        "event_code": event.code,
        "event_name": event_name(event.code, event.name),
        "effective_date": day,
        "effective_time": time,
    }


def _accepted(invoice: ReceivedInvoice) -> set[str]:
    return {e.code for e in invoice.events if e.status == ACCEPTED}


def is_negotiable(invoice: ReceivedInvoice) -> bool:
    codes = _accepted(invoice)
    return {"030", "032"} <= codes and bool(codes & ACCEPTANCES) and "031" not in codes


def completed(invoice: ReceivedInvoice) -> bool:
    """No event is pending: the bill was claimed or accepted."""
    return bool(_accepted(invoice) & CLOSING)


def reception_event(event: EventRecord) -> dict[str, Any]:
    person = event.person
    return {
        "number": event.number,
        "cude": event.cude,
        "code": event.code,
        "name": event_name(event.code, event.name),
        "effective_date": event.issue_datetime.date().isoformat(),
        "effective_time": event.issue_datetime.strftime("%T"),
        "person_identification": person.id_number if person else None,
        "person_names": f"{person.first_name} {person.last_name}".strip() if person else None,
    }


def _head(invoice: ReceivedInvoice) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "issue_date": invoice.issue_date.isoformat(),
        "issue_time": _time(invoice.issue_time),
        "payment_due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "number": invoice.number,
        "cufe": invoice.cufe,
    }


def received_bill(invoice: ReceivedInvoice) -> dict[str, Any]:
    return {
        **_head(invoice),
        "company_identification_type_code": invoice.supplier_id_type,
        "company_nit": invoice.supplier_nit,
        "dv": invoice.supplier_dv,
        "company_name": invoice.supplier_name,
        "payment_form": code_name("payment_forms", invoice.payment_form or "1"),
        "payment_method": code_name("payment_methods", invoice.payment_method or "10"),
        "total": money(invoice.payable),
        "has_claim": invoice.has_claim,
        "is_negotiable_instrument": is_negotiable(invoice),
        "events": [reception_event(e) for e in invoice.events if e.status == ACCEPTED],
        "created_at": factus_time(invoice.created_at),
    }


def received_row(invoice: ReceivedInvoice) -> dict[str, Any]:
    claim = next(
        (e for e in invoice.events if e.code == "031" and e.status == ACCEPTED and e.claim_concept),
        None,
    )
    return {
        "id": invoice.id,
        "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
        "issue_time": _time(invoice.issue_time),
        "cufe": invoice.cufe,
        "company_nit": invoice.supplier_nit,
        "company_name": invoice.supplier_name,
        "payment_form": code_name("payment_forms", invoice.payment_form or "1"),
        "claim_concept": code_name("claim_concepts", claim.claim_concept) if claim else None,
        "payment_due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "is_negotiable_instrument": is_negotiable(invoice),
        "has_claim": invoice.has_claim,
        "total": money(invoice.payable),
        "created_at": factus_time(invoice.created_at),
    }
