"""Reading tenant rows: shared by the tenancy services (units of work on a ``Connection``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec
from sqlalchemy import Connection, insert, select

from core.errors import NotFound
from core.model import NumberingRange, Party, Software, TenantView
from core.secrets import SecretBox
from core.storage.tables import Certificate, Credential, QuotaUsage, Resolution, Tenant

TENANTS: Final = Tenant.__table__
CERTIFICATES: Final = Certificate.__table__
RESOLUTIONS: Final = Resolution.__table__
CREDENTIALS: Final = Credential.__table__
QUOTA_USAGE: Final = QuotaUsage.__table__


def tenant_row(conn: Connection, ref: int | str) -> Any:
    """A ``tenants`` row by id, uuid or NIT (with or without its DV); ``NotFound``."""
    columns = TENANTS.c
    if isinstance(ref, int):
        condition = columns.id == ref
    elif len(ref) == 36 and ref.count("-") == 4:
        condition = columns.uuid == ref
    else:
        condition = columns.nit == ref.split("-", 1)[0].strip()
    row = conn.execute(select(TENANTS).where(condition)).first()
    if row is None:
        raise NotFound(f"la empresa {ref} no existe")
    return row


def insert_returning_id(conn: Connection, table: Any, values: Mapping[str, Any]) -> int:
    return int(conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())


def encrypted_pin(box: SecretBox, pin: str) -> str:
    """A software PIN as ``tenants.software`` keeps it: encrypted, as base64 text."""
    return box.encrypt_text(pin)


def software_entry(
    box: SecretBox, software_id: str, pin: str, test_set_id: str | None
) -> dict[str, Any]:
    """One channel's entry of ``tenants.software``."""
    return {"id": software_id, "pin": encrypted_pin(box, pin), "test_set_id": test_set_id}


def tenant_view(row: Any, box: SecretBox) -> TenantView:
    """The engine's view of a row of the ``tenants`` columns (PINs decrypted)."""
    return TenantView(
        id=row.id,
        uuid=row.uuid,
        nit=row.nit,
        dv=row.dv,
        party=msgspec.convert(row.party, Party),
        environment=row.environment,
        software={
            channel: Software(
                id=entry["id"],
                pin=box.decrypt_text(entry["pin"]),
                provider_nit=row.provider_nit,
                provider_dv=row.provider_dv,
                test_set_id=entry.get("test_set_id"),
            )
            for channel, entry in (row.software or {}).items()
        },
        permissions=frozenset(row.permissions or ()),
        status=row.status,
    )


def numbering_range(row: Any) -> NumberingRange:
    return NumberingRange(
        id=row.id,
        document_type=row.document_type,
        environment=row.environment,
        resolution_number=row.resolution_number,
        resolution_date=row.resolution_date,
        prefix=row.prefix,
        from_number=row.from_number,
        to_number=row.to_number,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        technical_key=row.technical_key,
    )
