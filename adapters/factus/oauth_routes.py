"""``POST /oauth/token``: the password and refresh-token grants (``oauth``), answered as
Laravel Passport does. Fields come form-encoded or multipart, as Factus' clients send them
(a JSON body is accepted too, as Laravel does)."""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, Response, post
from litestar.exceptions import ClientException

from adapters.factus import oauth
from adapters.factus.errors import json_response
from adapters.factus.settings import settings_for

MAX_FIELD = 512
GRANT_FIELDS = {
    "password": ("client_id", "client_secret", "username", "password"),
    "refresh_token": ("client_id", "client_secret", "refresh_token"),
}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _fields(request: Request[Any, Any, Any]) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            return {key: form.get(key) for key in form}
        if content_type.endswith("json"):
            body = await request.json()
            return body if isinstance(body, dict) else {}
    except (ClientException, ValueError):
        raise oauth.unsupported_grant_type() from None
    return {}


def _required(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_FIELD:
        raise oauth.invalid_request(name)
    return value.strip()


@post("/oauth/token", status_code=200, summary="Obtener o renovar el token de acceso")
async def issue_token(request: Request[Any, Any, Any]) -> Response[bytes]:
    ctx = request.app.state.ctx
    settings = settings_for(ctx)
    try:
        fields = await _fields(request)
        grant_type = fields.get("grant_type")
        if not isinstance(grant_type, str) or not grant_type:
            raise oauth.unsupported_grant_type()
        names = GRANT_FIELDS.get(grant_type)
        if names is None:
            raise oauth.unsupported_grant_type()
        form = {name: _required(fields, name) for name in names}
        grant = oauth.password_grant if grant_type == "password" else oauth.refresh_grant
        pair = await grant(
            ctx,
            form,
            now=time.time(),
            lifetime_s=settings.token_lifetime_s,
            refresh_lifetime_s=settings.refresh_lifetime_s,
        )
    except oauth.OAuthError as refused:
        headers = dict(NO_STORE)
        if refused.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="OAuth"'
        return json_response(refused.body(), refused.status, headers)
    return json_response(pair, 200, NO_STORE)
