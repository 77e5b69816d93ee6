"""How APIDIAN clients authenticate, and the router every token route lives in.

APIDIAN's guard is Laravel's ``TokenGuard``: the token comes from the ``api_token`` query
parameter or ``Authorization: Bearer <token>``. Tokens are opaque (scheme ``opaco``): the
ones Pasarela issues are random, and a migrating client's old token can be imported
(``pasarela credentials import``); only their hashes are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Router
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from core.api import AppContext, Authenticated, BearerAuth, TenantView

DIALECT = "apidian"
API_PREFIX = "/api"
UBL_PREFIX = "/api/ubl2.1"

# Dependencies are objects built by the gateway: never re-validated per request.
Auth = NamedDependency[SkipValidation[Authenticated]]
Tenant = NamedDependency[SkipValidation[TenantView]]
Context = NamedDependency[SkipValidation[AppContext]]


class TokenAuth(BearerAuth):
    """``Authorization: Bearer`` first, else Laravel's ``?api_token=``."""

    def token(self, request: Request[Any, Any, Any]) -> str:
        query = request.query_params.get("api_token")
        if query and query.strip() and not request.headers.get("authorization"):
            return query.strip()
        return super().token(request)


token_auth = TokenAuth(DIALECT, schemes=("opaco",))


def authenticated_tenant(auth: Auth) -> TenantView:
    """Dependency ``tenant``: the company behind the request's token."""
    return auth.tenant


def token_router(path: str, route_handlers: Sequence[Any], **options: Any) -> Router:
    """A router whose handlers may take ``auth`` (``Authenticated``) and ``tenant``
    (``TenantView``): requests without a valid APIDIAN token get the 401."""
    return Router(
        path=path,
        route_handlers=list(route_handlers),
        dependencies={
            "auth": token_auth.provide(),
            "tenant": Provide(authenticated_tenant, sync_to_thread=False),
        },
        tags=["APIDIAN"],
        **options,
    )
