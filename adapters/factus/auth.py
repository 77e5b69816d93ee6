"""Who calls ``/v1``: the bearer is an OAuth access token granted by ``POST /oauth/token``.

Handlers take ``auth: Auth`` (the credential and tenant) or ``tenant: Tenant``. A missing,
wrong, revoked or expired token is a 401 in Factus' shape (``errors``); an authenticated
request is counted against its user's rate limit (core's per-credential limit, which counts an
access token for the user it was granted to; Factus' default is ``RATE_LIMIT`` a minute).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from core.api import Authenticated, BearerAuth, TenantView

DIALECT = "factus"
RATE_LIMIT = 80  # requests per minute per API user, as Factus

Auth = NamedDependency[SkipValidation[Authenticated]]
Tenant = NamedDependency[SkipValidation[TenantView]]

bearer_auth = BearerAuth(DIALECT, schemes=("oauth",))


async def authenticate(request: Request[Any, Any, Any]) -> Authenticated:
    """Dependency ``auth``: the bearer's credential (counted against its user's limit)."""
    return await bearer_auth(request)


def authenticated_tenant(auth: Auth) -> TenantView:
    """Dependency ``tenant``: the tenant behind the request's token."""
    return auth.tenant


DEPENDENCIES = {
    "auth": Provide(authenticate),
    "tenant": Provide(authenticated_tenant, sync_to_thread=False),
}
