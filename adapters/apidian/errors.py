"""APIDIAN's error bodies, as Laravel answers an API client (``Accept: application/json``).

``SHAPE`` is declared with the dialect's path prefix (``/api``), so every error there — an
unknown route or method and a body over the limit included — is answered here, while
FacEPro keeps ``/api/v1`` (the longest prefix wins):

- 422 ``{"message": "<first message> (and N more errors)", "errors": {"field.path":
  ["mensaje", ...]}}`` (Laravel's ``ValidationException``);
- 401 ``{"message": "Unauthenticated."}``;
- 404, 405, 413, 429 and 500 with the messages Laravel gives them;
- any other gateway error (numbering, DIAN unavailable, ...) as APIDIAN's controllers answer
  their failures: ``{"success": false, "message": "..."}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import msgspec
from litestar import Response

from core.api import ApiError, ErrorShape

_ENCODER = msgspec.json.Encoder(decimal_format="number")

UNAUTHENTICATED = "Unauthenticated."
INVALID_DATA = "The given data was invalid."
REGISTRATION_DISABLED = "Access to this route is disabled."
DIAN_UNAVAILABLE = (
    "El servicio DIAN no se encuentra disponible en el momento, reintente mas tarde..."
)

# ApiError.kind -> Laravel's message for it (HTTP exceptions rendered by its handler).
_LARAVEL_MESSAGES = {
    "no_route": "The route could not be found.",
    "body_too_large": "The POST data is too large.",
    "too_many_requests": "Too Many Attempts.",
    "internal": "Server Error",
}


class ErrorBody(msgspec.Struct, forbid_unknown_fields=True):
    """Every APIDIAN error answer: Laravel's ``{"message"[, "errors"]}``, the API's
    ``{"success": false, "message"}`` and the company guard's ``{"code", "status", "message"}``
    (the fuzz tests hold each error to it)."""

    message: str
    errors: dict[str, list[str]] | None = None
    success: Literal[False] | None = None
    code: int | None = None
    status: Literal[False] | None = None
    reference: str | None = None


def json_response(
    body: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    """A JSON response; ``Decimal`` amounts are written as JSON numbers."""
    return Response(
        content=_ENCODER.encode(body),
        status_code=status_code,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def summary(errors: Mapping[str, Sequence[str]]) -> str:
    """Laravel's top-level ``message`` of a failed validation: the first message, then
    ``(and N more error[s])`` counting every other message."""
    messages = [message for found in errors.values() for message in found]
    if not messages:
        return INVALID_DATA
    first = messages[0]
    more = len(messages) - 1
    if more == 0:
        return first
    return f"{first} (and {more} more {'error' if more == 1 else 'errors'})"


def validation_response(errors: Mapping[str, Sequence[str]]) -> Response[bytes]:
    """422 with APIDIAN's validation body for field path -> Spanish messages."""
    body = {"message": summary(errors), "errors": {k: list(v) for k, v in errors.items()}}
    return json_response(body, 422)


def render(error: ApiError) -> Response[bytes]:
    """Any gateway error in APIDIAN's shape."""
    headers = dict(error.headers)
    if error.kind == "invalid":
        return validation_response(error.fields)
    if error.kind == "unauthenticated":
        return json_response({"message": UNAUTHENTICATED}, 401, headers)
    if error.kind == "method_not_allowed":
        allowed = headers.get("allow") or headers.get("Allow")
        message = "The method is not supported for this route."
        if allowed:
            message += f" Supported methods: {allowed}."
        return json_response({"message": message}, 405, headers)
    if error.kind in _LARAVEL_MESSAGES:
        body: dict[str, Any] = {"message": _LARAVEL_MESSAGES[error.kind]}
        if error.reference is not None:
            body["reference"] = error.reference
        return json_response(body, error.status, headers)
    message = DIAN_UNAVAILABLE if error.kind == "dian_unavailable" else error.message
    return json_response({"success": False, "message": message}, error.status, headers)


SHAPE = ErrorShape(render=render)
