"""SecretBox: round trips, tamper detection, key file creation and key forms."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from core.errors import ConfigurationError
from core.secrets import (
    SecretBox,
    hash_token_secret,
    key_from_text,
    new_token_secret,
    read_or_create_key_file,
    token_secret_matches,
)
from core.settings import Settings


def test_round_trip_uses_a_fresh_nonce_each_time() -> None:
    box = SecretBox(key_from_text("frase de paso"))
    first, second = box.encrypt(b"PIN 12345"), box.encrypt(b"PIN 12345")
    assert first != second and b"12345" not in first
    assert box.decrypt(first) == box.decrypt(second) == b"PIN 12345"


def test_tampering_or_another_key_is_refused() -> None:
    box = SecretBox(key_from_text("frase de paso"))
    sealed = bytearray(box.encrypt(b"secreto"))
    sealed[-1] ^= 1
    with pytest.raises(ConfigurationError, match="clave secreta"):
        box.decrypt(bytes(sealed))
    with pytest.raises(ConfigurationError, match="clave secreta"):
        SecretBox(key_from_text("otra")).decrypt(box.encrypt(b"secreto"))
    with pytest.raises(ConfigurationError, match="formato"):
        box.decrypt(b"\x02" + bytes(40))


def test_key_forms() -> None:
    raw = os.urandom(32)
    assert key_from_text(base64.urlsafe_b64encode(raw).decode()) == raw
    assert key_from_text(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw
    assert len(key_from_text("una frase cualquiera")) == 32
    with pytest.raises(ConfigurationError):
        SecretBox(b"short")


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "pasarela.key"
    settings = Settings(secret_key_file=str(path))
    sealed = SecretBox.from_settings(settings).encrypt(b"certificado")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key_from_text(path.read_text())) == 32
    assert SecretBox.from_settings(settings).decrypt(sealed) == b"certificado"
    assert read_or_create_key_file(path) == path.read_text().strip()
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_env_key_wins_over_the_file(tmp_path: Path) -> None:
    settings = Settings(secret_key="de entorno", secret_key_file=str(tmp_path / "k"))
    SecretBox.from_settings(settings).encrypt(b"x")
    assert not (tmp_path / "k").exists()


def test_token_hash() -> None:
    secret = new_token_secret()
    assert len(secret) == 40
    assert hash_token_secret(secret) == hash_token_secret(secret) != hash_token_secret(secret + "x")
    assert token_secret_matches(secret, hash_token_secret(secret))
    assert not token_secret_matches(secret[:-1], hash_token_secret(secret))
