"""Atomic allocation of document numbers from a numbering range.

One ``UPDATE … SET next_number = next_number + 1 … RETURNING`` does the read and the increment
in a single statement: PostgreSQL row-locks the range until the caller's transaction ends, and
SQLite (3.35+) holds its write lock, so two gateway processes never hand out the same number.
A number is only spent when the caller commits; a rolled-back transaction gives it back.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import NotFound, NumberingExhausted
from core.storage.tables import Resolution


async def allocate_number(session: AsyncSession, range_id: int) -> int:
    """Take the next number of range ``range_id`` inside the caller's transaction.

    Raises ``NumberingExhausted`` once every number up to ``to_number`` is taken and ``NotFound``
    for an unknown range.
    """
    allocated = (
        await session.execute(
            update(Resolution)
            .where(Resolution.id == range_id, Resolution.next_number <= Resolution.to_number)
            .values(next_number=Resolution.next_number + 1)
            .returning(Resolution.next_number - 1)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()
    if allocated is not None:
        return int(allocated)
    found = (
        await session.execute(
            select(Resolution.resolution_number, Resolution.prefix, Resolution.to_number).where(
                Resolution.id == range_id
            )
        )
    ).one_or_none()
    if found is None:
        raise NotFound(f"rango de numeración {range_id} no existe")
    number, prefix, to_number = found
    raise NumberingExhausted(
        f"la resolución {number} (prefijo {prefix or 'sin prefijo'}) agotó su rango: "
        f"el último número autorizado es {to_number}"
    )


async def allocate_owned_number(
    session: AsyncSession, range_id: int, *, tenant_id: int, environment: str
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
    allocated = (await session.execute(_ALLOCATE_OWNED, parameters)).one_or_none()
    return None if allocated is None else (allocated[0], int(allocated[1]))


# Built once: constructing the statement costs more than running it on SQLite.
_ALLOCATE_OWNED = (
    update(Resolution)
    .where(
        Resolution.id == bindparam("owned_range_id"),
        Resolution.tenant_id == bindparam("owner_tenant_id"),
        Resolution.environment == bindparam("owner_environment"),
        Resolution.next_number <= Resolution.to_number,
    )
    .values(next_number=Resolution.next_number + 1)
    .returning(Resolution.prefix, Resolution.next_number - 1)
    .execution_options(synchronize_session=False)
)
