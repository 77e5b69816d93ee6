"""An httpx transport that hands SOAP requests straight to the in-process simulator.

The gateway's DIAN client is the same one that talks to DIAN over the network; only the last
hop changes. The simulator's HTTP route does nothing but read the body and call
``app.answer``, so this transport calls that directly and skips ASGI and routing, which cost
about as much per document as the simulator's own bookkeeping.
"""

from __future__ import annotations

import httpx

from plugins.environments.simulador.app import SERVICE_PATH, SoapEndpoint, answer


class InProcessTransport(httpx.AsyncBaseTransport):
    def __init__(self, endpoint: SoapEndpoint) -> None:
        self.endpoint = endpoint

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or request.url.path != SERVICE_PATH:
            return httpx.Response(404, text="Not Found", request=request)
        reply = await answer(self.endpoint, await request.aread())
        return httpx.Response(
            reply.status_code,
            headers={"content-type": str(reply.media_type)},
            content=reply.content,
            request=request,
        )
