"""Typed failures of talking to DIAN (or the simulator) over SOAP.

Everything that leaves a document without DIAN's verdict is a ``DianUnavailable``: the pipeline
keeps the document "pendiente" and retries. ``SoapFaultError.retriable`` tells a server-side
fault (worth retrying) from one caused by our own message (retrying changes nothing).
"""

from __future__ import annotations

from core.errors import DianUnavailable, PasarelaError


class DianTimeout(DianUnavailable):
    """No answer within the connect/read timeout: DIAN may or may not have received the ZIP."""


class DianConnectionError(DianUnavailable):
    """The connection could not be opened or broke before an answer arrived."""


class DianHttpError(DianUnavailable):
    """An HTTP answer that is not a SOAP message (an HTML 503 page, an empty 502...)."""

    def __init__(self, status: int, body_excerpt: str) -> None:
        self.status = status
        self.body_excerpt = body_excerpt
        super().__init__(f"HTTP {status}: {body_excerpt}")


class UnexpectedSoapResponse(DianUnavailable):
    """A SOAP envelope that lacks the result element the operation promises."""

    def __init__(self, reason: str, body_excerpt: str = "") -> None:
        self.reason = reason
        self.body_excerpt = body_excerpt
        super().__init__(reason)


class SoapFaultError(DianUnavailable):
    """DIAN answered with a SOAP 1.2 Fault instead of a result.

    ``code`` is the fault code value (``s:Sender``, ``s:Receiver``), ``subcode`` the first
    subcode value when present (``a:InvalidSecurity``, ``a:ActionNotSupported``).
    """

    def __init__(self, code: str, reason: str, subcode: str | None = None) -> None:
        self.code = code
        self.reason = reason
        self.subcode = subcode
        super().__init__(f"{code}{f' ({subcode})' if subcode else ''}: {reason}")

    @property
    def retriable(self) -> bool:
        """A Receiver fault is DIAN's own trouble; a Sender fault is ours and will repeat."""
        return self.code.rsplit(":", 1)[-1] == "Receiver"


class MalformedSoapRequest(PasarelaError):
    """Server side: a request the simulator cannot dispatch (not SOAP 1.2, unknown action...).

    ``subcode`` is the WS-Addressing/WCF fault subcode to answer with, if any.
    """

    def __init__(self, reason: str, subcode: str | None = None) -> None:
        self.reason = reason
        self.subcode = subcode
        super().__init__(reason)
