"""Each tenant's SMTP server: where its documents are e-mailed to buyers from.

One row per tenant in ``tenant_smtp``; configuring again replaces it. The password is kept
encrypted with the gateway's ``SecretBox`` (like the certificate password) and leaves this
module only inside ``SmtpSettings.password``, which never appears in a repr, a log line or a
CLI answer (``SmtpView`` is what is shown).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Final

import msgspec
from sqlalchemy import Connection, bindparam, insert, select, update

from core.clock import now_bogota
from core.errors import ConfigurationError
from core.secrets import SecretBox
from core.storage.database import Database
from core.storage.tables import TenantSmtp
from core.tenancy.rows import tenant_row

SMTP: Final = TenantSmtp.__table__
SECURITY_MODES: Final = ("starttls", "tls", "none")


class SmtpView(msgspec.Struct, frozen=True, kw_only=True):
    """A tenant's SMTP settings as shown to an operator: everything but the password."""

    host: str
    port: int
    security: str  # starttls | tls | none
    user: str | None
    from_address: str
    deliver_by_default: bool
    has_password: bool
    updated_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class SmtpSettings:
    """What sending needs, the password decrypted (kept out of ``repr``)."""

    view: SmtpView
    password: str | None = dataclasses.field(default=None, repr=False)


class SmtpService:
    """Configure and read tenants' SMTP settings."""

    def __init__(self, database: Database, box: SecretBox) -> None:
        self._db = database
        self._box = box

    async def configure(
        self,
        tenant_id: int,
        *,
        host: str,
        port: int,
        security: str,
        user: str | None,
        password: str | None,
        from_address: str,
        deliver_by_default: bool,
    ) -> SmtpView:
        """Store (or replace) the tenant's settings. ``ConfigurationError`` (Spanish) for a
        bad port, security mode, host or sender address."""
        problem = _problem(host, port, security, from_address)
        if problem:
            raise ConfigurationError(problem)
        values: dict[str, Any] = {
            "host": host.strip(),
            "port": port,
            "security": security,
            "username": user or None,
            "password": self._box.encrypt(password.encode("utf-8")) if password else None,
            "from_address": from_address.strip(),
            "deliver_by_default": deliver_by_default,
            "updated_at": now_bogota(),
        }

        def store(conn: Connection) -> Any:
            row = tenant_row(conn, tenant_id)
            changed = conn.execute(update(SMTP).where(SMTP.c.tenant_id == row.id).values(**values))
            if not changed.rowcount:
                conn.execute(insert(SMTP).values(tenant_id=row.id, **values))
            return conn.execute(select(SMTP).where(SMTP.c.tenant_id == row.id)).one()

        return _view(await self._db.run(store, write=True))

    async def view(self, tenant_id: int) -> SmtpView | None:
        """The tenant's settings without the password; ``None`` when it has none."""
        rows = await self._db.all(select(SMTP).where(SMTP.c.tenant_id == tenant_id))
        return _view(rows[0]) if rows else None

    async def settings(self, tenant_id: int) -> SmtpSettings | None:
        """The tenant's settings with the password decrypted, for sending."""
        rows = await self._db.all(select(SMTP).where(SMTP.c.tenant_id == tenant_id))
        if not rows:
            return None
        row = rows[0]
        password = self._box.decrypt(row.password).decode("utf-8") if row.password else None
        return SmtpSettings(view=_view(row), password=password)


def deliver_by_default(conn: Connection, tenant_id: int) -> bool:
    """Inside a caller's transaction: whether the tenant e-mails its documents unless told not
    to (no SMTP settings: no)."""
    return bool(conn.execute(_DELIVER_BY_DEFAULT, {"tenant_id": tenant_id}).scalar_one_or_none())


# built once: it runs in every acceptance's transaction
_DELIVER_BY_DEFAULT: Final = select(SMTP.c.deliver_by_default).where(
    SMTP.c.tenant_id == bindparam("tenant_id")
)


def _view(row: Any) -> SmtpView:
    return SmtpView(
        host=row.host,
        port=row.port,
        security=row.security,
        user=row.username,
        from_address=row.from_address,
        deliver_by_default=bool(row.deliver_by_default),
        has_password=row.password is not None,
        updated_at=row.updated_at,
    )


def _problem(host: str, port: int, security: str, from_address: str) -> str | None:
    if security not in SECURITY_MODES:
        return f"seguridad SMTP desconocida {security!r}: use {', '.join(SECURITY_MODES)}"
    if not 0 < port < 65536:
        return f"puerto SMTP inválido: {port}"
    if not host.strip() or any(c.isspace() for c in host.strip()):
        return f"servidor SMTP inválido: {host!r}"
    local, _, domain = from_address.strip().partition("@")
    if not local or "." not in domain or any(c.isspace() for c in from_address.strip()):
        return f"dirección de remitente inválida: {from_address!r}"
    return None
