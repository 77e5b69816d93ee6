"""Provisioning: hand a tenant's setup to its environment, as DIAN's portal would learn it.

Whenever a tenant's environment, software, ranges or certificate change, the registered
``Environment.provision`` of the tenant's environment (if any) is awaited with a
``Provisioning``: that is how the simulator learns what DIAN's portal would know.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.contracts import Environment, Provisioning
from core.secrets import SecretBox
from core.settings import Settings
from core.storage.database import Database
from core.tenancy.certificates import CertificateStore
from core.tenancy.ranges import read_ranges
from core.tenancy.rows import TENANTS, tenant_row, tenant_view


class Provisioner:
    """``range_channels`` maps each range type to the software channel its kinds are sent
    with (so an environment files every range under the right software)."""

    def __init__(
        self,
        database: Database,
        secret_box: SecretBox,
        *,
        settings: Settings,
        environments: Mapping[str, Environment],
        certificates: CertificateStore,
        range_channels: Mapping[str, str],
    ) -> None:
        self._db = database
        self._box = secret_box
        self._settings = settings
        self._environments = environments
        self._certificates = certificates
        self._range_channels = dict(range_channels)

    async def provision(self, tenant_id: int) -> bool:
        """Provision one tenant; whether an environment hook ran."""
        row = await self._db.run(tenant_row, tenant_id)
        environment = self._environments.get(row.environment)
        if environment is None or environment.provision is None:
            return False
        ranges = await self._db.run(read_ranges, row.id, row.environment)
        await environment.provision(
            self._settings,
            Provisioning(
                tenant=tenant_view(row, self._box),
                ranges=[r.range for r in ranges],
                certificate_der=await self._certificates.certificate_der(row.id),
                range_channels=self._range_channels,
            ),
        )
        return True

    async def provision_all(self) -> int:
        """Provision every active tenant (environments that keep state in memory need it at
        start-up); returns how many hooks ran."""
        ids = await self._db.all(TENANTS.select().where(TENANTS.c.status == "activo"))
        ran = 0
        for row in ids:
            if await self.provision(row.id):
                ran += 1
        return ran
