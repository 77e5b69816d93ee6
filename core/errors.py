"""Error types raised by core; each dialect maps them to its own response shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from core.model.document import Problem


class PasarelaError(Exception):
    """Base of every error the gateway raises on purpose."""


class ConfigurationError(PasarelaError):
    """Plugins, settings or tenant setup are inconsistent (duplicate ids, missing range...)."""


class ValidationFailed(PasarelaError):
    """The document breaks DIAN or gateway rules; ``problems`` holds every finding."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in self.problems))


class IdempotencyConflict(PasarelaError):
    """An ``Idempotency-Key`` the tenant already used with a different request."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            "La clave Idempotency-Key ya se usó con una petición distinta; "
            "use una clave nueva para un documento nuevo."
        )


class InvalidRequest(PasarelaError):
    """A request a dialect cannot use: bad JSON, too deep, wrong types, out-of-range values.

    ``errors`` maps field paths as the client wrote them (dotted, list indexes as numbers:
    ``lineas.0.cantidad``; ``body`` is the body itself) to Spanish messages. Each dialect renders
    it as its own validation error.
    """

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {path: list(messages) for path, messages in errors.items()}
        super().__init__("; ".join(f"{path}: {m}" for path, ms in self.errors.items() for m in ms))


class BodyTooLarge(PasarelaError):
    """The request body is over the dialect's size limit (``limit`` bytes)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"el cuerpo de la petición supera {limit} bytes")


class AuthenticationFailed(PasarelaError):
    """Missing, malformed, unknown or revoked credentials."""


class LoginThrottled(AuthenticationFailed):
    """Too many failed sign-ins for an account or an address: refused for ``retry_after_s``."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        minutes = max(1, -(-retry_after_s // 60))
        super().__init__(
            f"demasiados intentos fallidos: espere {minutes} minuto(s) e intente de nuevo"
        )


class PermissionDenied(PasarelaError):
    """The tenant may not issue this kind of document (``permission`` names the flag)."""

    def __init__(self, permission: str) -> None:
        self.permission = permission
        super().__init__(permission)


class QuotaExceeded(PasarelaError):
    """The tenant used up its documents for the period."""

    def __init__(self, used: int, limit: int, period: str, retry_after_s: int) -> None:
        self.used, self.limit, self.period, self.retry_after_s = used, limit, period, retry_after_s
        super().__init__(f"{used}/{limit} {period}")


class NotFound(PasarelaError):
    """The object does not exist or belongs to another tenant (never tell which)."""


class NumberingExhausted(PasarelaError):
    """No active numbering range has numbers left for this document type."""


class SoftwareNotRegistered(ConfigurationError):
    """The tenant has no software registered at DIAN for the channel a document kind is coded
    and sent with (invoices, equivalent documents, support documents each have their own).

    A setup gap of the tenant: answered as a client error before anything is numbered.
    """

    def __init__(self, nit: str, channel: str, kind_title: str) -> None:
        self.nit, self.channel = nit, channel
        super().__init__(
            f"La empresa {nit} no tiene software registrado en la DIAN para el canal "
            f"{channel!r}: regístrelo antes de emitir {kind_title}."
        )


class NoNumberingRange(ConfigurationError):
    """The tenant has no numbering range valid on ``on_date`` for the range type it needs.

    A setup gap of the tenant, not a defect: dialects answer it as a client error, and nothing
    is numbered or stored.
    """

    def __init__(self, range_type: str, environment: str, on_date: dt.date) -> None:
        self.range_type, self.environment, self.on_date = range_type, environment, on_date
        super().__init__(
            f"no hay una resolución de numeración vigente el {on_date.isoformat()} para el tipo "
            f"de documento {range_type} en el ambiente {environment}"
        )


class SignedXmlUnavailable(PasarelaError):
    """The document has no signed XML (it failed before it was signed); ``status`` is its state."""

    def __init__(self, status: str) -> None:
        self.status = status
        super().__init__(f"el documento ({status}) no tiene XML firmado")


class RepresentationUnavailable(PasarelaError):
    """A representation of a document (its PDF, its AttachedDocument) exists only once DIAN
    accepted it; ``status`` is the document's state, ``representation`` names what was asked
    for (``PDF``, ``AttachedDocument``) and ``message`` (Spanish) says why when the document is
    accepted but the representation still cannot be made."""

    def __init__(
        self, status: str, representation: str = "PDF", message: str | None = None
    ) -> None:
        self.status, self.representation, self.detail = status, representation, message
        default = (
            f"el documento ({status}) aún no está aceptado por la DIAN: no tiene {representation}"
        )
        super().__init__(message or default)


class InvalidLogo(PasarelaError):
    """A tenant logo that is not a PNG or JPEG image fpdf2 can draw, or is too large; the
    message is in Spanish."""


class DuplicateDocument(PasarelaError):
    """A document with this prefix and number already exists for the tenant and environment.

    ``existing_uuid`` is the tracking id of the stored one (the caller's own document).
    """

    def __init__(self, prefix: str, number: int, existing_uuid: str | None) -> None:
        self.prefix, self.number, self.existing_uuid = prefix, number, existing_uuid
        super().__init__(f"el documento {prefix}{number} ya existe")


class DianUnavailable(PasarelaError):
    """DIAN (or the simulator) could not be reached or answered with a transport error."""


class CertificateError(PasarelaError):
    """A PKCS#12 could not be opened (wrong password, damaged file, no RSA key or certificate).

    ``str(error)`` is a Spanish message safe to show to the tenant; it never contains the password.
    """


class CertificateExpired(CertificateError):
    """The tenant's signing certificate expired: no document is signed (nor numbered) with it."""

    def __init__(self, nit: str, not_after: dt.datetime) -> None:
        self.nit, self.not_after = nit, not_after
        super().__init__(
            f"El certificado de firma de la empresa {nit} venció el "
            f"{not_after.date().isoformat()}: adjunte uno vigente antes de emitir."
        )


class SignatureInvalid(PasarelaError):
    """An XAdES document signature does not verify (DIAN rule ZE02); the message is in Spanish."""


class WsSecurityError(PasarelaError):
    """A SOAP request's WS-Security header is missing or wrong.

    ``code`` is a stable machine id (see ``core.dian.wssecurity``), ``message`` a Spanish text.
    """

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(f"{code}: {message}")
