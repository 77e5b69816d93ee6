"""DianClient over a real socket (uvicorn on 127.0.0.1) and over an in-process ASGI transport.

The test server is a minimal ASGI app built from our own parts: ``parse_request`` reads what the
client sent, ``verify_envelope`` checks its WS-Security, the ``render_*`` functions answer.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn

from core.dian.client import DianClient, DianClientPool, content_type_for
from core.dian.envelopes import parse_request
from core.dian.errors import (
    DianConnectionError,
    DianHttpError,
    DianTimeout,
    SoapFaultError,
    UnexpectedSoapResponse,
)
from core.dian.responses import (
    DianResponse,
    EventResponse,
    NumberRangeResponse,
    NumberRangeResponseList,
    UploadDocumentResponse,
    render_dian_response,
    render_dian_response_list,
    render_event_response,
    render_fault,
    render_number_range_response_list,
    render_upload_document_response,
)
from core.dian.wssecurity import verify_envelope
from core.errors import DianUnavailable, WsSecurityError
from core.settings import Settings
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12

ZIP = b"PK\x03\x04 fake zip"
HTML_503 = (
    b"<html><head><title>Service Unavailable</title></head><body>HTTP Error 503</body></html>"
)


def _answer(operation: str, params: dict[str, str], content: bytes) -> bytes:
    """What the echo endpoint says for each operation: values derived from the request."""
    digest = hashlib.sha256(content).hexdigest()
    if operation in ("SendBillSync", "SendEventUpdateStatus", "GetStatus"):
        return render_dian_response(
            operation,
            DianResponse(
                is_valid=True,
                status_code="00",
                status_description="Procesado Correctamente.",
                status_message=f"{operation} ok",
                xml_base64_bytes=content or None,
                xml_document_key=params.get("trackId", digest),
                xml_file_name=params.get("fileName"),
            ),
        )
    if operation == "GetStatusZip":
        item = DianResponse(is_valid=False, status_code="2", xml_document_key=params["trackId"])
        return render_dian_response_list([item, item])
    if operation in ("SendBillAsync", "SendTestSetAsync"):
        return render_upload_document_response(
            operation, UploadDocumentResponse(zip_key=f"{params.get('testSetId', '')}:{digest}")
        )
    if operation == "GetNumberingRange":
        return render_number_range_response_list(
            NumberRangeResponseList(
                operation_code="100",
                operation_description="Acción completada OK.",
                ranges=[
                    NumberRangeResponse(
                        prefix=params["accountCode"],
                        resolution_number=params["accountCodeT"],
                        technical_key=params["softwareCode"],
                        from_number=1,
                        to_number=5000,
                    )
                ],
            )
        )
    return render_event_response(
        EventResponse(code="100", message="OK", xml_bytes_base64=params["trackId"].encode())
    )


class EchoServer:
    """ASGI app; the path picks the behaviour. Records what arrived for assertions."""

    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        path = scope["path"]
        if path == "/html503":
            await self._send(send, 503, HTML_503, "text/html")
            return
        if path == "/slow":
            await asyncio.sleep(2)
        request = parse_request(body)
        identity_ok = True
        try:
            verify_envelope(body, now=datetime.now(UTC))
        except WsSecurityError:
            identity_ok = False
        self.seen.append({"request": request, "content_type": headers.get("content-type")})
        if path == "/fault" or not identity_ok:
            fault = render_fault("s:Sender", "Firma inválida", subcode="a:InvalidSecurity")
            await self._send(send, 500, fault, "application/soap+xml; charset=utf-8")
            return
        if path == "/wrong":
            answer = render_dian_response("GetStatus", DianResponse(is_valid=True))
            await self._send(send, 200, answer, "application/soap+xml; charset=utf-8")
            return
        content = request.binary("contentFile") if "contentFile" in request.params else b""
        answer = _answer(request.operation, request.params, content)
        await self._send(send, 200, answer, "application/soap+xml; charset=utf-8")

    @staticmethod
    async def _send(send, status: int, body: bytes, content_type: str) -> None:  # noqa: ANN001
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", content_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    data, password = generate_test_pkcs12(nit="900123456", name="Emisor de Prueba SAS")
    return load_pkcs12(data, password)


@pytest.fixture(scope="module")
def app() -> EchoServer:
    return EchoServer()


@pytest.fixture(scope="module")
def base_url(app: EchoServer) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


async def test_every_operation_over_a_real_socket(
    base_url: str, identity: SigningIdentity, app: EchoServer
) -> None:
    url = f"{base_url}/WcfDianCustomerServices.svc?wsdl"
    async with DianClient(url, identity) as client:
        sync = await client.send_bill_sync("z.zip", ZIP)
        assert sync.is_valid and sync.status_code == "00"
        assert sync.xml_base64_bytes == ZIP
        assert sync.xml_file_name == "z.zip"

        upload = await client.send_bill_async("lote.zip", ZIP)
        assert upload.zip_key == ":" + hashlib.sha256(ZIP).hexdigest()
        test_set = await client.send_test_set_async("set.zip", ZIP, "set-42")
        assert test_set.zip_key == "set-42:" + hashlib.sha256(ZIP).hexdigest()

        status = await client.get_status("cufe-1")
        assert status.xml_document_key == "cufe-1"
        batch = await client.get_status_zip("zip-1")
        assert [r.xml_document_key for r in batch] == ["zip-1", "zip-1"]
        assert batch[0].status_code == "2"

        ranges = await client.get_numbering_range("900123456", "900999999", "sw-1")
        assert ranges.operation_code == "100"
        assert (ranges.ranges[0].prefix, ranges.ranges[0].technical_key) == ("900123456", "sw-1")
        assert ranges.ranges[0].to_number == 5000

        event = await client.get_xml_by_document_key("cufe-2")
        assert (event.code, event.xml_bytes_base64) == ("100", b"cufe-2")

        update = await client.send_event_update_status(ZIP)
        assert update.status_message == "SendEventUpdateStatus ok"

    last = app.seen[-1]
    assert last["content_type"] == content_type_for("SendEventUpdateStatus")
    assert last["content_type"] == (
        "application/soap+xml;charset=UTF-8;"
        'action="http://wcf.dian.colombia/IWcfDianCustomerServices/SendEventUpdateStatus"'
    )
    request = last["request"]
    assert request.to == f"{base_url}/WcfDianCustomerServices.svc"
    assert base64.b64decode(request.params["contentFile"]) == ZIP


async def test_fault_and_html_pages_become_typed_errors(
    base_url: str, identity: SigningIdentity
) -> None:
    async with DianClient(f"{base_url}/fault", identity) as client:
        with pytest.raises(SoapFaultError) as fault:
            await client.send_bill_sync("z.zip", ZIP)
        assert (fault.value.code, fault.value.subcode) == ("s:Sender", "a:InvalidSecurity")
        assert isinstance(fault.value, DianUnavailable)
    async with DianClient(f"{base_url}/html503", identity) as client:
        with pytest.raises(DianHttpError) as page:
            await client.get_status("cufe")
        assert page.value.status == 503
        assert "Service Unavailable" in page.value.body_excerpt
    async with DianClient(f"{base_url}/wrong", identity) as client:
        with pytest.raises(UnexpectedSoapResponse):
            await client.send_bill_sync("z.zip", ZIP)


async def test_read_timeout_becomes_dian_timeout(base_url: str, identity: SigningIdentity) -> None:
    timeout = httpx.Timeout(0.2, connect=5.0)
    async with DianClient(f"{base_url}/slow", identity, timeout=timeout) as client:
        with pytest.raises(DianTimeout):
            await client.get_status("cufe")


async def test_refused_connection_becomes_connection_error(identity: SigningIdentity) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    async with DianClient(f"http://127.0.0.1:{port}/svc", identity) as client:
        with pytest.raises(DianConnectionError):
            await client.get_status("cufe")


async def test_a_connection_dropped_without_an_answer_is_a_connection_error(
    identity: SigningIdentity,
) -> None:
    """A peer that reads the request and hangs up is DIAN's absence, not a timeout."""

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with DianClient(f"http://127.0.0.1:{port}/svc", identity) as client:
            with pytest.raises(DianConnectionError):
                await client.get_status("cufe")
    finally:
        server.close()
        await server.wait_closed()


async def test_in_process_asgi_transport(identity: SigningIdentity) -> None:
    app = EchoServer()
    transport = httpx.ASGITransport(app=app)
    async with DianClient("http://simulador/svc", identity, transport=transport) as client:
        response = await client.send_bill_sync("z.zip", ZIP)
    assert response.xml_base64_bytes == ZIP
    assert app.seen[0]["request"].to == "http://simulador/svc"


async def test_pool_shares_connections_and_clients(identity: SigningIdentity) -> None:
    other_data, other_password = generate_test_pkcs12(nit="800111222", name="Otro SAS")
    other = load_pkcs12(other_data, other_password)
    transport = httpx.ASGITransport(app=EchoServer())
    pool = DianClientPool()
    try:
        first = pool.client("http://simulador/svc", identity, transport=transport)
        assert pool.client("http://simulador/svc", identity, transport=transport) is first
        second = pool.client("http://simulador/svc", other, transport=transport)
        assert second is not first
        assert second._http is first._http
        assert (await second.get_status("x")).xml_document_key == "x"
    finally:
        await pool.aclose()


def test_pool_timeout_comes_from_settings() -> None:
    pool = DianClientPool.from_settings(Settings.from_env({"PASARELA_DIAN_TIMEOUT": "12.5"}))
    assert pool._timeout == httpx.Timeout(12.5, connect=10.0)
