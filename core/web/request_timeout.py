"""A deadline for every HTTP request (``PASARELA_REQUEST_TIMEOUT``, 120 s by default; 0: none).

A request still running at its deadline is cancelled and answered 504 in the error shape of
the path (the dialect's under its prefix), unless its answer had already started (then the
connection is closed). Issuing is safe to cancel: a document is stored ``pendiente`` before it
is sent, so a cancelled request leaves it to the retry job, which finishes it. The deadline is
meant to stand above ``PASARELA_DIAN_TIMEOUT``, so a slow DIAN answer still reaches the client.
"""

from __future__ import annotations

import asyncio
import logging

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

TIMEOUT_STATUS = 504


class RequestTimeoutMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if self.timeout_s <= 0:
            await next_app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            async with asyncio.timeout(self.timeout_s):
                await next_app(scope, receive, tracking_send)
        except TimeoutError:
            log.warning(
                "request timed out",
                extra={"path": scope["path"], "timeout_s": self.timeout_s, "answered": started},
            )
            if started:
                return  # part of the answer went out: nothing else can be sent
            raise HTTPException(
                status_code=TIMEOUT_STATUS,
                detail=f"La solicitud superó el tiempo máximo de {self.timeout_s:g} s.",
            ) from None
