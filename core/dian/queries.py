"""Ask DIAN about a document for a tenant and keep its raw SOAP answer.

Dialects whose clients query DIAN through the gateway (GetStatus, GetStatusZip,
GetXmlByDocumentKey by track id) relay what DIAN says, whatever the gateway knows about the
document: ``ask_dian`` makes the call with the tenant's certificate on the tenant's
environment (the simulator included) and returns the exchange (``core.dian.exchanges``).
Transport trouble raises ``DianUnavailable``; a SOAP Fault raises ``SoapFaultError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from core.dian.exchanges import DianExchange, capture_exchanges

if TYPE_CHECKING:
    from core.issuing import IssueService

TrackOperation = Literal["GetStatus", "GetStatusZip", "GetXmlByDocumentKey"]


async def ask_dian(
    service: IssueService,
    tenant_id: int,
    environment: str,
    operation: TrackOperation,
    track_id: str,
) -> DianExchange:
    """One ``operation`` call with ``trackId`` = ``track_id`` (a CUFE/CUDE or a ZipKey)."""
    client = await service.dian_client(tenant_id, environment)
    with capture_exchanges() as exchanges:
        await client.call(operation, {"trackId": track_id})
    return exchanges[-1]
