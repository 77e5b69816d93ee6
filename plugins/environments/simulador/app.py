"""The simulator's Litestar app: DIAN's ``WcfDianCustomerServices.svc`` over SOAP 1.2.

One POST route, dispatched by the WS-Addressing Action like WCF does. Every call must carry a
valid WS-Security signature by a certificate provisioned for a registered company, with an
unexpired timestamp; otherwise the answer is a SOAP Fault with HTTP 500, as WCF answers.
Creating the app is cheap (no database work): the lead's in-process transport creates it
once per gateway. Its tables come from its migration tree, applied with the gateway's.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.serialization import Encoding
from litestar import Litestar, Request, Response, get, post

from core.clock import now_bogota
from core.dian.envelopes import SoapRequest, parse_request
from core.dian.errors import MalformedSoapRequest
from core.dian.responses import (
    DianResponse,
    render_dian_response,
    render_dian_response_list,
    render_event_response,
    render_fault,
    render_number_range_response_list,
    render_upload_document_response,
)
from core.dian.wssecurity import UNTRUSTED_CERTIFICATE, verify_envelope
from core.errors import WsSecurityError
from core.settings import Settings
from plugins.environments.simulador.service import (
    IN_PROCESS,
    REGISTRY_TTL_S,
    Caller,
    SimulatedDian,
    ZipProblem,
    xml_entries,
)
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import SimulatorStore

log = logging.getLogger(__name__)

SERVICE_PATH = "/WcfDianCustomerServices.svc"
SOAP_MEDIA_TYPE = "application/soap+xml; charset=utf-8"
SECURITY_FAULT = "An error occurred when verifying security for the message."
SUBMISSIONS = frozenset({"SendBillSync", "SendBillAsync", "SendTestSetAsync"})
MAX_BODY_BYTES = 60 * 1024 * 1024


@dataclass
class FaultDice:
    """Seeded dice deciding which requests get an injected fault."""

    sim: SimulatorSettings
    rng: random.Random

    def roll(self, share: float) -> bool:
        return share > 0 and self.rng.random() < share


def _soap(body: bytes, status: int = 200) -> Response[bytes]:
    return Response(content=body, status_code=status, media_type=SOAP_MEDIA_TYPE)


def _fault(reason: str, *, code: str = "s:Sender", subcode: str | None = None) -> Response[bytes]:
    return _soap(render_fault(code, reason, subcode=subcode), status=500)


class SoapEndpoint:
    """Authenticates, injects faults and dispatches one SOAP request to ``SimulatedDian``."""

    def __init__(self, dian: SimulatedDian, sim: SimulatorSettings) -> None:
        self.dian = dian
        self.sim = sim
        self.dice = FaultDice(sim, random.Random(sim.seed))
        self._trusted: dict[bytes, tuple[float, frozenset[str]]] = {}

    async def authenticate(self, request: SoapRequest) -> Caller:
        """WS-Security: signature, timestamp and a certificate DIAN's portal knows.

        Only certificates provisioned for a registered company are trusted; the registry is
        in the database, so trust is checked after the signature with the certificate found.
        The envelope ``parse_request`` parsed is verified as it is, not parsed again.
        """
        certificate = verify_envelope(request.envelope, now=now_bogota())
        issuers = await self.trusted_issuers(certificate.public_bytes(Encoding.DER))
        if not issuers:
            raise WsSecurityError(
                UNTRUSTED_CERTIFICATE, "El certificado no está registrado para ningún emisor."
            )
        return Caller(issuers=issuers)

    async def trusted_issuers(self, der: bytes) -> frozenset[str]:
        """Issuers a certificate was provisioned for; known ones are cached briefly."""
        now = time.monotonic()
        cached = self._trusted.get(der)
        if cached is not None and cached[0] > now:
            return cached[1]
        issuers = await self.dian.store.issuers_trusting(der)
        if issuers:
            self._trusted[der] = (now + REGISTRY_TTL_S, issuers)
        return issuers

    async def handle(self, body: bytes) -> Response[bytes]:
        if self.sim.latency_ms:
            await asyncio.sleep(self.sim.latency_ms / 1000)
        if self.dice.roll(self.sim.fail_503):
            return Response(
                content=b"<html><body>503 Service Unavailable</body></html>",
                status_code=503,
                media_type="text/html",
            )
        try:
            request = parse_request(body)
        except MalformedSoapRequest as exc:
            return _fault(exc.reason, subcode=exc.subcode)
        try:
            caller = await self.authenticate(request)
        except WsSecurityError as exc:
            log.info("ws-security refused", extra={"code": exc.code})
            return _fault(SECURITY_FAULT, subcode="a:InvalidSecurity")
        try:
            return await self.dispatch(request, caller)
        except MalformedSoapRequest as exc:
            return _fault(exc.reason, subcode=exc.subcode)

    async def dispatch(self, request: SoapRequest, caller: Caller) -> Response[bytes]:
        operation = request.operation
        if operation in SUBMISSIONS and self.dice.roll(self.sim.fail_timeout):
            return await self._hang(request, caller)
        if operation == "SendBillSync" and self.dice.roll(self.sim.fail_66):
            verdict = await self._answer(request, caller)
            return _soap(render_dian_response(operation, _in_process(verdict)))
        return await self._respond(request, caller)

    async def _hang(self, request: SoapRequest, caller: Caller) -> Response[bytes]:
        """Past the client's timeout; half the time the document was stored first."""
        if self.dice.roll(0.5):
            response = await self._respond(request, caller)
            await asyncio.sleep(self.sim.hang_s)
            return response
        await asyncio.sleep(self.sim.hang_s)
        return Response(content=b"", status_code=504)

    async def _answer(self, request: SoapRequest, caller: Caller) -> DianResponse:
        return await self.dian.send_bill_sync(request.binary("contentFile"), caller)

    async def _event(self, request: SoapRequest, caller: Caller) -> DianResponse:
        try:
            entries = xml_entries(request.binary("contentFile"))
        except ZipProblem:
            entries = []
        return await self.dian.events.send_event_update_status(entries, caller.issuers)

    async def _respond(self, request: SoapRequest, caller: Caller) -> Response[bytes]:
        operation, params = request.operation, request.params
        if operation == "SendBillSync":
            return _soap(render_dian_response(operation, await self._answer(request, caller)))
        if operation in {"SendBillAsync", "SendTestSetAsync"}:
            upload = await self.dian.send_bill_async(
                params["fileName"],
                request.binary("contentFile"),
                caller,
                test_set_id=params.get("testSetId"),
            )
            return _soap(render_upload_document_response(operation, upload))
        if operation == "GetStatus":
            return _soap(
                render_dian_response(operation, await self.dian.get_status(params["trackId"]))
            )
        if operation == "GetStatusZip":
            return _soap(
                render_dian_response_list(await self.dian.get_status_zip(params["trackId"]))
            )
        if operation == "GetNumberingRange":
            ranges = await self.dian.get_numbering_range(
                params["accountCode"].strip(),
                params["accountCodeT"].strip(),
                params["softwareCode"].strip(),
                caller,
            )
            return _soap(render_number_range_response_list(ranges))
        if operation == "SendEventUpdateStatus":
            return _soap(render_dian_response(operation, await self._event(request, caller)))
        if operation == "GetStatusEvent":
            answer = await self.dian.events.get_status_event(params["trackId"])
            return _soap(render_dian_response(operation, answer))
        if operation == "GetXmlByDocumentKey":
            return _soap(
                render_event_response(
                    await self.dian.get_xml_by_document_key(params["trackId"], caller)
                )
            )
        return _fault(
            f"La operación {operation} no está disponible en el simulador.",
            subcode="a:ActionNotSupported",
        )


def _in_process(verdict: DianResponse) -> DianResponse:
    """The injected 66: the document was processed, the answer only says "en proceso"."""
    return DianResponse(
        is_valid=False,
        status_code="66",
        status_description=IN_PROCESS,
        status_message=IN_PROCESS,
        xml_document_key=verdict.xml_document_key,
        xml_file_name=verdict.xml_file_name,
    )


def create_simulator_app(settings: Settings, sim: SimulatorSettings | None = None) -> Litestar:
    """The simulated DIAN on ``settings.database_url`` (state shared through the database)."""
    sim = sim or SimulatorSettings.from_env()
    store = SimulatorStore(settings.database_url)
    dian = SimulatedDian(store, sim, settings.xsd_path)
    endpoint = SoapEndpoint(dian, sim)

    @post(SERVICE_PATH, request_max_body_size=MAX_BODY_BYTES)
    async def service(request: Request) -> Response[bytes]:
        return await answer(endpoint, await request.body())

    @get(SERVICE_PATH)
    async def describe() -> Response[str]:
        return Response(
            content="WcfDianCustomerServices (simulador de Pasarela): use SOAP 1.2 por POST.",
            media_type="text/plain",
        )

    # logging_config=None: the simulator runs inside the gateway's process, whose logging
    # (JSON lines, secrets redacted) it must leave alone
    app = Litestar(
        route_handlers=[service, describe], on_shutdown=[store.dispose], logging_config=None
    )
    app.state.simulated_dian = dian
    app.state.soap_endpoint = endpoint
    return app


async def answer(endpoint: SoapEndpoint, body: bytes) -> Response[bytes]:
    """One SOAP request, over HTTP or in-process: the endpoint's answer, or a Receiver fault."""
    try:
        return await endpoint.handle(body)
    except Exception:  # WCF answers its own failures with a Receiver fault
        log.exception("simulator failure")
        return _fault("El servicio no pudo procesar la solicitud.", code="s:Receiver")
