"""Atomic allocation of document numbers from a numbering range.

One ``UPDATE … SET next_number = next_number + 1 … RETURNING`` does the read and the increment
in a single statement: PostgreSQL row-locks the range until the caller's transaction ends, and
SQLite (3.35+) holds its write lock, so two gateway processes never hand out the same number.
A number is only spent when the caller commits; a rolled-back transaction gives it back.

Both functions are units of work for ``core.storage.database.Database.run`` (or parts of a
larger one): they take the transaction's ``Connection``.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select, update

from core.errors import NotFound, NumberingExhausted
from core.storage.tables import Resolution


def allocate_number(conn: Connection, range_id: int) -> int:
    """Take the next number of range ``range_id`` inside the caller's transaction.

    Raises ``NumberingExhausted`` once every number up to ``to_number`` is taken and ``NotFound``
    for an unknown range.
    """
    allocated = conn.execute(_ALLOCATE, {"allocated_range_id": range_id}).scalar_one_or_none()
    if allocated is not None:
        return int(allocated)
    found = conn.execute(
        select(
            Resolution.resolution_number,
            Resolution.prefix,
            Resolution.to_number,
            Resolution.retired_at,
        ).where(Resolution.id == range_id)
    ).one_or_none()
    if found is None:
        raise NotFound(f"rango de numeración {range_id} no existe")
    number, prefix, to_number, retired_at = found
    if retired_at is not None:
        raise NumberingExhausted(
            f"la resolución {number} (prefijo {prefix or 'sin prefijo'}) fue retirada"
        )
    raise NumberingExhausted(
        f"la resolución {number} (prefijo {prefix or 'sin prefijo'}) agotó su rango: "
        f"el último número autorizado es {to_number}"
    )


def allocate_owned_number(
    conn: Connection, range_id: int, *, tenant_id: int, environment: str
) -> tuple[str, int] | None:
    """Prefix and next number of a range of ``tenant_id`` in ``environment``, in one statement
    (the ownership check rides on the UPDATE), inside the caller's transaction.

    ``None`` when nothing was allocated: the range is unknown, another tenant's or another
    environment's, or used up; ``allocate_number`` then tells which.
    """
    parameters = {
        "owned_range_id": range_id,
        "owner_tenant_id": tenant_id,
        "owner_environment": environment,
    }
    allocated = conn.execute(_ALLOCATE_OWNED, parameters).one_or_none()
    return None if allocated is None else (allocated[0], int(allocated[1]))


# Built once: constructing a statement costs more than running it on SQLite.
_RANGES = Resolution.__table__
_ALLOCATE = (
    update(_RANGES)
    .where(
        _RANGES.c.id == bindparam("allocated_range_id"),
        _RANGES.c.next_number <= _RANGES.c.to_number,
        _RANGES.c.retired_at.is_(None),
    )
    .values(next_number=_RANGES.c.next_number + 1)
    .returning(_RANGES.c.next_number - 1)
)
_ALLOCATE_OWNED = (
    update(_RANGES)
    .where(
        _RANGES.c.id == bindparam("owned_range_id"),
        _RANGES.c.tenant_id == bindparam("owner_tenant_id"),
        _RANGES.c.environment == bindparam("owner_environment"),
        _RANGES.c.next_number <= _RANGES.c.to_number,
        _RANGES.c.retired_at.is_(None),
    )
    .values(next_number=_RANGES.c.next_number + 1)
    .returning(_RANGES.c.prefix, _RANGES.c.next_number - 1)
)
