"""JSON log lines, and secrets (tokens, PINs, passwords, Authorization headers) never in them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from core.json_logging import REDACTED, configure_logging, redact, redact_text

TOKEN = "12|s3cr3t-t0ken-abcdefghijklmnopqrstuvwxyz"
PIN = "74123"
PASSWORD = "clave-del-certificado-9"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("INFO", stream=stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_one_json_object_per_line_with_extras(log_stream):
    log = logging.getLogger("pasarela.prueba")
    log.info("documento %s emitido", "SETP990000001", extra={"tenant_id": 3})
    log.warning("segunda línea\ncon salto")
    first, second = lines(log_stream)
    assert first["message"] == "documento SETP990000001 emitido"
    assert (first["level"], first["logger"], first["tenant_id"]) == ("INFO", "pasarela.prueba", 3)
    assert first["time"].endswith("-05:00")
    assert second["message"] == "segunda línea\ncon salto"


def test_sensitive_extra_fields_are_redacted_at_any_depth(log_stream):
    logging.getLogger("pasarela.prueba").info(
        "petición",
        extra={
            "headers": {"Authorization": f"Bearer {TOKEN}", "X-Api-Key": TOKEN, "Accept": "json"},
            "software_pin": PIN,
            "certificate": {"password": PASSWORD, "subject": "CN=Demo"},
            "attempts": [{"token": TOKEN}],
        },
    )
    output = log_stream.getvalue()
    for secret in (TOKEN, PIN, PASSWORD):
        assert secret not in output
    (entry,) = lines(log_stream)
    assert entry["headers"] == {"Authorization": REDACTED, "X-Api-Key": REDACTED, "Accept": "json"}
    assert entry["certificate"] == {"password": REDACTED, "subject": "CN=Demo"}
    assert entry["software_pin"] == REDACTED
    assert entry["attempts"] == [{"token": REDACTED}]


def test_secrets_inside_messages_and_exceptions_are_redacted(log_stream):
    log = logging.getLogger("pasarela.prueba")
    log.info("cabecera recibida: Authorization: Bearer %s", TOKEN)
    try:
        raise ValueError(f"no abre el PKCS#12 con password={PASSWORD} ni pin: {PIN}")
    except ValueError:
        log.exception("falló la carga")
    output = log_stream.getvalue()
    for secret in (TOKEN, PIN, PASSWORD):
        assert secret not in output
    assert "Traceback" in lines(log_stream)[1]["exception"]


def test_redact_text_known_answers():
    assert redact_text("Bearer abcdef123456") == f"Bearer {REDACTED}"
    assert redact_text('password="x y z" resto') == f"password={REDACTED} resto"
    assert redact_text("api_key=abc&otro=1") == f"api_key={REDACTED}&otro=1"
    assert redact_text("la factura SETP990000001 fue aceptada") == (
        "la factura SETP990000001 fue aceptada"
    )


def test_redact_keeps_plain_values():
    assert redact({"status": 200, "ok": True, "n": None, "path": "/api/v1"}) == {
        "status": 200,
        "ok": True,
        "n": None,
        "path": "/api/v1",
    }


async def test_request_log_has_no_headers_query_or_tokens(log_stream, client):
    response = await client.get(
        f"/-/health?token={PIN}{PIN}",
        headers={"Authorization": f"Bearer {TOKEN}", "X-Api-Key": PASSWORD},
    )
    assert response.status_code == 200
    output = log_stream.getvalue()
    for secret in (TOKEN, PIN, PASSWORD):
        assert secret not in output
    request_lines = [e for e in lines(log_stream) if e["logger"] == "pasarela.request"]
    assert request_lines[-1]["path"] == "/-/health"
    assert (request_lines[-1]["method"], request_lines[-1]["status"]) == ("GET", 200)
