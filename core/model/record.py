"""A stored document as services hand it to dialects (read-only view of a documents row)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from core.model.status import DocumentStatus


class DocumentRecord(msgspec.Struct, frozen=True, kw_only=True):
    """What a dialect renders after issuing, listing or querying a document."""

    uuid: str  # tracking id
    tenant_id: int
    dialect: str
    type_code: str
    environment: str
    prefix: str
    number: int
    issue_datetime: dt.datetime  # America/Bogota
    customer_id: str
    customer_name: str
    line_extension: Decimal  # subtotal
    tax_total: Decimal  # all taxes
    taxes: dict[str, Decimal]  # by scheme: {"01": ...}
    payable: Decimal
    unique_code: str  # CUFE / CUDE
    status: DocumentStatus
    zip_key: str | None = None
    dian_status_code: str | None = None
    dian_status_description: str | None = None
    dian_message: str | None = None
    dian_errors: tuple[str, ...] = ()
    last_error: str | None = None
    attempts: int = 0
    created_at: dt.datetime | None = None

    @property
    def full_number(self) -> str:
        return f"{self.prefix}{self.number}"
