"""Who calls ``/v1``: the bearer is an OAuth access token granted by ``POST /oauth/token``.

Handlers take ``auth: Auth`` (the credential and tenant) or ``tenant: Tenant``. A missing,
wrong, revoked or expired token is a 401 in Factus' shape (``errors``); an authenticated
request is counted against its user's rate limit (``rate_limit``).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from adapters.factus.rate_limit import count_request
from adapters.factus.settings import settings_for
from core.api import Authenticated, BearerAuth, TenantView

DIALECT = "factus"

Auth = NamedDependency[SkipValidation[Authenticated]]
Tenant = NamedDependency[SkipValidation[TenantView]]

bearer_auth = BearerAuth(DIALECT, schemes=("oauth",))


async def authenticate(request: Request[Any, Any, Any]) -> Authenticated:
    """Dependency ``auth``: the bearer's credential, counted against its user's limit."""
    auth = await bearer_auth(request)
    ctx = request.app.state.ctx
    user_id = auth.parent_id if auth.parent_id is not None else auth.credential_id
    await count_request(ctx, user_id, settings_for(ctx).rate_limit)
    return auth


def authenticated_tenant(auth: Auth) -> TenantView:
    """Dependency ``tenant``: the tenant behind the request's token."""
    return auth.tenant


DEPENDENCIES = {
    "auth": Provide(authenticate),
    "tenant": Provide(authenticated_tenant, sync_to_thread=False),
}
