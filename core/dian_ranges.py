"""What DIAN has authorized for a tenant's software (GetNumberingRange), asked through the
tenant's environment: DIAN's web service or the simulator, with the tenant's certificate.

A dialect offering "the ranges DIAN associates with my software" calls
``numbering_ranges_at_dian(documents, tenant)`` with the issuing service its handlers
receive (``documents``). Transport trouble raises ``DianUnavailable``.
"""

from __future__ import annotations

from core.contracts import CHANNEL_INVOICES
from core.dian.responses import NumberRangeResponseList
from core.errors import SoftwareNotRegistered
from core.issuing import IssueService
from core.model import TenantView


async def numbering_ranges_at_dian(
    documents: IssueService, tenant: TenantView, channel: str = CHANNEL_INVOICES
) -> NumberRangeResponseList:
    """DIAN's answer for the tenant (the issuer) and its software of ``channel``:
    ``operation_code`` ``"100"`` with the ranges, or DIAN's code and description."""
    software = tenant.software.get(channel)
    if software is None:
        raise SoftwareNotRegistered(tenant.nit, channel, "rangos de numeración")
    client, _ = await documents._client(tenant.environment, tenant.id)
    return await client.get_numbering_range(tenant.nit, software.provider_nit, software.id)
