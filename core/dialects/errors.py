"""One place that turns an exception into a dialect's error body.

A dialect declares, once, its path prefix and an ``ErrorShape`` (how it writes an error). The
app installs ``exception_handlers(...)`` at app level: every exception raised while serving a
path under a dialect's prefix — an unknown route (404) and a wrong method (405), which
Litestar answers before any router of the dialect is reached, a body over the limit (413), a
core error type, an unexpected crash (500 with a logged reference) — is first described as an
``ApiError`` (status, stable ``kind``, Spanish message, field errors) and then rendered by that
dialect's shape. Paths outside every prefix get the gateway's default shape.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap

from core.errors import (
    AuthenticationFailed,
    BodyTooLarge,
    CertificateError,
    DianUnavailable,
    DuplicateDocument,
    IdempotencyConflict,
    InvalidRequest,
    NoNumberingRange,
    NotFound,
    NumberingExhausted,
    PermissionDenied,
    QuotaExceeded,
    RepresentationUnavailable,
    SignedXmlUnavailable,
    SoftwareNotRegistered,
    ValidationFailed,
)
from core.model import Problem

log = logging.getLogger("pasarela.web")


@dataclass(frozen=True, kw_only=True)
class ApiError:
    """An error described independently of any dialect's wire shape.

    ``kind`` is a stable id a shape can switch on (``invalid``, ``unauthenticated``,
    ``permission_denied``, ``not_found``, ``no_route``, ``method_not_allowed``,
    ``body_too_large``, ``quota_exceeded``, ``numbering_exhausted``, ``numbering_missing``,
    ``xml_unavailable``, ``representation_unavailable``, ``duplicate``,
    ``idempotency_conflict``, ``dian_unavailable``,
    ``certificate_error``, ``bad_request``, ``unsupported_media_type``, ``internal`` ...).
    ``message`` is a Spanish default; ``fields`` maps the dialect's field paths to Spanish
    messages (``invalid`` only; ``"body"`` is the body itself); ``reference`` is set on
    ``internal`` errors, the id under which the details were logged; ``cause`` is the
    exception, for the details a shape chooses to show (``QuotaExceeded.used`` ...).
    """

    status: int
    kind: str
    message: str
    fields: Mapping[str, Sequence[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    reference: str | None = None
    cause: BaseException | None = None


@dataclass(frozen=True, kw_only=True)
class ErrorShape:
    """How one dialect writes errors.

    ``render`` builds the response for an ``ApiError``. ``document_path`` turns a canonical
    document path of a core ``ValidationFailed`` problem (``lines[0].quantity``) into the
    field path the client sent (``lineas.0.cantidad``); the default keeps it.
    """

    render: Callable[[ApiError], Response[Any]]
    document_path: Callable[[str], str] = lambda path: path


def validation_fields(
    problems: Sequence[Problem], document_path: Callable[[str], str]
) -> dict[str, list[str]]:
    """Core problems (errors only) as field path -> ``"RULE: message"`` texts, on the
    dialect's paths; never empty (an error without a path belongs to the whole document)."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        if problem.severity == "error":
            text = f"{problem.rule}: {problem.message}" if problem.rule else problem.message
            fields.setdefault(document_path(problem.path), []).append(text)
    return fields or {document_path(""): ["El documento no es válido."]}


_HTTP_KINDS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Solicitud inválida."),
    401: ("unauthenticated", "No autenticado."),
    403: ("forbidden", "Acceso denegado."),
    404: ("no_route", "Recurso no encontrado."),
    405: ("method_not_allowed", "Método no permitido."),
    413: ("body_too_large", "La petición es demasiado grande."),
    415: ("unsupported_media_type", "Tipo de contenido no soportado."),
    429: ("too_many_requests", "Demasiadas peticiones."),
    504: ("timeout", "La solicitud tardó demasiado."),
}


def describe(request: Request[Any, Any, Any], exc: BaseException, shape: ErrorShape) -> ApiError:
    """The ``ApiError`` for any exception; unexpected ones are logged under a reference."""
    match exc:
        case InvalidRequest():
            return ApiError(
                status=422, kind="invalid", message="Datos inválidos.", fields=exc.errors, cause=exc
            )
        case ValidationFailed():
            return ApiError(
                status=422,
                kind="invalid",
                message="Documento inválido",
                fields=validation_fields(exc.problems, shape.document_path),
                cause=exc,
            )
        case AuthenticationFailed():
            return ApiError(
                status=401,
                kind="unauthenticated",
                message="No autenticado.",
                headers={"WWW-Authenticate": "Bearer"},
                cause=exc,
            )
        case PermissionDenied():
            message = "El emisor no tiene permiso para emitir este tipo de documento."
            return ApiError(status=403, kind="permission_denied", message=message, cause=exc)
        case QuotaExceeded():
            return ApiError(
                status=429,
                kind="quota_exceeded",
                message="Cupo de documentos agotado para el periodo.",
                headers={"Retry-After": str(max(int(exc.retry_after_s), 1))},
                cause=exc,
            )
        case NotFound():
            return ApiError(status=404, kind="not_found", message="No encontrado.", cause=exc)
        case NumberingExhausted():
            message = "No hay numeración disponible para este tipo de documento."
            return ApiError(status=409, kind="numbering_exhausted", message=message, cause=exc)
        case NoNumberingRange():
            message = (
                "No hay una resolución de numeración vigente para este tipo de documento "
                f"en la fecha {exc.on_date.isoformat()}: registre una antes de emitir."
            )
            return ApiError(status=409, kind="numbering_missing", message=message, cause=exc)
        case SoftwareNotRegistered():
            return ApiError(status=409, kind="software_missing", message=str(exc), cause=exc)
        case SignedXmlUnavailable():
            message = (
                f"El documento está {exc.status} y no tiene XML firmado: falló antes de firmarse."
            )
            return ApiError(status=409, kind="xml_unavailable", message=message, cause=exc)
        case RepresentationUnavailable():
            message = exc.detail or (
                f"El documento está {exc.status}: su {exc.representation} estará "
                "disponible cuando la DIAN lo acepte."
            )
            return ApiError(
                status=409, kind="representation_unavailable", message=message, cause=exc
            )
        case DuplicateDocument():
            return ApiError(status=409, kind="duplicate", message=str(exc), cause=exc)
        case IdempotencyConflict():
            return ApiError(
                status=409,
                kind="idempotency_conflict",
                message=str(exc),
                fields={"Idempotency-Key": [str(exc)]},
                cause=exc,
            )
        case DianUnavailable():
            return ApiError(
                status=503,
                kind="dian_unavailable",
                message="La DIAN no respondió. Intente más tarde.",
                headers={"Retry-After": "30"},
                cause=exc,
            )
        case CertificateError():
            return ApiError(status=422, kind="certificate_error", message=str(exc), cause=exc)
        case BodyTooLarge():
            kind, message = _HTTP_KINDS[413]
            return ApiError(status=413, kind=kind, message=message, cause=exc)
        case HTTPException() if exc.status_code == 504:  # core.web.request_timeout
            kind, message = _HTTP_KINDS[504]
            return ApiError(status=504, kind=kind, message=exc.detail or message, cause=exc)
        case HTTPException() if exc.status_code < 500:
            kind, message = _HTTP_KINDS.get(exc.status_code, _HTTP_KINDS[400])
            return ApiError(
                status=exc.status_code,
                kind=kind,
                message=message,
                headers=dict(exc.headers or {}),
                cause=exc,
            )
    return _internal(request, exc)


def _internal(request: Request[Any, Any, Any], exc: BaseException) -> ApiError:
    reference = uuid.uuid4().hex
    log.error(
        "unhandled exception",
        exc_info=exc,
        extra={"reference": reference, "method": request.method, "path": request.url.path},
    )
    return ApiError(
        status=500,
        kind="internal",
        message="Error interno del servidor",
        reference=reference,
        cause=exc,
    )


class ShapesByPrefix:
    """Which ``ErrorShape`` answers a path: the dialect with the longest prefix that contains
    it (whole segments: ``/api/v1`` holds ``/api/v1/x``, not ``/api/v10``), else the default."""

    def __init__(self, shapes: Mapping[str, ErrorShape], default: ErrorShape) -> None:
        self.default = default
        self._shapes = sorted(
            ((prefix.rstrip("/"), shape) for prefix, shape in shapes.items()),
            key=lambda item: len(item[0]),
            reverse=True,
        )

    def shape_for(self, path: str) -> ErrorShape:
        for prefix, shape in self._shapes:
            if path == prefix or path.startswith(prefix + "/") or not prefix:
                return shape
        return self.default

    def handle(self, request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        shape = self.shape_for(request.url.path)
        return shape.render(describe(request, exc, shape))


def exception_handlers(shapes: ShapesByPrefix) -> ExceptionHandlersMap:
    """App-level handlers sending every exception through ``shapes``."""
    return {Exception: shapes.handle, 500: shapes.handle}
