"""FacEPro's error shapes: ``{"ok": false, "error": "...", "codigo": "..."}`` plus details.

The handlers are installed on the dialect's router only, so the other dialects and the admin
routes keep their own shapes. Every core error type gets a stable ``codigo``; anything
unexpected becomes a logged 500 without internals.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap

from adapters.facepro.mapping import facepro_path
from adapters.facepro.responses import encode
from adapters.facepro.validation import InvalidPayload
from core.errors import (
    AuthenticationFailed,
    DianUnavailable,
    NotFound,
    NumberingExhausted,
    PasarelaError,
    PermissionDenied,
    QuotaExceeded,
    ValidationFailed,
)

log = logging.getLogger("pasarela.facepro")

Errors = Mapping[str, list[str]]

INVALID_DATA = "Datos invalidos"

# Core permission names and document type codes -> FacEPro's permission flags.
PERMISSIONS = {
    "01": "permite_facturas",
    "91": "permite_notas_credito",
    "92": "permite_notas_debito",
    "factura": "permite_facturas",
    "facturas": "permite_facturas",
    "nota_credito": "permite_notas_credito",
    "notas_credito": "permite_notas_credito",
    "nota_debito": "permite_notas_debito",
    "notas_debito": "permite_notas_debito",
}
PERIODS = {"monthly": "mensual", "month": "mensual", "yearly": "anual", "year": "anual"}


def json_response(
    body: Mapping[str, Any], status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    """A JSON response; ``Decimal`` amounts are written as JSON numbers, never as strings."""
    return Response(
        content=encode(body),
        status_code=status_code,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def error_response(
    status_code: int,
    error: str,
    codigo: str,
    *,
    headers: Mapping[str, str] | None = None,
    **details: Any,
) -> Response[bytes]:
    return json_response(
        {"ok": False, "error": error, "codigo": codigo, **details}, status_code, headers
    )


def invalid_data_response(errors: Errors) -> Response[bytes]:
    return error_response(422, INVALID_DATA, "datos_invalidos", errors=dict(errors))


def not_authenticated_response() -> Response[bytes]:
    return error_response(
        401, "No autenticado.", "no_autenticado", headers={"WWW-Authenticate": "Bearer"}
    )


def problems_to_errors(exc: ValidationFailed) -> dict[str, list[str]]:
    """Core problems on FacEPro paths (``lines[0].quantity`` -> ``lineas.0.cantidad``)."""
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        if problem.severity != "error":
            continue
        message = f"{problem.rule}: {problem.message}" if problem.rule else problem.message
        errors.setdefault(facepro_path(problem.path), []).append(message)
    return errors or {"documento": ["El documento no es válido."]}


def _on_invalid_payload(request: Request[Any, Any, Any], exc: InvalidPayload) -> Response[bytes]:
    return invalid_data_response(exc.errors)


def _on_core_error(request: Request[Any, Any, Any], exc: PasarelaError) -> Response[bytes]:
    match exc:
        case ValidationFailed():
            return invalid_data_response(problems_to_errors(exc))
        case AuthenticationFailed():
            return not_authenticated_response()
        case PermissionDenied():
            return error_response(
                403,
                "Tu empresa no tiene permitido emitir este tipo de documento.",
                "permiso_no_concedido",
                permiso=PERMISSIONS.get(exc.permission, exc.permission),
            )
        case QuotaExceeded():
            return error_response(
                429,
                "Cuota excedida para el periodo.",
                "quota_excedida",
                headers={"Retry-After": str(max(int(exc.retry_after_s), 1))},
                consumidos=exc.used,
                limite=exc.limit,
                periodo=PERIODS.get(exc.period, exc.period),
            )
        case NotFound():
            return error_response(
                404, "El documento no existe o no pertenece a tu empresa.", "no_encontrado"
            )
        case NumberingExhausted():
            return error_response(
                409,
                "No hay numeración disponible para este tipo de documento. "
                "Revisa la resolución configurada.",
                "numeracion_agotada",
            )
        case DianUnavailable():
            return error_response(
                503,
                "La DIAN no respondió. Intenta más tarde.",
                "dian_no_disponible",
                headers={"Retry-After": "30"},
            )
    return _on_unexpected(request, exc)


_HTTP_CODIGOS = {
    400: ("Solicitud inválida.", "solicitud_invalida"),
    401: ("No autenticado.", "no_autenticado"),
    403: ("Acceso denegado.", "acceso_denegado"),
    404: ("Recurso no encontrado.", "no_encontrado"),
    405: ("Método no permitido.", "metodo_no_permitido"),
    413: ("La petición es demasiado grande.", "peticion_muy_grande"),
    415: ("Tipo de contenido no soportado.", "tipo_contenido_no_soportado"),
}


def _on_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    if exc.status_code >= 500:
        return _on_unexpected(request, exc)
    if exc.status_code == 401:
        return not_authenticated_response()
    error, codigo = _HTTP_CODIGOS.get(
        exc.status_code, ("Solicitud inválida.", "solicitud_invalida")
    )
    return error_response(exc.status_code, error, codigo, headers=exc.headers)


def _on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    reference = uuid.uuid4().hex
    log.error(
        "unhandled exception",
        exc_info=exc,
        extra={"reference": reference, "method": request.method, "path": request.url.path},
    )
    return error_response(
        500,
        "Error interno. Si persiste, reintenta más tarde.",
        "error_interno",
        referencia=reference,
    )


def exception_handlers() -> ExceptionHandlersMap:
    """Handlers for the FacEPro router (Litestar prefers them over the app-level ones)."""
    return {
        InvalidPayload: _on_invalid_payload,
        PasarelaError: _on_core_error,
        HTTPException: _on_http_error,
        500: _on_unexpected,
        Exception: _on_unexpected,
    }
