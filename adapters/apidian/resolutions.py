"""``PUT /config/resolution``: APIDIAN's resolution rules and how a resolution becomes a
numbering range of the company's current environment.

The ``type_document_id`` is an id of APIDIAN's ``type_documents``; its DIAN code names the
Pasarela document kind (1 -> 01 factura, 4 -> 91 nota crédito, 5 -> 92 nota débito, 15 -> 20
documento equivalente POS, 26 -> 94 and 25 -> 93, its adjustment notes; any other kind a
plugin installs works the same). An id whose kind is not installed is a 422 on that field.

APIDIAN upserts on (type, resolution, prefix): the range with those three is replaced,
numbering on where it was; ``delete_all_type_resolutions`` first retires every range of the
type. Resolution, dates and technical key are required for invoices (APIDIAN's rule) and for
any kind DIAN numbers by resolution or codes with a CUFE.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from adapters.apidian.rules import Rules, attribute
from core.api import AppContext, ConfigurationError, InvalidRequest, NumberingRange, TenantView

# Validity of a range whose resolution gives no dates (notes need no DIAN authorization).
OPEN_FROM, OPEN_TO = dt.date(2000, 1, 1), dt.date(2999, 12, 31)
AUTHORIZATION_FIELDS = ("resolution", "resolution_date", "date_from", "date_to")


class CheckedResolution(msgspec.Struct, frozen=True, kw_only=True):
    type_document_id: int
    range_type: str
    prefix: str
    resolution: str
    resolution_date: dt.date | None
    technical_key: str | None
    from_number: int
    to_number: int
    date_from: dt.date | None
    date_to: dt.date | None
    delete_all: bool


def check_resolution(ctx: AppContext, data: dict[str, Any]) -> CheckedResolution:
    """ConfigurationResolutionRequest's rules, plus: the kind must be one Pasarela issues."""
    rules = Rules(data)
    delete_all = rules.boolean("delete_all_type_resolutions")
    kind = None
    row = (
        rules.exists("type_document_id", "type_documents")
        if rules.required("type_document_id")
        else None
    )
    if row is not None:
        kind = ctx.registry.document_types.as_mapping().get(row.code)
        if kind is None:
            rules.add(
                "type_document_id",
                f"El tipo de documento {row.id} ({row.name}) no se emite en Pasarela.",
            )
    prefix = rules.string("prefix", max_length=4)
    for field in (*AUTHORIZATION_FIELDS, "technical_key"):
        rules.required_if(field, "type_document_id", "1")
    if kind is not None and row is not None and row.id != 1:
        needed = [*AUTHORIZATION_FIELDS] if kind.authorized_numbering else []
        needed += ["technical_key"] if kind.needs_technical_key else []
        for field in needed:
            if not rules.has(field):
                rules.add(field, f"El campo {attribute(field)} es obligatorio para {row.name}.")
    resolution = rules.string("resolution")
    technical_key = rules.string("technical_key")
    resolution_date = rules.date("resolution_date")
    date_from, date_to = rules.date("date_from"), rules.date("date_to")
    if date_from and date_to and date_to <= date_from:
        rules.add("date_to", "date to debe ser una fecha posterior a date from.")
    first = rules.integer("from") if rules.required("from") else None
    last = None
    if rules.required("to"):
        last = rules.integer("to", minimum=None if first is None else first + 1)
    rules.raise_if_any()
    assert row is not None and kind is not None and first is not None and last is not None
    return CheckedResolution(
        type_document_id=row.id,
        range_type=kind.range_type,
        prefix=prefix or "",
        resolution=resolution or "",
        resolution_date=resolution_date,
        technical_key=technical_key,
        from_number=first,
        to_number=last,
        date_from=date_from,
        date_to=date_to,
        delete_all=bool(delete_all),
    )


async def store_resolution(
    ctx: AppContext, tenant: TenantView, checked: CheckedResolution
) -> NumberingRange:
    """Upsert the range in the company's current environment (the simulator learns it)."""
    environment = tenant.environment
    next_number = None
    for record in await ctx.ranges.list_ranges(tenant.id, environment):
        found = record.range
        if found.document_type != checked.range_type:
            continue
        same = (found.resolution_number, found.prefix) == (checked.resolution, checked.prefix)
        if same or checked.delete_all:
            await ctx.ranges.retire_range(tenant.id, found.id)
        if same and checked.from_number <= record.next_number <= checked.to_number + 1:
            next_number = record.next_number
    try:
        return await ctx.ranges.add_resolution(
            tenant.id,
            document_type=checked.range_type,
            resolution_number=checked.resolution,
            resolution_date=checked.resolution_date,
            prefix=checked.prefix,
            from_number=checked.from_number,
            to_number=checked.to_number,
            valid_from=checked.date_from or OPEN_FROM,
            valid_to=checked.date_to or OPEN_TO,
            technical_key=checked.technical_key,
            next_number=next_number,
        )
    except ConfigurationError as problem:
        raise InvalidRequest({"type_document_id": [str(problem)]}) from None
