"""Questions to DIAN that issue nothing, asked with a tenant's certificate in its environment.

``numbering_ranges`` is GetNumberingRange: the ranges (and technical keys) DIAN's portal holds
for the tenant and one of its software ids. The answer comes parsed and as the SOAP envelope
DIAN sent, for dialects that show DIAN's answer to their clients as it came.
"""

from __future__ import annotations

import msgspec

from core.dian.responses import NumberRangeResponseList, parse_number_range_response_list
from core.issuing import IssueService
from core.model import TenantView


class NumberingRangesAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """GetNumberingRange's answer: parsed, and the SOAP envelope as received."""

    answer: NumberRangeResponseList
    soap: bytes


async def numbering_ranges(
    documents: IssueService, tenant: TenantView, software_id: str
) -> NumberingRangesAnswer:
    """GetNumberingRange for the tenant's NIT and ``software_id`` (the software provider's NIT
    as ``accountCodeT``). ``DianUnavailable`` when DIAN does not answer."""
    client = await documents.dian_client(tenant.id, tenant.environment)
    provider = next(
        (s.provider_nit for s in tenant.software.values() if s.id == software_id), tenant.nit
    )
    params = {"accountCode": tenant.nit, "accountCodeT": provider, "softwareCode": software_id}
    soap = await client.call("GetNumberingRange", params)
    return NumberingRangesAnswer(
        answer=parse_number_range_response_list(soap, "GetNumberingRange"), soap=soap
    )
