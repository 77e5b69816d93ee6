"""FacEPro's error shapes: ``{"ok": false, "error": "...", "codigo": "..."}`` plus details.

``SHAPE`` is declared on the dialect with its path prefix, so the gateway answers every error
under ``/api/v1`` here — unknown routes, wrong methods and bodies over the limit included —
and the other dialects and the admin routes keep their own shapes. Each kind of error gets a
stable ``codigo``; anything unexpected is a logged 500 with a ``referencia``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import msgspec
from litestar import Response

from adapters.facepro.mapping import facepro_path
from adapters.facepro.responses import encode
from core.api import (
    ApiError,
    ErrorShape,
    PermissionDenied,
    QuotaExceeded,
    RepresentationUnavailable,
    ValidationFailed,
    validation_fields,
)

INVALID_DATA = "Datos invalidos"

# The permission ids document kinds declare -> FacEPro's permission flags.
PERMISSIONS = {
    "facturas": "permite_facturas",
    "notas_credito": "permite_notas_credito",
    "notas_debito": "permite_notas_debito",
}
PERIODS = {"monthly": "mensual", "month": "mensual", "yearly": "anual", "year": "anual"}

# ApiError.kind -> (FacEPro's message, codigo); a ``None`` message keeps the toolkit's.
CODIGOS: dict[str, tuple[str | None, str]] = {
    "unauthenticated": ("No autenticado.", "no_autenticado"),
    "permission_denied": (
        "Tu empresa no tiene permitido emitir este tipo de documento.",
        "permiso_no_concedido",
    ),
    "quota_exceeded": ("Cuota excedida para el periodo.", "quota_excedida"),
    "not_found": ("El documento no existe o no pertenece a tu empresa.", "no_encontrado"),
    "no_route": ("Recurso no encontrado.", "no_encontrado"),
    "numbering_exhausted": (
        "No hay numeración disponible para este tipo de documento. "
        "Revisa la resolución configurada.",
        "numeracion_agotada",
    ),
    "numbering_missing": (
        "Tu empresa no tiene una resolución de numeración vigente para este tipo de documento "
        "en la fecha de emisión. Registra una resolución antes de emitir.",
        "numeracion_no_configurada",
    ),
    "xml_unavailable": (
        "El documento falló antes de firmarse y no tiene XML. Revisa su ultimo_error.",
        "xml_no_disponible",
    ),
    "representation_unavailable": (None, "documento_no_aceptado"),
    "duplicate": (None, "documento_duplicado"),
    "idempotency_conflict": (None, "clave_idempotencia_reutilizada"),
    "software_missing": (None, "software_no_registrado"),
    "dian_unavailable": ("La DIAN no respondió. Intenta más tarde.", "dian_no_disponible"),
    "certificate_error": (None, "certificado_invalido"),
    "bad_request": ("Solicitud inválida.", "solicitud_invalida"),
    "forbidden": ("Acceso denegado.", "acceso_denegado"),
    "method_not_allowed": ("Método no permitido.", "metodo_no_permitido"),
    "body_too_large": ("La petición es demasiado grande.", "peticion_muy_grande"),
    "unsupported_media_type": ("Tipo de contenido no soportado.", "tipo_contenido_no_soportado"),
    "internal": ("Error interno. Si persiste, reintenta más tarde.", "error_interno"),
}


class ErrorBody(msgspec.Struct, forbid_unknown_fields=True):
    """Every FacEPro error answer: ``{"ok": false, "error", "codigo"}`` and the details some
    carry (the fuzz tests hold each error to it)."""

    ok: Literal[False]
    error: str
    codigo: str
    errors: dict[str, list[str]] | None = None
    permiso: str | None = None
    estado: str | None = None
    consumidos: int | None = None
    limite: int | None = None
    periodo: str | None = None
    referencia: str | None = None


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


def problems_to_errors(exc: ValidationFailed) -> dict[str, list[str]]:
    """Core problems on FacEPro paths (``lines[0].quantity`` -> ``lineas.0.cantidad``)."""
    return validation_fields(exc.problems, facepro_path)


def render(error: ApiError) -> Response[bytes]:
    """Any gateway error in FacEPro's shape (the seed's 422, 429 and 403 examples)."""
    if error.kind == "invalid":
        errors = {path: list(messages) for path, messages in error.fields.items()}
        return error_response(422, INVALID_DATA, "datos_invalidos", errors=errors)
    message, codigo = CODIGOS.get(error.kind, (None, "solicitud_invalida"))
    headers = dict(error.headers)
    details: dict[str, Any] = {}
    match error.cause:
        case PermissionDenied(permission=permission):
            details["permiso"] = PERMISSIONS.get(permission, permission)
        case RepresentationUnavailable(status=status):
            details["estado"] = status
        case QuotaExceeded():
            details.update(
                consumidos=error.cause.used,
                limite=error.cause.limit,
                periodo=PERIODS.get(error.cause.period, error.cause.period),
            )
    if error.kind == "unauthenticated":
        headers["WWW-Authenticate"] = "Bearer"
    if error.reference is not None:
        details["referencia"] = error.reference
    return error_response(
        error.status, message or error.message, codigo, headers=headers, **details
    )


SHAPE = ErrorShape(render=render, document_path=facepro_path)
