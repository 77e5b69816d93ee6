"""The gateway's own error shape, and the app-level handlers that pick a shape per path.

Under a dialect's path prefix the dialect's ``ErrorShape`` answers (``core.dialects.errors``);
everywhere else (admin routes, the portal, unknown paths) this plain JSON shape does:
``{"status_code": ..., "detail": "<Spanish>"}`` plus the details of the error. An unexpected
exception never leaks a traceback or a message: the client gets a 500 with a reference, the
log gets the details under that reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Response
from litestar.types import ExceptionHandlersMap

from core.contracts import Dialect
from core.dialects.errors import ApiError, ErrorShape, ShapesByPrefix, exception_handlers
from core.errors import PermissionDenied, QuotaExceeded, ValidationFailed


def render_default(error: ApiError) -> Response[Any]:
    """``ApiError`` as the gateway's plain JSON."""
    body: dict[str, Any] = {"status_code": error.status, "detail": error.message}
    match error.cause:
        case ValidationFailed():
            body["problems"] = [
                {"path": p.path, "message": p.message, "rule": p.rule, "severity": p.severity}
                for p in error.cause.problems
            ]
        case PermissionDenied():
            body["permission"] = error.cause.permission
        case QuotaExceeded():
            body.update(used=error.cause.used, limit=error.cause.limit, period=error.cause.period)
    if error.fields and not isinstance(error.cause, ValidationFailed):
        body["errors"] = {path: list(messages) for path, messages in error.fields.items()}
    if error.reference is not None:
        body["reference"] = error.reference
    return Response(
        content=body,
        status_code=error.status,
        headers=dict(error.headers),
        media_type="application/json",
    )


DEFAULT_SHAPE = ErrorShape(render=render_default)


def default_exception_handlers(dialects: Iterable[Dialect] = ()) -> ExceptionHandlersMap:
    """The handlers ``create_app`` installs at app level: each dialect that declares a path
    prefix and an error shape answers everything under its prefix; the rest gets the default."""
    shapes = {d.path_prefix: d.errors for d in dialects if d.path_prefix and d.errors}
    return exception_handlers(ShapesByPrefix(shapes, DEFAULT_SHAPE))
