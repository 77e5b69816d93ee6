"""Habilitación in the simulated DIAN: test sets, their verdict, and what acceptance grants.

DIAN counts the documents a software sends under its test-set id (``SendTestSetAsync``). A
set is accepted once each required document type has enough accepted documents and no more
rejections than DIAN tolerates; a set with more rejections than that is rejected for good
(DIAN's portal then gives the software a new set). Accepting a set, once, authorizes a
production numbering resolution for each numbered type the set held, as DIAN's resolution
would: GetNumberingRange answers those from then on, and production documents (ProfileExecutionID
1) from software whose set is not accepted are refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from core.clock import now_bogota
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import RegisteredRange, SimulatorStore
from plugins.environments.simulador.tables import SimDocument, SimSoftware
from plugins.environments.simulador.test_set_tables import SimResolution, SimTestSetAcceptance

# Types DIAN authorizes no numbering for (notes are numbered by the company).
UNNUMBERED_TYPES = frozenset({"91", "92", "93", "94", "95"})
PRODUCTION_PREFIXES = {"01": "FE", "02": "FEX", "03": "FC", "04": "FE", "05": "DS", "20": "POS"}
RESOLUTION_NUMBERS = 1_000_000  # each authorized range: 1 to this
RESOLUTION_MONTHS = 24

_ACCEPTANCES = SimTestSetAcceptance.__table__
_RESOLUTIONS = SimResolution.__table__
_DOCUMENTS = SimDocument.__table__
_SOFTWARE = SimSoftware.__table__


@dataclass(frozen=True, kw_only=True)
class SetStatus:
    """Where a test set stands: (accepted, rejected) per type, against what it requires."""

    test_set_id: str
    counts: Mapping[str, tuple[int, int]]
    required: Mapping[str, int]
    tolerance: int
    accepted: bool

    @property
    def rejected_total(self) -> int:
        return sum(rejected for _, rejected in self.counts.values())

    @property
    def rejected(self) -> bool:
        """More rejections than DIAN tolerates: the set can no longer be accepted."""
        return not self.accepted and self.rejected_total > self.tolerance

    @property
    def complete(self) -> bool:
        return all(
            self.counts.get(code, (0, 0))[0] >= needed for code, needed in self.required.items()
        )

    def description(self) -> str:
        """GetStatusZip's text for the set as a whole."""
        state = "Aceptado" if self.accepted else "Rechazado" if self.rejected else "En proceso"
        return f"Set de prueba con identificador {self.test_set_id} se encuentra {state}."


class HabilitacionBook:
    """The test-set book of one simulated DIAN."""

    def __init__(self, store: SimulatorStore, sim: SimulatorSettings) -> None:
        self.store = store
        self.sim = sim

    async def exists(self, test_set_id: str) -> bool:
        """Whether a registered software holds this test-set id."""
        query = select(_SOFTWARE.c.id).where(_SOFTWARE.c.test_set_id == test_set_id).limit(1)
        return await (await self.store.database()).first(query) is not None

    async def status(self, test_set_id: str) -> SetStatus:
        counts = await self.store.test_set_counts(test_set_id)
        accepted = await (await self.store.database()).first(
            select(_ACCEPTANCES.c.test_set_id).where(_ACCEPTANCES.c.test_set_id == test_set_id)
        )
        return SetStatus(
            test_set_id=test_set_id,
            counts=counts,
            required=dict(self.sim.test_set_required),
            tolerance=self.sim.test_set_tolerance,
            accepted=accepted is not None,
        )

    async def settle(self, test_set_id: str) -> SetStatus:
        """The set's status after a document arrived; the first time it is complete within the
        tolerance it is accepted and its production resolutions are authorized."""
        status = await self.status(test_set_id)
        if status.accepted or status.rejected or not status.complete:
            return status
        today = now_bogota().date()

        def accept(conn: Connection) -> None:
            software = conn.execute(
                select(_SOFTWARE.c.id).where(_SOFTWARE.c.test_set_id == test_set_id)
            ).first()
            issuer = conn.execute(
                select(_DOCUMENTS.c.issuer_nit)
                .where(_DOCUMENTS.c.test_set_id == test_set_id, _DOCUMENTS.c.is_valid.is_(True))
                .limit(1)
            ).first()
            if software is None or issuer is None:
                return
            conn.execute(
                insert(_ACCEPTANCES).values(
                    test_set_id=test_set_id,
                    software_id=software.id,
                    issuer_nit=issuer.issuer_nit,
                    accepted_at=now_bogota(),
                )
            )
            numbered = sorted(
                code
                for code, (accepted, _) in status.counts.items()
                if accepted and code not in UNNUMBERED_TYPES
            )
            for code in numbered:
                conn.execute(
                    insert(_RESOLUTIONS).values(
                        issuer_nit=issuer.issuer_nit,
                        software_id=software.id,
                        **authorized_resolution(test_set_id, code, today),
                    )
                )

        with contextlib.suppress(IntegrityError):  # accepted by a concurrent request first
            await (await self.store.database()).run(accept, write=True)
        return await self.status(test_set_id)

    async def software_accepted(self, software_id: str) -> bool:
        """Whether a test set of this software was accepted (it may work in production)."""
        query = (
            select(_ACCEPTANCES.c.test_set_id)
            .where(_ACCEPTANCES.c.software_id == software_id)
            .limit(1)
        )
        return await (await self.store.database()).first(query) is not None

    async def resolutions(self, issuer_nit: str, software_id: str) -> list[RegisteredRange]:
        """The production resolutions authorized for an issuer's software, oldest first."""
        columns = _RESOLUTIONS.c
        rows = await (await self.store.database()).all(
            select(_RESOLUTIONS)
            .where(columns.issuer_nit == issuer_nit, columns.software_id == software_id)
            .order_by(columns.id)
        )
        return [
            RegisteredRange(
                issuer_nit=r.issuer_nit,
                software_id=r.software_id,
                document_type=r.document_type,
                resolution_number=r.resolution_number,
                resolution_date=r.resolution_date,
                prefix=r.prefix,
                from_number=r.from_number,
                to_number=r.to_number,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                technical_key=r.technical_key,
            )
            for r in rows
        ]


def authorized_resolution(
    test_set_id: str, document_type: str, today: dt.date
) -> dict[str, object]:
    """The terms of the resolution granted for ``document_type`` when a set is accepted: a
    resolution number and technical key derived from the set (stable for one set), numbers 1
    to ``RESOLUTION_NUMBERS``, valid ``RESOLUTION_MONTHS`` months from today."""
    digest = hashlib.sha256(f"{test_set_id}:{document_type}".encode()).hexdigest()
    valid_to = dt.date(today.year + RESOLUTION_MONTHS // 12, today.month, 1) - dt.timedelta(days=1)
    return {
        "document_type": document_type,
        "resolution_number": f"1876{int(digest[:12], 16) % 10**10:010d}",
        "resolution_date": today,
        "prefix": PRODUCTION_PREFIXES.get(document_type, f"P{document_type}"),
        "from_number": 1,
        "to_number": RESOLUTION_NUMBERS,
        "valid_from": today,
        "valid_to": valid_to,
        "technical_key": hashlib.sha384(digest.encode()).hexdigest()[:64],
    }
