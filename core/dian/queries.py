"""Questions to DIAN that issue nothing, asked with a tenant's certificate in its environment
(DIAN's web service or the simulator).


Dialects whose clients query DIAN through the gateway (GetStatus, GetStatusZip,
GetXmlByDocumentKey by track id) relay what DIAN says, whatever the gateway knows about the
document: ``ask_dian`` makes the call with the tenant's certificate on the tenant's
environment (the simulator included) and returns the exchange (``core.dian.exchanges``).
Transport trouble raises ``DianUnavailable``; a SOAP Fault raises ``SoapFaultError``.

``numbering_ranges`` is GetNumberingRange: the ranges (and technical keys) DIAN's portal holds
for the tenant and one of its software ids, parsed and as the SOAP envelope DIAN sent (for
dialects that show DIAN's answer as it came); ``numbering_ranges_at_dian`` asks it for the
tenant's software of one channel.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final, Literal

import msgspec

from core.contracts import CHANNEL_INVOICES
from core.dian.exchanges import DianExchange, capture_exchanges
from core.dian.responses import NumberRangeResponseList, parse_number_range_response_list
from core.errors import NotFound, SoftwareNotRegistered

if TYPE_CHECKING:
    from core.issuing import IssueService
    from core.model import TenantView

TrackOperation = Literal["GetStatus", "GetStatusZip", "GetXmlByDocumentKey"]
# A CUFE/CUDE (96 hex digits) or a ZipKey (a UUID); room for DIAN's other ids, nothing else.
_TRACK_ID: Final = re.compile(r"[0-9A-Za-z-]{1,128}")


def is_track_id(text: str) -> bool:
    """Whether ``text`` can be a DIAN track id (CUFE/CUDE or ZipKey); anything else is never
    sent to DIAN (control characters cannot even travel in its SOAP envelope)."""
    return _TRACK_ID.fullmatch(text) is not None


async def ask_dian(
    service: IssueService,
    tenant_id: int,
    environment: str,
    operation: TrackOperation,
    track_id: str,
) -> DianExchange:
    """One ``operation`` call with ``trackId`` = ``track_id`` (a CUFE/CUDE or a ZipKey);
    ``NotFound`` for a text that cannot be one (``is_track_id``)."""
    if not is_track_id(track_id):
        raise NotFound(track_id)
    client = await service.dian_client(tenant_id, environment)
    with capture_exchanges() as exchanges:
        await client.call(operation, {"trackId": track_id})
    return exchanges[-1]


class NumberingRangesAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """GetNumberingRange's answer: parsed, and the SOAP envelope as received."""

    answer: NumberRangeResponseList
    soap: bytes


async def numbering_ranges(
    documents: IssueService, tenant: TenantView, software_id: str
) -> NumberingRangesAnswer:
    """GetNumberingRange for the tenant's NIT and ``software_id`` (the software provider's NIT
    as ``accountCodeT``)."""
    client = await documents.dian_client(tenant.id, tenant.environment)
    provider = next(
        (s.provider_nit for s in tenant.software.values() if s.id == software_id), tenant.nit
    )
    params = {"accountCode": tenant.nit, "accountCodeT": provider, "softwareCode": software_id}
    soap = await client.call("GetNumberingRange", params)
    return NumberingRangesAnswer(
        answer=parse_number_range_response_list(soap, "GetNumberingRange"), soap=soap
    )


async def numbering_ranges_at_dian(
    documents: IssueService, tenant: TenantView, channel: str = CHANNEL_INVOICES
) -> NumberRangeResponseList:
    """DIAN's answer for the tenant's software of ``channel``: ``operation_code`` ``"100"``
    with the ranges, or DIAN's code and description. ``SoftwareNotRegistered`` without one."""
    software = tenant.software.get(channel)
    if software is None:
        raise SoftwareNotRegistered(tenant.nit, channel, "rangos de numeración")
    return (await numbering_ranges(documents, tenant, software.id)).answer
