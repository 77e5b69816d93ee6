"""The raw SOAP exchanges of DIAN calls made while a block of code runs.

Some dialects answer with DIAN's SOAP request and response themselves (base64 copies of both,
or DIAN's answer converted to JSON from the XML DIAN sent). Nothing is stored:
a handler wraps its call in ``capture_exchanges()`` and reads what the ``DianClient`` calls
made inside it (in the same task, or tasks it starts) sent and received::

    with capture_exchanges() as exchanges:
        record = await documents.issue(tenant, document, dialect="...")
    last = exchanges[-1] if exchanges else None   # operation, request, response bytes

Outside such a block ``record_exchange`` does nothing, so other dialects pay nothing.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class DianExchange:
    """One SOAP call: the operation, the signed envelope sent and DIAN's answer as received
    (``response`` is empty when no answer came back)."""

    operation: str
    request: bytes
    response: bytes
    status: int | None = None


_CAPTURE: contextvars.ContextVar[list[DianExchange] | None] = contextvars.ContextVar(
    "pasarela_dian_exchanges", default=None
)


@contextmanager
def capture_exchanges() -> Iterator[list[DianExchange]]:
    """Collect the DIAN exchanges made inside the block, in order."""
    exchanges: list[DianExchange] = []
    token = _CAPTURE.set(exchanges)
    try:
        yield exchanges
    finally:
        _CAPTURE.reset(token)


def record_exchange(
    operation: str, request: bytes, response: bytes, status: int | None = None
) -> None:
    """Called by ``DianClient`` for every call; kept only inside ``capture_exchanges``."""
    exchanges = _CAPTURE.get()
    if exchanges is not None:
        exchanges.append(
            DianExchange(operation=operation, request=request, response=response, status=status)
        )
