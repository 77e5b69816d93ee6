"""Document statuses are stored strings and FacEPro's ``estado``: their values are a contract."""

from __future__ import annotations

import msgspec

from core.api import FINAL_STATUSES, DocumentStatus


def test_values_are_the_stored_strings() -> None:
    # existing rows hold these exact strings: changing one needs a data migration
    assert [status.value for status in DocumentStatus] == [
        "pendiente",
        "aceptado",
        "rechazado",
        "fallido",
    ]
    assert msgspec.json.encode(DocumentStatus.ACCEPTED) == b'"aceptado"'
    assert DocumentStatus("fallido") is DocumentStatus.FAILED


def test_only_pending_is_not_final() -> None:
    assert set(DocumentStatus) - FINAL_STATUSES == {DocumentStatus.PENDING}
