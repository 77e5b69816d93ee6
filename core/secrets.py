"""Secrets at rest: one symmetric key encrypts certificates and PINs; credential secrets are hashed.

Why two mechanisms: a certificate password or a software PIN must be read back (to sign, to compute
a CUDE), so it is encrypted; a credential secret only has to be recognised, so only its hash is kept
and a copy of the database never yields a usable token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import ConfigurationError

if TYPE_CHECKING:
    from core.settings import Settings

_VERSION = b"\x01"
#: How every ``encrypt_text`` value starts (base64 of the version byte and the nonce's first
#: bits): a stored text without it was written in clear by an older version.
ENCRYPTED_PREFIX = "A"
_NONCE_BYTES = 12
TOKEN_SECRET_CHARS = 40


class SecretBox:
    """AES-256-GCM with a random nonce per message: ``version (1) | nonce (12) | ciphertext+tag``.

    The key comes from ``PASARELA_SECRET_KEY`` or from the key file (``PASARELA_SECRET_KEY_FILE``),
    which is created with mode 0600 the first time the gateway runs. A key given as 32 bytes of
    url-safe base64 is used as is; any other string is a passphrase and is hashed to 32 bytes.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ConfigurationError("la clave secreta debe tener 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.secret_key:
            return cls(key_from_text(settings.secret_key))
        return cls(key_from_text(read_or_create_key_file(Path(settings.secret_key_file))))

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, None)

    def encrypt_text(self, plaintext: str) -> str:
        """A secret for a text column: the ciphertext of its UTF-8 bytes, as base64."""
        return base64.b64encode(self.encrypt(plaintext.encode())).decode("ascii")

    def decrypt_text(self, stored: str) -> str:
        """The secret ``encrypt_text`` stored."""
        try:
            ciphertext = base64.b64decode(stored, validate=True)
        except ValueError:
            raise ConfigurationError("dato cifrado con un formato desconocido") from None
        return self.decrypt(ciphertext).decode()

    def decrypt(self, ciphertext: bytes) -> bytes:
        if len(ciphertext) < 1 + _NONCE_BYTES + 16 or ciphertext[:1] != _VERSION:
            raise ConfigurationError("dato cifrado con un formato desconocido")
        nonce = ciphertext[1 : 1 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, ciphertext[1 + _NONCE_BYTES :], None)
        except InvalidTag:
            raise ConfigurationError(
                "no se pudo descifrar un secreto guardado: la clave secreta "
                "(PASARELA_SECRET_KEY o el archivo de clave) no es la que lo cifró"
            ) from None


def key_from_text(text: str) -> bytes:
    """32 key bytes from a base64 key, or from a passphrase (SHA-256 of it)."""
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raw = b""
    if len(raw) == 32:
        return raw
    return hashlib.sha256(text.encode()).digest()


def read_or_create_key_file(path: Path) -> str:
    """Read the key file, creating it (mode 0600, never overwriting one a rival process wrote)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        try:
            os.link(tmp, path)  # atomic and fails if another process created the file first
        except FileExistsError:
            return path.read_text().strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def new_token_secret() -> str:
    """40 url-safe random characters (240 bits): the secret half of a credential token."""
    return secrets.token_urlsafe(30)


def hash_token_secret(secret: str) -> str:
    """SHA-256 hex of a token secret; enough for high-entropy tokens (no stretching needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented secret with the stored hash."""
    return hmac.compare_digest(hash_token_secret(secret), stored_hash)
