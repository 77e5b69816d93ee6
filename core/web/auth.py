"""Bearer authentication for dialect routes: token → tenant + credential, audited.

A dialect declares its token schemes (``core.tenancy.credentials``) and adds the dependency::

    auth = BearerAuth("mi-dialecto", schemes=("opaco",))
    router = Router("/mi-api", route_handlers=[...], dependencies={"auth": auth.provide()})

A handler then takes ``auth: Authenticated`` (``auth.tenant`` is the ``TenantView``). A
missing, malformed, unknown, revoked or expired token raises ``AuthenticationFailed``, which the
dialect's error mapping answers in its own shape. The request is marked for the audit log and
counted against the dialect's per-credential rate limit (``core.rate_limits``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request
from litestar.di import Provide

from core.errors import AuthenticationFailed
from core.rate_limits import count_request
from core.tenancy.credentials import Authenticated, TokenScheme
from core.web.audit import mark_authenticated


def bearer_token(request: Request[Any, Any, Any]) -> str:
    """The token of ``Authorization: Bearer <token>``; ``AuthenticationFailed`` if absent."""
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("falta el token Bearer")
    return token.strip()


class BearerAuth:
    """Authenticates requests of one dialect by ``Authorization: Bearer``."""

    def __init__(self, dialect: str, schemes: Sequence[TokenScheme] = ("par",)) -> None:
        self.dialect = dialect
        self.schemes = tuple(schemes)

    def token(self, request: Request[Any, Any, Any]) -> str:
        """The token the request presents (a dialect whose clients also send it elsewhere,
        e.g. a query parameter, overrides this); ``AuthenticationFailed`` if absent."""
        return bearer_token(request)

    async def __call__(self, request: Request[Any, Any, Any]) -> Authenticated:
        token = self.token(request)
        authenticated = await request.app.state.ctx.credentials.authenticate(
            self.dialect, token, self.schemes
        )
        mark_authenticated(
            request,
            tenant_id=authenticated.tenant.id,
            credential_id=authenticated.credential_id,
            dialect=self.dialect,
        )
        # a token granted to a credential (an OAuth access token) counts for that credential
        parent = authenticated.parent_id
        subject = parent if parent is not None else authenticated.credential_id
        await count_request(request.app.state.ctx, self.dialect, subject)
        return authenticated

    def provide(self) -> Provide:
        """The Litestar dependency (register it under the name your handlers use)."""
        return Provide(self.__call__)
