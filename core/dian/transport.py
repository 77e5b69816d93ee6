"""The HTTP transport of the DIAN clients: httpx's interface over aiohttp's connections.

httpx's own transport (httpcore with h11, a pure-Python HTTP/1.1 parser) costs about 1.5 ms
of CPU for one SOAP exchange of 30 KB on the machine the benchmarks run on; aiohttp's, with
its C parser and connection pool, about 0.35 ms. ``httpx_aiohttp`` puts aiohttp under
``httpx.AsyncClient``, so the clients, their timeouts and their errors stay httpx's. One
correction: that package turns every aiohttp connection error into ``httpx.ConnectTimeout``;
a refused or dropped connection is raised here as ``httpx.ConnectError``, so DIAN's absence
reads as such and only a real timeout as a timeout. In-process transports (the simulator's
``httpx.ASGITransport``) are used as they are.
"""

from __future__ import annotations

import asyncio

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

_TIMEOUTS = (aiohttp.ServerTimeoutError, asyncio.TimeoutError, TimeoutError)


class DianTransport(AiohttpTransport):
    """aiohttp connections for ``httpx.AsyncClient`` (``limits``: httpx's pool limits)."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.ConnectTimeout as error:
            if error.__cause__ is None or isinstance(error.__cause__, _TIMEOUTS):
                raise
            raise httpx.ConnectError(str(error), request=request) from error.__cause__


def network_client(
    transport: httpx.AsyncBaseTransport | None, timeout: httpx.Timeout, limits: httpx.Limits
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` over ``transport``, or over aiohttp's connections."""
    return httpx.AsyncClient(
        transport=transport if transport is not None else DianTransport(limits), timeout=timeout
    )
