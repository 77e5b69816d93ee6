"""Each tenant's DIAN client in an environment: the environment's endpoint (resolved once per
process), the tenant's signing identity (cached by ``TenantIdentities``) and the pooled HTTP
connections of ``DianClientPool``, whose read timeout is ``PASARELA_DIAN_TIMEOUT``."""

from __future__ import annotations

from typing import Any

import httpx

from core.contracts import Environment
from core.dian.client import DianClient, DianClientPool
from core.registry import Registry
from core.settings import Settings
from core.signing.tenant_identities import TenantIdentities


class TenantDianClients:
    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        identities: TenantIdentities,
        pool: DianClientPool | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.identities = identities
        self.pool = pool or DianClientPool(timeout=dian_timeout(settings))
        self._endpoints: dict[str, tuple[str, Any]] = {}

    async def client(self, environment_id: str, tenant_id: int) -> tuple[DianClient, Environment]:
        """The tenant's client on the environment, and the environment."""
        environment = self.registry.environments.get(environment_id)
        endpoint = self._endpoints.get(environment_id)
        if endpoint is None:
            endpoint = self._endpoints[environment_id] = environment.endpoint(self.settings)
        url, transport = endpoint
        identity = await self.identities.get(tenant_id)
        return self.pool.client(url, identity, transport=transport), environment

    async def aclose(self) -> None:
        """Close the pooled DIAN connections."""
        await self.pool.aclose()


def dian_timeout(settings: Settings) -> httpx.Timeout:
    return httpx.Timeout(settings.dian_timeout_s, connect=min(10.0, settings.dian_timeout_s))
