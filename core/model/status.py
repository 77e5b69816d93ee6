"""The life of an issued document, as stored and as every dialect reports it.

A document is stored ``pendiente`` before anything is sent and ends in one of the final
statuses. The values are the stored strings (and what dialects show): a ``StrEnum`` compares
and serializes as those strings, so rows and JSON keep their shape.
"""

from __future__ import annotations

from enum import StrEnum


class DocumentStatus(StrEnum):
    PENDING = "pendiente"  # stored, not yet judged by DIAN: a job keeps asking
    ACCEPTED = "aceptado"
    REJECTED = "rechazado"
    FAILED = "fallido"  # the gateway gave up (invalid before sending, or attempts exhausted)


#: Statuses a document never leaves.
FINAL_STATUSES: frozenset[DocumentStatus] = frozenset(
    {DocumentStatus.ACCEPTED, DocumentStatus.REJECTED, DocumentStatus.FAILED}
)
