"""A lean HTTP/1.1 keep-alive client for ``pasarela bench http``.

The load generator runs on the machine it measures, so every millisecond of CPU it spends per
request is taken from the gateway. httpx parses responses in pure Python (h11) and costs about
a millisecond per request; this client writes pre-built request bytes on an asyncio stream and
lets ``httptools`` (llhttp, the parser uvicorn uses) read the answer, for a tenth of that.
One ``KeepAliveConnection`` carries one request at a time, as a browser connection does.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools
import msgspec


class ClientError(Exception):
    """The connection failed or the answer was not HTTP."""


@dataclass
class Answer:
    status_code: int
    body: bytes

    def json(self) -> object:
        return msgspec.json.decode(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class _Reading:
    body: list[bytes] = field(default_factory=list)
    complete: bool = False
    keep_alive: bool = False
    parser: httptools.HttpResponseParser | None = None

    def on_headers_complete(self) -> None:
        # asked here: once the message is complete the parser has reset for the next one
        assert self.parser is not None
        self.keep_alive = self.parser.should_keep_alive()

    def on_body(self, chunk: bytes) -> None:
        self.body.append(chunk)

    def on_message_complete(self) -> None:
        self.complete = True


class KeepAliveConnection:
    """One connection to ``base_url`` (``http`` or ``https``), opened on first use and again
    after the server closed it."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.prefix = parts.path.rstrip("/")
        default_port = self.port == (443 if self.ssl else 80)
        self.host_header = self.host if default_port else f"{self.host}:{self.port}"
        self.timeout_s = timeout_s
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> Answer:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._exchange(method, path, headers, body)
        except (OSError, TimeoutError, httptools.HttpParserError) as error:
            await self.close()
            raise ClientError(repr(error)) from error

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> Answer:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(
                self.host, self.port, ssl=self.ssl
            )
        assert self._reader is not None
        lines = [f"{method} {self.prefix}{path} HTTP/1.1", f"Host: {self.host_header}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self._writer.write(head + body if body else head)
        reading = _Reading()
        parser = reading.parser = httptools.HttpResponseParser(reading)
        while not reading.complete:
            data = await self._reader.read(65536)
            if not data:
                raise ConnectionResetError("the server closed the connection")
            parser.feed_data(data)
        answer = Answer(parser.get_status_code(), b"".join(reading.body))
        if not reading.keep_alive:
            await self.close()
        return answer

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
