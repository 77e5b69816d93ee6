"""The secret key's check value: a gateway whose key cannot open the database's secrets is
refused before it serves, with a message naming the settings, instead of starting "healthy"
and failing every request that needs a PIN or a certificate.

The first process that starts on a database stores a known text encrypted with its key
(``secret_key_check``); every later start decrypts it. A database that already held secrets
before the check existed is verified on one of them before the check value is stored.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from core.errors import ConfigurationError
from core.secrets import SecretBox
from core.storage.database import Database
from core.storage.tables import Certificate, SecretKeyCheck, TenantSmtp

CHECK_TEXT: Final = b"pasarela: secret key check v1"
WRONG_KEY_MESSAGE: Final = (
    "la clave secreta de esta pasarela no descifra los secretos guardados en la base de datos: "
    "configure PASARELA_SECRET_KEY o PASARELA_SECRET_KEY_FILE con la misma clave que usan las "
    "demás pasarelas de esta base de datos"
)

_CHECK: Final = SecretKeyCheck.__table__
_CERTIFICATES: Final = Certificate.__table__
_SMTP: Final = TenantSmtp.__table__


async def verify_secret_key(database: Database, box: SecretBox) -> None:
    """Raise ``ConfigurationError`` (naming the settings) unless ``box`` opens what the
    database holds; store the check value at the first start."""
    try:
        await database.run(_verify, box, write=True)
    except IntegrityError:  # another process stored its check value first: verify against it
        await database.run(_verify, box, write=True)


def _verify(conn: Connection, box: SecretBox) -> None:
    stored = conn.execute(select(_CHECK.c.value).where(_CHECK.c.id == 1)).scalar()
    if stored is not None:
        if _opens(box, stored) != CHECK_TEXT:
            raise ConfigurationError(WRONG_KEY_MESSAGE)
        return
    for sample in _stored_secrets(conn):
        if _opens(box, sample) is None:
            raise ConfigurationError(WRONG_KEY_MESSAGE)
    conn.execute(insert(_CHECK).values(id=1, value=box.encrypt(CHECK_TEXT)))


def _stored_secrets(conn: Connection) -> list[bytes]:
    """One certificate password and one SMTP password, when the database holds any."""
    found = [
        conn.execute(select(_CERTIFICATES.c.password).limit(1)).scalar(),
        conn.execute(
            select(_SMTP.c.password).where(_SMTP.c.password.is_not(None)).limit(1)
        ).scalar(),
    ]
    return [bytes(value) for value in found if value is not None]


def _opens(box: SecretBox, ciphertext: bytes) -> bytes | None:
    try:
        return box.decrypt(bytes(ciphertext))
    except ConfigurationError:
        return None
