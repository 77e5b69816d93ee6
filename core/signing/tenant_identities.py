"""Each tenant's signing identity, parsed from its stored PKCS#12 once and kept a while.

Parsing a PKCS#12 costs tens of milliseconds of CPU, so the issuing hot path reads the cached
identity; a replaced certificate is picked up within ``IDENTITY_TTL`` in every process, and at
once in the process that replaced it (``forget``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

from core.clock import BOGOTA, now_bogota
from core.errors import CertificateExpired, ConfigurationError
from core.signing.certificates import CertificateCache, SigningIdentity
from core.tenancy.readiness import WARN_DAYS, days_until

if TYPE_CHECKING:
    from core.tenancy.certificates import CertificateStore

log = logging.getLogger(__name__)
IDENTITY_TTL = dt.timedelta(minutes=5)  # a replaced certificate is picked up within this


class TenantIdentities:
    def __init__(self, store: CertificateStore, certificates: CertificateCache) -> None:
        self.store = store
        self.certificates = certificates
        self._identities: dict[int, tuple[SigningIdentity, dt.datetime]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._locks_loop: asyncio.AbstractEventLoop | None = None
        self._warned: dict[int, dt.date] = {}

    def _fresh(self, tenant_id: int, now: dt.datetime) -> SigningIdentity | None:
        cached = self._identities.get(tenant_id)
        return cached[0] if cached is not None and now - cached[1] < IDENTITY_TTL else None

    async def get(self, tenant_id: int) -> SigningIdentity:
        """The tenant's signing identity, parsed once and kept for ``IDENTITY_TTL``."""
        identity = self._fresh(tenant_id, now_bogota())
        if identity is not None:
            return identity
        # one load per tenant at a time: a burst of first requests would otherwise each parse
        # the PKCS#12 before the first one is cached
        loop = asyncio.get_running_loop()
        if self._locks_loop is not loop:  # an asyncio.Lock serves one loop
            self._locks, self._locks_loop = {}, loop
        async with self._locks.setdefault(tenant_id, asyncio.Lock()):
            now = now_bogota()
            identity = self._fresh(tenant_id, now)
            if identity is None:
                pkcs12, password = await self.store.load_certificate(tenant_id)
                identity = self.certificates.get(pkcs12, password)
                self._identities[tenant_id] = (identity, now)
            return identity

    async def check_not_expired(self, tenant_id: int, nit: str, now: dt.datetime) -> None:
        """``CertificateExpired`` when the tenant's certificate is no longer valid at ``now``
        (checked before a number is spent). A tenant without a certificate passes: its
        document fails when it is signed, and records why."""
        try:
            identity = await self.get(tenant_id)
        except ConfigurationError:
            return
        not_after = identity.certificate.not_valid_after_utc
        if not_after <= now:
            raise CertificateExpired(nit, not_after.astimezone(BOGOTA))
        days = days_until(not_after, now.astimezone(BOGOTA).date())
        if days <= WARN_DAYS and self._warned.get(tenant_id) != now.date():
            self._warned[tenant_id] = now.date()  # once a day per tenant and process
            log.warning("signing certificate expires in %s days", days, extra={"nit": nit})

    def forget(self, tenant_id: int) -> None:
        """Drop the cached identity: the tenant's certificate was replaced."""
        self._identities.pop(tenant_id, None)
