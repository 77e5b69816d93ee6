"""Async client for DIAN's ``WcfDianCustomerServices`` (and the simulator, which speaks it too).

Every call builds a fresh WS-Security-signed envelope (``core.dian.envelopes``), POSTs it as
SOAP 1.2 and parses the answer with ``core.dian.responses``. Transport trouble becomes a typed
``DianUnavailable`` (``core.dian.errors``) so the pipeline can keep the document "pendiente" and
retry. Connections are reused: pass one shared ``httpx.AsyncClient`` or get clients from a
``DianClientPool``. Over the network they run on aiohttp's connections
(``core.dian.transport``); an in-process ASGI app (the embedded simulator) is reached through
``transport=httpx.ASGITransport(app)``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from core.dian.envelopes import ParamValue, build_signed_request, endpoint_address
from core.dian.errors import DianConnectionError, DianHttpError, DianTimeout
from core.dian.exchanges import record_exchange
from core.dian.responses import (
    DianResponse,
    EventResponse,
    NumberRangeResponseList,
    UploadDocumentResponse,
    fault_from,
    parse_dian_response,
    parse_dian_response_list,
    parse_event_response,
    parse_number_range_response_list,
    parse_upload_document_response,
)
from core.dian.soap import action_for
from core.dian.transport import network_client
from core.metrics import observe_dian_call

if TYPE_CHECKING:
    from core.settings import Settings
    from core.signing.certificates import SigningIdentity

log = logging.getLogger(__name__)

#: DIAN can take a while to validate a SendBillSync; connecting should be quick.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


def content_type_for(operation: str) -> str:
    """SOAP 1.2 carries the action in the media type (ODOO sends exactly this)."""
    return f'application/soap+xml;charset=UTF-8;action="{action_for(operation)}"'


class DianClient:
    """One caller (certificate) talking to one DIAN endpoint.

    ``http`` is borrowed and never closed here; without it the client creates its own
    ``httpx.AsyncClient`` (over ``transport`` when given) and ``aclose`` closes it.
    ``to`` overrides the ``wsa:To`` address (defaults to ``url`` without ``?wsdl``).
    """

    def __init__(
        self,
        url: str,
        identity: SigningIdentity,
        *,
        http: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        to: str | None = None,
    ) -> None:
        if http is not None and transport is not None:
            raise ValueError("pass either http or transport, not both")
        self.url = url
        self.to = to or endpoint_address(url)
        self._identity = identity
        self._timeout = timeout
        self._owns_http = http is None
        self._http = http or network_client(transport, timeout, DEFAULT_LIMITS)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> DianClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def call(self, operation: str, params: Mapping[str, ParamValue]) -> bytes:
        """Send one signed request and return the SOAP answer's bytes.

        Raises ``SoapFaultError`` for a Fault (whatever the HTTP status), ``DianHttpError`` for
        any other non-200 answer, ``DianTimeout`` / ``DianConnectionError`` for transport
        failures.
        """
        payload = build_signed_request(operation, params, to=self.to, identity=self._identity)
        headers = {"Content-Type": content_type_for(operation)}
        started = time.perf_counter()
        try:
            response = await self._http.post(
                self.url, content=payload, headers=headers, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            self._observe(operation, "timeout", started, error=repr(exc))
            raise DianTimeout(f"DIAN no respondió a {operation} a tiempo: {exc!r}") from exc
        except httpx.TransportError as exc:
            self._observe(operation, "connection", started, error=repr(exc))
            raise DianConnectionError(
                f"No fue posible conectar con DIAN ({operation}): {exc!r}"
            ) from exc
        body = response.content
        record_exchange(operation, payload, body, response.status_code)
        if response.status_code == 200:
            self._observe(operation, "ok", started, status=200)
            return body
        fault = fault_from(body)
        outcome = "fault" if fault is not None else f"http_{response.status_code}"
        self._observe(operation, outcome, started, status=response.status_code)
        if fault is not None:
            raise fault
        raise DianHttpError(response.status_code, body[:300].decode("utf-8", "replace"))

    def _observe(
        self,
        operation: str,
        outcome: str,
        started: float,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> None:
        """Log every call with its outcome (timeouts included) and count it in the metrics."""
        elapsed = time.perf_counter() - started
        observe_dian_call(operation, outcome, elapsed)
        log.log(
            logging.INFO if outcome == "ok" else logging.WARNING,
            "dian call",
            extra={
                "operation": operation,
                "url": self.url,
                "outcome": outcome,
                "status": status,
                "elapsed_ms": round(elapsed * 1000, 1),
                "error": error,
            },
        )

    async def send_bill_sync(self, file_name: str, zip_bytes: bytes) -> DianResponse:
        """Validate one document now (production, and habilitación after the test set)."""
        operation = "SendBillSync"
        body = await self.call(operation, {"fileName": file_name, "contentFile": zip_bytes})
        return parse_dian_response(body, operation)

    async def send_bill_async(self, file_name: str, zip_bytes: bytes) -> UploadDocumentResponse:
        operation = "SendBillAsync"
        body = await self.call(operation, {"fileName": file_name, "contentFile": zip_bytes})
        return parse_upload_document_response(body, operation)

    async def send_test_set_async(
        self, file_name: str, zip_bytes: bytes, test_set_id: str
    ) -> UploadDocumentResponse:
        """Habilitación: submit a test-set document; poll ``get_status_zip(zip_key)``."""
        operation = "SendTestSetAsync"
        body = await self.call(
            operation,
            {"fileName": file_name, "contentFile": zip_bytes, "testSetId": test_set_id},
        )
        return parse_upload_document_response(body, operation)

    async def get_status(self, track_id: str) -> DianResponse:
        """Status of a document by CUFE/CUDE."""
        body = await self.call("GetStatus", {"trackId": track_id})
        return parse_dian_response(body, "GetStatus")

    async def get_status_zip(self, track_id: str) -> list[DianResponse]:
        """Status of an asynchronous batch by ZipKey: one DianResponse per document."""
        body = await self.call("GetStatusZip", {"trackId": track_id})
        return parse_dian_response_list(body, "GetStatusZip")

    async def get_numbering_range(
        self, account_code: str, account_code_t: str, software_code: str
    ) -> NumberRangeResponseList:
        """Authorized ranges and technical keys for an issuer NIT and software."""
        body = await self.call(
            "GetNumberingRange",
            {
                "accountCode": account_code,
                "accountCodeT": account_code_t,
                "softwareCode": software_code,
            },
        )
        return parse_number_range_response_list(body, "GetNumberingRange")

    async def get_xml_by_document_key(self, track_id: str) -> EventResponse:
        body = await self.call("GetXmlByDocumentKey", {"trackId": track_id})
        return parse_event_response(body, "GetXmlByDocumentKey")

    async def send_event_update_status(self, zip_bytes: bytes) -> DianResponse:
        """Register a RADIAN event (ZIP with one ApplicationResponse)."""
        body = await self.call("SendEventUpdateStatus", {"contentFile": zip_bytes})
        return parse_dian_response(body, "SendEventUpdateStatus")

    async def get_status_event(self, track_id: str) -> DianResponse:
        """The RADIAN events registered on an invoice (by CUFE): XmlBase64Bytes holds them."""
        body = await self.call("GetStatusEvent", {"trackId": track_id})
        return parse_dian_response(body, "GetStatusEvent")


class DianClientPool:
    """Shared connections for a process: one ``httpx.AsyncClient`` per (URL, transport) and
    one ``DianClient`` per (URL, certificate fingerprint).

    httpx connections belong to the event loop that opened them: use one pool per loop and
    ``aclose`` it when the loop ends (the web app's lifespan does). Pass the same transport
    object on every call (e.g. the simulator's in-process transport) to reuse its client.
    """

    def __init__(
        self, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT, limits: httpx.Limits | None = None
    ) -> None:
        self._timeout = timeout
        self._limits = limits or DEFAULT_LIMITS
        self._http: dict[tuple[str, int | None], httpx.AsyncClient] = {}
        self._clients: dict[tuple[str, str, int | None], DianClient] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> DianClientPool:
        """A pool whose read timeout is ``PASARELA_DIAN_TIMEOUT`` (connect stays 10 s)."""
        return cls(timeout=httpx.Timeout(settings.dian_timeout_s, connect=10.0))

    def client(
        self,
        url: str,
        identity: SigningIdentity,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> DianClient:
        """The client for this endpoint and certificate, created on first use."""
        transport_key = id(transport) if transport is not None else None
        key = (url, identity.cert_sha256_b64, transport_key)
        found = self._clients.get(key)
        if found is not None and found._identity is identity:
            return found
        http_key = (url, transport_key)
        http = self._http.get(http_key)
        if http is None:
            http = network_client(transport, self._timeout, self._limits)
            self._http[http_key] = http
        client = DianClient(url, identity, http=http, timeout=self._timeout)
        self._clients[key] = client
        return client

    async def aclose(self) -> None:
        clients, self._http, self._clients = list(self._http.values()), {}, {}
        for http in clients:
            await http.aclose()
