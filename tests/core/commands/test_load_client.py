"""The bench's keep-alive client against a plain asyncio HTTP server on a real socket."""

from __future__ import annotations

import asyncio

import pytest

from core.commands.load_client import ClientError, KeepAliveConnection


async def serve(answers: list[bytes]) -> tuple[asyncio.Server, list[bytes], list[int]]:
    """A server that reads one request per answer and replies with the next answer."""
    requests: list[bytes] = []
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections) + 1)
        try:
            while answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                requests.append(head + await reader.readexactly(length))
                answer = answers.pop(0)
                writer.write(answer)
                await writer.drain()
                if b"Connection: close" in answer:
                    break
        except asyncio.IncompleteReadError:
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, requests, connections


async def test_requests_share_a_connection_and_reopen_after_close() -> None:
    answers = [
        b'HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\n{"ok":true}',
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    ]
    server, requests, connections = await serve(answers)
    port = server.sockets[0].getsockname()[1]
    connection = KeepAliveConnection(f"http://127.0.0.1:{port}/api/v1", timeout_s=5)
    try:
        first = await connection.request(
            "POST", "/documentos", {"Authorization": "Bearer 1|x"}, b'{"a":1}'
        )
        second = await connection.request("GET", "/me", {})
        third = await connection.request("GET", "/health", {})
    finally:
        await connection.close()
        server.close()
        await server.wait_closed()
    assert (first.status_code, first.json()) == (201, {"ok": True})
    assert (second.status_code, second.text) == (200, "no")
    assert (third.status_code, third.body) == (200, b"abc")  # chunked bodies are joined
    assert connections == [1, 2]  # the server closed after the second answer
    assert requests[0].startswith(b"POST /api/v1/documentos HTTP/1.1\r\n")
    assert b"Authorization: Bearer 1|x\r\n" in requests[0]
    assert b"Content-Length: 7\r\n" in requests[0] and requests[0].endswith(b'{"a":1}')
    assert f"Host: 127.0.0.1:{port}\r\n".encode() in requests[1]


async def test_a_refused_connection_is_a_client_error() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(ClientError):
        await KeepAliveConnection(f"http://127.0.0.1:{port}", timeout_s=2).request("GET", "/", {})
