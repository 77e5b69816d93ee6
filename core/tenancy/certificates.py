"""The tenant's signing certificate: PKCS#12 and password encrypted at rest (``SecretBox``)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection, insert, select, update

from core.clock import BOGOTA, now_bogota
from core.errors import ConfigurationError
from core.secrets import SecretBox
from core.signing.certificates import load_pkcs12
from core.storage.database import Database
from core.tenancy.records import CertificateInfo
from core.tenancy.rows import CERTIFICATES, tenant_row

MISSING_CERTIFICATE = (
    "la empresa no tiene certificado de firma: cárguelo con 'pasarela tenants certificate'"
)


class CertificateStore:
    """Attach and load tenants' certificates; ``on_change(tenant_id)`` after a new one."""

    def __init__(
        self,
        database: Database,
        secret_box: SecretBox,
        *,
        on_change: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._db = database
        self._box = secret_box
        self._on_change = on_change

    async def attach_certificate(
        self, tenant_id: int, pkcs12: bytes, password: str
    ) -> CertificateInfo:
        """Store (or replace) the tenant's signing certificate, encrypted with its password.

        The PKCS#12 is opened first, so a wrong password or a damaged file raises
        ``CertificateError`` (Spanish message) and nothing is stored.
        """
        identity = load_pkcs12(pkcs12, password)
        info = CertificateInfo(
            fingerprint=hashlib.sha256(identity.der).hexdigest(),
            subject=identity.certificate.subject.rfc4514_string()[:500],
            not_after=identity.certificate.not_valid_after_utc.astimezone(BOGOTA),
        )
        values = {
            "pkcs12": self._box.encrypt(pkcs12),
            "password": self._box.encrypt(password.encode()),
            "fingerprint": info.fingerprint,
            "subject": info.subject,
            "not_after": info.not_after,
            "created_at": now_bogota(),
        }

        def store(conn: Connection) -> int:
            row = tenant_row(conn, tenant_id)
            existing = conn.execute(
                select(CERTIFICATES.c.id).where(CERTIFICATES.c.tenant_id == row.id)
            ).scalar()
            if existing is None:
                conn.execute(insert(CERTIFICATES).values(tenant_id=row.id, **values))
            else:
                conn.execute(
                    update(CERTIFICATES).where(CERTIFICATES.c.id == existing).values(**values)
                )
            return int(row.id)

        owner = await self._db.run(store, write=True)
        if self._on_change is not None:
            await self._on_change(owner)
        return info

    async def load_certificate(self, tenant_id: int) -> tuple[bytes, str]:
        """The tenant's PKCS#12 bytes and password, decrypted (parse them through
        ``core.signing.certificates.CertificateCache``). ``ConfigurationError`` if none."""
        query = select(CERTIFICATES.c.pkcs12, CERTIFICATES.c.password).where(
            CERTIFICATES.c.tenant_id == tenant_id
        )
        found = await self._db.first(query)
        if found is None:
            raise ConfigurationError(MISSING_CERTIFICATE)
        return self._box.decrypt(found.pkcs12), self._box.decrypt(found.password).decode()

    async def certificate_der(self, tenant_id: int) -> bytes | None:
        """The DER of the tenant's certificate (``None`` without one): what DIAN's portal
        learns when a certificate is registered."""
        try:
            pkcs12, password = await self.load_certificate(tenant_id)
        except ConfigurationError:
            return None
        return load_pkcs12(pkcs12, password).der
