"""A tenant's readiness: days left on its certificate and resolutions, numbers left per range.

One place computes what ``tenants show``/``tenants check``, the operator's readiness route and
the dialects' own days-left fields report.
Thresholds: a warning at ``WARN_DAYS`` days left or ``WARN_SHARE`` % of a range's numbers left;
each warning is also logged. An expired certificate is a problem: nothing is signed with it
(``TenantIdentities.check_not_expired``), as nothing is numbered outside a valid resolution
(``NumberingRanges.active_range``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec

from core.clock import BOGOTA, now_bogota
from core.contracts import CHANNEL_INVOICES
from core.model import NumberingRange
from core.tenancy.records import RangeRecord, TenantRecord

if TYPE_CHECKING:
    from core.tenancy.ranges import NumberingRanges
    from core.tenancy.tenants import TenantService

log = logging.getLogger(__name__)

WARN_DAYS = 30
WARN_SHARE = Decimal("10")  # percent of a range's numbers


class RangeReadiness(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    document_type: str
    prefix: str
    resolution_number: str
    valid_to: dt.date
    days_left: int
    numbers_left: int
    share_left: Decimal  # percent of the range's numbers not used yet, one decimal


class Readiness(msgspec.Struct, frozen=True, kw_only=True):
    """What stands between the tenant and its next document, and what will soon."""

    nit: str
    environment: str
    certificate_not_after: dt.datetime | None
    certificate_days_left: int | None
    ranges: tuple[RangeReadiness, ...]
    warnings: tuple[str, ...]  # soon: 30 days, 10 % of numbers
    problems: tuple[str, ...]  # now: no software, no or expired certificate, no live range
    ready: bool


def days_until(day: dt.date | dt.datetime, today: dt.date) -> int:
    """Calendar days (Bogotá) from ``today`` to ``day``; negative once it passed."""
    if isinstance(day, dt.datetime):
        day = day.astimezone(BOGOTA).date()
    return (day - today).days


def warn_numbers_left(nit: str, numbering: NumberingRange, number: int) -> None:
    """Log the moment a range crosses ``WARN_SHARE`` % of its numbers left, and its last
    number (called as each number is handed out: each crossing is logged once)."""
    size = numbering.to_number - numbering.from_number + 1
    left = numbering.to_number - number
    threshold = int(Decimal(size) * WARN_SHARE / 100)
    if left == threshold or left == 0:
        log.warning(
            "numbering range running out: %s numbers left of %s",
            left,
            size,
            extra={
                "nit": nit,
                "resolution": numbering.resolution_number,
                "prefix": numbering.prefix,
                "document_type": numbering.document_type,
            },
        )


def range_readiness(record: RangeRecord, today: dt.date) -> RangeReadiness:
    found = record.range
    size = found.to_number - found.from_number + 1
    share = Decimal(record.remaining * 100) / Decimal(size) if size > 0 else Decimal(0)
    return RangeReadiness(
        id=found.id,
        document_type=found.document_type,
        prefix=found.prefix,
        resolution_number=found.resolution_number,
        valid_to=found.valid_to,
        days_left=days_until(found.valid_to, today),
        numbers_left=record.remaining,
        share_left=share.quantize(Decimal("0.1")),
    )


def assess(record: TenantRecord, ranges: Sequence[RangeRecord], today: dt.date) -> Readiness:
    """The readiness of ``record`` with its current environment's live ``ranges``."""
    warnings: list[str] = []
    problems: list[str] = []
    if not record.software:
        problems.append("la empresa no tiene software registrado en la DIAN")
    elif record.software_for(CHANNEL_INVOICES) is None:
        warnings.append("la empresa no tiene software registrado para facturación")
    certificate = record.certificate
    certificate_days = None
    if certificate is None:
        problems.append("la empresa no tiene certificado de firma")
    else:
        certificate_days = days_until(certificate.not_after, today)
        expires = certificate.not_after.astimezone(BOGOTA).date().isoformat()
        if certificate_days < 0:
            problems.append(f"el certificado de firma venció el {expires}")
        elif certificate_days <= WARN_DAYS:
            warnings.append(f"el certificado de firma vence en {certificate_days} días ({expires})")
    rows = tuple(range_readiness(r, today) for r in ranges)
    for row in rows:
        name = f"la resolución {row.resolution_number} (tipo {row.document_type}, prefijo "
        name += f"{row.prefix or 'sin prefijo'})"
        if row.days_left < 0:
            warnings.append(f"{name} venció el {row.valid_to.isoformat()}")
        elif row.days_left <= WARN_DAYS:
            warnings.append(f"{name} vence en {row.days_left} días ({row.valid_to.isoformat()})")
        if row.numbers_left == 0:
            warnings.append(f"{name} agotó sus números")
        elif row.share_left <= WARN_SHARE:
            warnings.append(f"a {name} le quedan {row.numbers_left} números ({row.share_left} %)")
    if not any(r.days_left >= 0 and r.numbers_left > 0 for r in rows):
        problems.append(
            f"la empresa no tiene rangos de numeración vigentes en {record.environment}"
        )
    return Readiness(
        nit=record.nit,
        environment=record.environment,
        certificate_not_after=certificate.not_after if certificate else None,
        certificate_days_left=certificate_days,
        ranges=rows,
        warnings=tuple(warnings),
        problems=tuple(problems),
        ready=not problems,
    )


async def tenant_readiness(
    tenants: TenantService,
    ranges: NumberingRanges,
    tenant_ref: int | str,
    today: dt.date | None = None,
) -> Readiness:
    """The tenant's readiness in its current environment; its warnings are logged."""
    record = await tenants.get_tenant(tenant_ref)
    live = await ranges.list_ranges(record.id, record.environment)
    readiness = assess(record, live, today or now_bogota().date())
    for warning in readiness.warnings:
        log.warning(
            "tenant readiness: %s",
            warning,
            extra={"nit": record.nit, "environment": record.environment},
        )
    return readiness
