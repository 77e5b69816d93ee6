"""Factus' error shapes (research §5.6), declared on the dialect for everything under ``/v1``.

- 422, a payload that fails validation: Laravel's ``{"message": "<first> (and N more
  errors)", "errors": {"field.path": ["mensaje", ...]}}`` (the seed's example);
- 409, a document that blocks issuing: ``{"status": "Conflict", "errors": [{"code": 409,
  "message", "params": [], "detail": "Conflict", "api_version": "v1"}]}`` (the seed's);
- 401, a missing, wrong or expired bearer: Laravel's ``{"message": "Unauthenticated."}``,
  which every Factus client treats as "refresh or log in again, then retry";
- anything else: ``{"status": "<reason phrase>", "message": "<Spanish>"}``, as Factus'
  404 ``{"status": "Not Found", "message": "No se encontró el documento NC7222"}``; a 500
  adds the ``reference`` under which the details were logged.

Answers of an authenticated request carry the rate-limit headers (core's rate limit), errors
included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
from litestar import Response

from core.api import ApiError, ErrorShape, rate_limit_headers

API_VERSION = "v1"
UNAUTHENTICATED = "Unauthenticated."

REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Validation error",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

# ApiError.kind -> Factus' Spanish message (``None``: the toolkit's message).
MESSAGES: dict[str, str | None] = {
    "no_route": "Recurso no encontrado.",
    "not_found": "No se encontró el recurso solicitado.",
    "method_not_allowed": "Método no permitido.",
    "body_too_large": "La petición es demasiado grande.",
    "unsupported_media_type": "Tipo de contenido no soportado.",
    "too_many_requests": "Demasiadas solicitudes. Intente de nuevo en un minuto.",
    "bad_request": "Solicitud inválida.",
    "forbidden": "Acceso denegado.",
    "permission_denied": "La empresa no tiene habilitada la creación de este documento.",
    "internal": "Error interno del servidor.",
}
CONFLICT_KINDS = frozenset(
    {
        "duplicate",
        "numbering_exhausted",
        "numbering_missing",
        "software_missing",
        "xml_unavailable",
        "representation_unavailable",
    }
)


class ErrorItem(msgspec.Struct, forbid_unknown_fields=True):
    code: int
    message: str
    params: list[Any]
    detail: str
    api_version: str


class ErrorBody(msgspec.Struct, forbid_unknown_fields=True):
    """Every Factus error answer: validation ``{"message", "errors": {field: [...]}}``,
    conflicts ``{"status", "errors": [...]}``, and ``{"status", "message"}`` (the fuzz tests
    hold each error to it)."""

    message: str | None = None
    status: str | None = None
    errors: dict[str, list[str]] | list[ErrorItem] | None = None
    reference: str | None = None


def json_response(
    body: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    """A JSON answer (``Decimal`` as strings, as Factus writes amounts)."""
    return Response(
        content=msgspec.json.encode(body),
        status_code=status_code,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def validation_message(errors: Mapping[str, Sequence[str]]) -> str:
    """Laravel's summary: the first message, then how many more there are."""
    messages = [message for field_messages in errors.values() for message in field_messages]
    if not messages:
        return "Los datos enviados no son válidos."
    more = len(messages) - 1
    if more == 0:
        return messages[0]
    return f"{messages[0]} (and {more} more error{'s' if more > 1 else ''})"


def validation_body(errors: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    fields = {path: list(messages) for path, messages in errors.items()}
    return {"message": validation_message(fields), "errors": fields}


def conflict_body(message: str, status: int = 409) -> dict[str, Any]:
    """The seed's 409: ``{"status": "Conflict", "errors": [{code, message, ...}]}``."""
    reason = REASONS.get(status, "Conflict")
    return {
        "status": reason,
        "errors": [
            {
                "code": status,
                "message": message,
                "params": [],
                "detail": reason,
                "api_version": API_VERSION,
            }
        ],
    }


def message_body(status: int, message: str) -> dict[str, Any]:
    """``{"status": "<reason>", "message": ...}`` (404, 405, 429 ... and plain successes)."""
    return {"status": REASONS.get(status, "Error"), "message": message}


def validation_error(errors: Mapping[str, Sequence[str]]) -> Response[bytes]:
    return json_response(validation_body(errors), 422, rate_limit_headers())


def conflict(message: str) -> Response[bytes]:
    return json_response(conflict_body(message), 409, rate_limit_headers())


def not_found(message: str) -> Response[bytes]:
    return json_response(message_body(404, message), 404, rate_limit_headers())


def render(error: ApiError) -> Response[bytes]:
    """Any gateway error under ``/v1`` in Factus' shape."""
    headers = {**rate_limit_headers(), **error.headers}
    if error.kind == "invalid":
        return json_response(validation_body(error.fields), 422, headers)
    if error.kind == "unauthenticated":
        headers["WWW-Authenticate"] = "Bearer"
        return json_response({"message": UNAUTHENTICATED}, 401, headers)
    message = MESSAGES.get(error.kind) or error.message
    if error.status == 409 or error.kind in CONFLICT_KINDS:
        return json_response(conflict_body(message, error.status), error.status, headers)
    body = message_body(error.status, message)
    if error.reference is not None:
        body["reference"] = error.reference
    return json_response(body, error.status, headers)


SHAPE = ErrorShape(render=render)
