"""Reading an APIDIAN document request: decode, normalise, validate, pick the resolution.

The order is APIDIAN's: the FormRequest rules (``document_rules``) with its Spanish messages,
then the rules that need the company's resolution (research §3.1: the resolutions of the
``type_document_id``, narrowed by ``resolution_number`` and then ``prefix`` when the company
has several; ``number`` between its ``from`` and ``to``; ``date`` inside its validity) and the
customer's check digit (``dian_dv``). Every failure is a 422 on the field that caused it.

APIDIAN's leniency is kept: amounts as strings or numbers, ``payment_form`` as an object or
an array, a debit note's totals under ``legal_monetary_totals`` as well as
``requested_monetary_totals``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.apidian import catalogs
from adapters.apidian.document_rules import RULES, Endpoint, party_key, payment_rules
from adapters.apidian.form_rules import (
    DIAN_DV,
    RESOLUTION_NOT_CONFIGURED,
    Errors,
    as_date,
    as_int,
    as_text,
    blank,
    message,
    validate,
)
from core.api import (
    DEFAULT_LIMITS,
    InvalidRequest,
    NumberingRange,
    check_digit,
    decode_json,
)

AFTER_OR_EQUAL = "{a} debe ser una fecha posterior o igual a {date}."
BEFORE_OR_EQUAL = "{a} debe ser una fecha anterior o igual a {date}."
NIT_TYPE_ID = 6  # type_document_identifications: 6 = NIT (31)


def decode(body: bytes) -> dict[str, Any]:
    """The JSON object of the body (size, depth and number limits of core's decoder)."""
    value = decode_json(body, dict[str, Any], limits=DEFAULT_LIMITS)
    return value


def normalise(body: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    """APIDIAN's alternatives brought to one form before the rules run."""
    wanted, other = "legal_monetary_totals", "requested_monetary_totals"
    if endpoint == "debit-note":
        wanted, other = other, wanted
    if wanted not in body and other in body:
        body[wanted] = body[other]
    return body


def check_rules(body: Mapping[str, Any], endpoint: Endpoint) -> Errors:
    errors: Errors = {}
    validate(body, RULES[endpoint], errors)
    payment = body.get("payment_form")
    if isinstance(payment, Mapping):
        validate(body, payment_rules("payment_form"), errors)
    elif isinstance(payment, list):
        for index in range(len(payment)):
            validate(body, payment_rules(f"payment_form.{index}"), errors)
    name = party_key(endpoint)
    party = body.get(name)
    if isinstance(party, Mapping) and f"{name}.dv" not in errors:
        _check_dv(party, name, endpoint, errors)
    return errors


def _check_dv(party: Mapping[str, Any], name: str, endpoint: Endpoint, errors: Errors) -> None:
    nit = as_text(party.get("identification_number")) or ""
    dv = party.get("dv")
    if blank(dv):
        is_nit = as_int(party.get("type_document_identification_id")) == NIT_TYPE_ID
        if endpoint.startswith("invoice") and is_nit:
            errors[f"{name}.dv"] = [
                message(
                    "required_if",
                    f"{name}.dv",
                    other=f"{name}.type_document_identification_id",
                    value=str(NIT_TYPE_ID),
                )
            ]
        return
    if not nit.isdigit() or as_text(dv) != check_digit(nit):
        errors[f"{name}.dv"] = [DIAN_DV]


def choose_range(
    body: Mapping[str, Any], candidates: Sequence[NumberingRange]
) -> NumberingRange | None:
    """APIDIAN's resolution lookup over the company's ranges of the document's type."""
    found = list(candidates)
    # the prefix first: it is what the document's number is written with
    prefix = as_text(body.get("prefix"))
    if prefix:
        found = [r for r in found if r.prefix == prefix] or found
    resolution = as_text(body.get("resolution_number"))
    if len(found) > 1 and resolution:
        found = [r for r in found if r.resolution_number == resolution] or found
    number = as_int(body.get("number"))
    if len(found) > 1 and number is not None:
        found = [r for r in found if r.from_number <= number <= r.to_number] or found
    return found[0] if found else None


def check_resolution(body: Mapping[str, Any], numbering: NumberingRange | None) -> Errors:
    """``ResolutionSetting``, ``number`` between the range's bounds, ``date`` inside it."""
    if numbering is None:
        return {"type_document_id": [RESOLUTION_NOT_CONFIGURED]}
    errors: Errors = {}
    number = as_int(body.get("number"))
    if number is not None and not numbering.from_number <= number <= numbering.to_number:
        errors["number"] = [
            message("between", "number", min=numbering.from_number, max=numbering.to_number)
        ]
    issued = as_date(body.get("date")) if not blank(body.get("date")) else None
    if isinstance(issued, dt.date):
        if issued < numbering.valid_from:
            errors["date"] = [_date_message(AFTER_OR_EQUAL, numbering.valid_from)]
        elif issued > numbering.valid_to:
            errors["date"] = [_date_message(BEFORE_OR_EQUAL, numbering.valid_to)]
    return errors


def _date_message(template: str, day: dt.date) -> str:
    return template.format(a="fecha", date=day.isoformat())


def dian_type(body: Mapping[str, Any]) -> str | None:
    """The DIAN code of a valid ``type_document_id``."""
    row = catalogs.row("type_documents", as_int(body.get("type_document_id")) or 0)
    return row.code if row else None


def read(body_bytes: bytes, endpoint: Endpoint) -> dict[str, Any]:
    """The body, normalised and checked against the FormRequest rules (``InvalidRequest``)."""
    body = normalise(decode(body_bytes), endpoint)
    errors = check_rules(body, endpoint)
    if errors:
        raise InvalidRequest(errors)
    return body
