"""Numbering ranges (resoluciones) and the range that numbers a document kind's next document."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update

from core.clock import now_bogota
from core.errors import ConfigurationError, NoNumberingRange, NotFound, NumberingExhausted
from core.model import NumberingRange
from core.storage.database import Database
from core.tenancy.records import RangeRecord
from core.tenancy.rows import RESOLUTIONS, numbering_range, tenant_row

ACTIVE_RANGE_CACHE_MAX = 4096


class NumberingRanges:
    """Add, list, retire and pick numbering ranges.

    ``range_types`` maps each range type the installed document kinds number from to whether
    it needs a technical key (CUFE kinds: without one, every document would fail).
    ``environments`` are the installed environment ids. ``on_change(tenant_id)`` is awaited
    after a range of the tenant's current environment changes.
    """

    def __init__(
        self,
        database: Database,
        *,
        range_types: Mapping[str, bool],
        environments: frozenset[str],
        on_change: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._db = database
        self.range_types = dict(range_types)
        self.environments = environments
        self._on_change = on_change
        # (tenant, type, environment, date) -> (active range, monotonic time it was read)
        self._active: dict[tuple[int, str, str, dt.date], tuple[NumberingRange, float]] = {}

    async def add_resolution(
        self,
        tenant_id: int,
        *,
        document_type: str,
        resolution_number: str,
        from_number: int,
        to_number: int,
        valid_from: dt.date,
        valid_to: dt.date,
        prefix: str = "",
        resolution_date: dt.date | None = None,
        technical_key: str | None = None,
        environment: str | None = None,
        next_number: int | None = None,
    ) -> NumberingRange:
        """Add a numbering range (defaults: the tenant's current environment, numbering from
        ``from_number``; give ``next_number`` to continue a range already in use elsewhere).

        A range for a kind coded with CUFE must carry its technical key: without it no
        document of the range could be coded, and each would burn a number as failed."""
        if document_type not in self.range_types:
            known = ", ".join(sorted(self.range_types))
            raise ConfigurationError(
                f"tipo de documento desconocido {document_type!r} (disponibles: {known})"
            )
        if self.range_types[document_type] and not (technical_key or "").strip():
            raise ConfigurationError(
                f"un rango del tipo de documento {document_type} necesita la clave técnica "
                "de la resolución: sin ella no se puede calcular el CUFE"
            )
        start = from_number if next_number is None else next_number
        if not 0 <= from_number <= to_number:
            raise ConfigurationError("el rango debe cumplir 0 <= desde <= hasta")
        if not from_number <= start <= to_number + 1:
            raise ConfigurationError("el siguiente número debe estar dentro del rango")
        if valid_from > valid_to:
            raise ConfigurationError("la vigencia del rango termina antes de empezar")

        def insert_range(conn: Connection) -> tuple[Any, str, NumberingRange]:
            row = tenant_row(conn, tenant_id)
            env = environment or row.environment
            if env not in self.environments:
                known = ", ".join(sorted(self.environments))
                raise ConfigurationError(f"ambiente desconocido {env!r} (disponibles: {known})")
            created = conn.execute(
                insert(RESOLUTIONS)
                .values(
                    tenant_id=row.id,
                    environment=env,
                    document_type=document_type,
                    resolution_number=resolution_number,
                    resolution_date=resolution_date,
                    prefix=prefix,
                    from_number=from_number,
                    to_number=to_number,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    technical_key=technical_key,
                    next_number=start,
                    created_at=now_bogota(),
                )
                .returning(*RESOLUTIONS.c)
            ).one()
            return row, env, numbering_range(created)

        row, env, numbering = await self._db.run(insert_range, write=True)
        self._active.clear()
        if env == row.environment and self._on_change is not None:
            await self._on_change(row.id)
        return numbering

    async def retire_range(self, tenant_id: int, range_id: int) -> RangeRecord:
        """Stop numbering from a range (a resolution replaced or entered by mistake); its
        documents stay. Retiring it again is harmless. ``NotFound`` for another's range."""

        def retire(conn: Connection) -> tuple[Any, Any]:
            row = tenant_row(conn, tenant_id)
            columns = RESOLUTIONS.c
            found = conn.execute(
                select(RESOLUTIONS).where(columns.id == range_id, columns.tenant_id == row.id)
            ).first()
            if found is None:
                raise NotFound(f"la empresa no tiene el rango de numeración {range_id}")
            if found.retired_at is None:
                conn.execute(
                    update(RESOLUTIONS)
                    .where(columns.id == range_id)
                    .values(retired_at=now_bogota())
                )
                found = conn.execute(select(RESOLUTIONS).where(columns.id == range_id)).one()
            return row, found

        row, found = await self._db.run(retire, write=True)
        self._active.clear()
        if found.environment == row.environment and self._on_change is not None:
            await self._on_change(row.id)
        return _record(found)

    async def set_next_number(self, tenant_id: int, range_id: int, next_number: int) -> RangeRecord:
        """Continue a range from ``next_number`` (numbers were used outside the gateway). It
        never goes back: a number already handed out would be issued twice. ``NotFound`` for
        another tenant's or a retired range; ``ConfigurationError`` out of the range."""

        def move(conn: Connection) -> tuple[Any, Any]:
            row = tenant_row(conn, tenant_id)
            columns = RESOLUTIONS.c
            found = conn.execute(
                select(RESOLUTIONS).where(
                    columns.id == range_id,
                    columns.tenant_id == row.id,
                    columns.retired_at.is_(None),
                )
            ).first()
            if found is None:
                raise NotFound(f"la empresa no tiene el rango de numeración {range_id}")
            if not found.from_number <= next_number <= found.to_number + 1:
                raise ConfigurationError("el siguiente número debe estar dentro del rango")
            moved = conn.execute(
                update(RESOLUTIONS)
                .where(columns.id == range_id, columns.next_number <= next_number)
                .values(next_number=next_number)
            )
            if moved.rowcount != 1:
                raise ConfigurationError(
                    "el consecutivo no puede retroceder: esos números ya fueron usados"
                )
            return row, conn.execute(select(RESOLUTIONS).where(columns.id == range_id)).one()

        row, found = await self._db.run(move, write=True)
        self._active.clear()
        if found.environment == row.environment and self._on_change is not None:
            await self._on_change(row.id)
        return _record(found)

    async def list_ranges(
        self, tenant_id: int, environment: str | None = None, *, retired: bool = False
    ) -> list[RangeRecord]:
        """The tenant's ranges (of one environment when given), oldest first; retired ones
        only when ``retired``."""
        return await self._db.run(read_ranges, tenant_id, environment, retired)

    async def range_of(
        self, tenant_id: int, environment: str, range_type: str, prefix: str, number: int
    ) -> NumberingRange:
        """The range (retired ones included) a stored document was numbered from: the one of
        its type whose prefix and interval hold its number. Raises ``NotFound``."""
        for record in await self.list_ranges(tenant_id, environment, retired=True):
            found = record.range
            if (
                found.document_type == range_type
                and found.prefix == prefix
                and found.from_number <= number <= found.to_number
            ):
                return found
        raise NotFound(f"no hay resolución para {prefix}{number} ({range_type})")

    async def active_range(
        self,
        tenant_id: int,
        document_type: str,
        environment: str,
        on_date: dt.date,
        *,
        max_age_s: float = 0.0,
        forget_cached: bool = False,
    ) -> NumberingRange:
        """The range that numbers the next ``document_type`` document on ``on_date``: valid on
        that date, not retired, with numbers left; the first registered wins. Raises
        ``NoNumberingRange`` when no range is valid, ``NumberingExhausted`` when the valid
        ones are used up.

        ``max_age_s`` > 0 accepts an answer this process read that recently (the issuing hot
        path: one query less per document). A cached range stays the right one while it has
        numbers, since a later range never wins over it; when it runs out (or is retired by
        another process) the atomic allocation raises ``NumberingExhausted`` and the caller
        asks again with ``forget_cached``.
        """
        key = (tenant_id, document_type, environment, on_date)
        if forget_cached:  # the cached one ran out: read the ranges again
            self.forget_active_range(*key)
        if max_age_s > 0:
            cached = self._active.get(key)
            if cached is not None and time.monotonic() - cached[1] < max_age_s:
                return cached[0]
        found = await self._read_active(tenant_id, document_type, environment, on_date)
        if len(self._active) > ACTIVE_RANGE_CACHE_MAX:
            self._active.clear()
        self._active[key] = (found, time.monotonic())
        return found

    async def range_for_issue(
        self,
        tenant_id: int,
        document_type: str,
        environment: str,
        on_date: dt.date,
        prefix: str | None,
        number: int | None,
        *,
        range_id: int | None = None,
        max_age_s: float = 0.0,
    ) -> NumberingRange:
        """The range an issue draws from: the one holding a number the client chose, else the
        range the client picked (``range_id``), else the active one."""
        if number is not None:
            return await self.range_of(tenant_id, environment, document_type, prefix or "", number)
        if range_id is not None:
            return await self.chosen_range(range_id, tenant_id, document_type, environment, on_date)
        return await self.active_range(
            tenant_id, document_type, environment, on_date, max_age_s=max_age_s
        )

    async def chosen_range(
        self,
        range_id: int,
        tenant_id: int,
        document_type: str,
        environment: str,
        on_date: dt.date,
    ) -> NumberingRange:
        """The tenant's range ``range_id`` when it may number a ``document_type`` document on
        ``on_date`` (the client picked it): ``NoNumberingRange`` when it is another tenant's,
        of another type or environment, retired or not valid that day; ``NumberingExhausted``
        when it has no numbers left."""
        for record in await self.list_ranges(tenant_id, environment):
            found = record.range
            if found.id != range_id:
                continue
            if found.document_type == document_type and (
                found.valid_from <= on_date <= found.valid_to
            ):
                if record.remaining <= 0:
                    raise NumberingExhausted(
                        f"la resolución {found.resolution_number} agotó su rango para el tipo "
                        f"de documento {document_type}: registre una nueva"
                    )
                return found
        raise NoNumberingRange(document_type, environment, on_date)

    def forget_active_range(
        self, tenant_id: int, document_type: str, environment: str, on_date: dt.date
    ) -> None:
        """Drop a cached ``active_range`` answer (its range ran out of numbers)."""
        self._active.pop((tenant_id, document_type, environment, on_date), None)

    async def _read_active(
        self, tenant_id: int, document_type: str, environment: str, on_date: dt.date
    ) -> NumberingRange:
        columns = RESOLUTIONS.c
        query = (
            select(RESOLUTIONS)
            .where(
                columns.tenant_id == tenant_id,
                columns.environment == environment,
                columns.document_type == document_type,
                columns.valid_from <= on_date,
                columns.valid_to >= on_date,
                columns.retired_at.is_(None),
            )
            .order_by(columns.id)
        )
        rows = await self._db.all(query)
        for row in rows:
            if row.next_number <= row.to_number:
                return numbering_range(row)
        if rows:
            last = rows[-1]
            raise NumberingExhausted(
                f"la resolución {last.resolution_number} (prefijo {last.prefix or 'sin prefijo'}) "
                f"agotó su rango para el tipo de documento {document_type}: registre una nueva"
            )
        raise NoNumberingRange(document_type, environment, on_date)


def read_ranges(
    conn: Connection, tenant_id: int, environment: str | None, retired: bool = False
) -> list[RangeRecord]:
    """Unit of work behind ``list_ranges`` (provisioning reads the same)."""
    columns = RESOLUTIONS.c
    query = select(RESOLUTIONS).where(columns.tenant_id == tenant_id)
    if environment is not None:
        query = query.where(columns.environment == environment)
    if not retired:
        query = query.where(columns.retired_at.is_(None))
    return [_record(r) for r in conn.execute(query.order_by(columns.id)).all()]


def _record(row: Any) -> RangeRecord:
    return RangeRecord(
        range=numbering_range(row),
        next_number=row.next_number,
        retired_at=row.retired_at,
        created_at=row.created_at,
    )
