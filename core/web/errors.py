"""App-wide exception handlers: what a request gets when no dialect answered in its own shape.

Dialects register their own handlers on their routers (those win, Litestar picks the most
specific layer); these are the defaults for admin routes and for anything unexpected.
An unexpected exception never leaks a traceback or a message: the client gets a generic JSON
500 with a request id, the log gets the details under that id.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from core.errors import (
    AuthenticationFailed,
    CertificateError,
    DianUnavailable,
    NotFound,
    NumberingExhausted,
    PasarelaError,
    PermissionDenied,
    QuotaExceeded,
    ValidationFailed,
)

log = logging.getLogger("pasarela.web")


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        content=body, status_code=status, headers=headers, media_type="application/json"
    )


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response:
    """Any exception nobody else handled: logged with a reference, answered without internals."""
    reference = uuid.uuid4().hex
    log.error(
        "unhandled exception",
        exc_info=exc,
        extra={"reference": reference, "method": request.method, "path": request.url.path},
    )
    return _json(
        HTTP_500_INTERNAL_SERVER_ERROR,
        {"status_code": 500, "detail": "Error interno del servidor", "reference": reference},
    )


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response:
    """Litestar's own HTTP errors (404, 405, 400 ...), in the same JSON shape as ours."""
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        return internal_error(request, exc)
    body: dict[str, Any] = {"status_code": exc.status_code, "detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return _json(exc.status_code, body, headers=exc.headers)


def pasarela_error(request: Request[Any, Any, Any], exc: PasarelaError) -> Response:
    """Core error types as plain JSON with Spanish messages (dialects override with their own)."""
    match exc:
        case ValidationFailed():
            problems = [
                {"path": p.path, "message": p.message, "rule": p.rule, "severity": p.severity}
                for p in exc.problems
            ]
            return _json(
                422, {"status_code": 422, "detail": "Documento inválido", "problems": problems}
            )
        case AuthenticationFailed():
            return _json(401, {"status_code": 401, "detail": "Credenciales inválidas"})
        case PermissionDenied():
            return _json(
                403,
                {
                    "status_code": 403,
                    "detail": "El emisor no tiene permiso para esta operación",
                    "permission": exc.permission,
                },
            )
        case NotFound():
            return _json(404, {"status_code": 404, "detail": "No encontrado"})
        case QuotaExceeded():
            return _json(
                429,
                {
                    "status_code": 429,
                    "detail": "Cupo de documentos agotado",
                    "used": exc.used,
                    "limit": exc.limit,
                    "period": exc.period,
                },
                headers={"Retry-After": str(exc.retry_after_s)},
            )
        case NumberingExhausted():
            return _json(
                409,
                {"status_code": 409, "detail": "No hay numeración disponible para el documento"},
            )
        case DianUnavailable():
            return _json(503, {"status_code": 503, "detail": "La DIAN no está disponible"})
        case CertificateError():
            return _json(422, {"status_code": 422, "detail": str(exc)})
    return internal_error(request, exc)


def default_exception_handlers() -> ExceptionHandlersMap:
    """The handlers ``create_app`` installs at app level."""
    return {
        HTTPException: http_error,
        PasarelaError: pasarela_error,
        HTTP_500_INTERNAL_SERVER_ERROR: internal_error,
    }
