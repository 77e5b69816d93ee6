"""Tenancy: permissions as a set, one software per DIAN channel, token schemes for credentials.

- ``tenants.permite_facturas|permite_notas_credito|permite_notas_debito`` (three columns named
  after one dialect's fields) become ``tenants.permissions``, a JSON list of the permission ids
  document kinds declare (``facturas``, ``notas_credito``, ``notas_debito``), so a new kind
  needs no schema change.
- ``tenants.software_id|software_pin|test_set_id`` become ``tenants.software``: a JSON object
  by channel (``facturacion``, ``documento_equivalente``, ``documento_soporte``), each with the
  software id, the PIN still encrypted (base64 of the same ciphertext) and the test set id.
  Today's single software becomes the ``facturacion`` channel's.
- ``credentials`` gain ``scheme`` (``par``: ``<id>|<secret>``; ``opaco``: a token imported from
  another provider; ``oauth``: an expiring access token), ``expires_at`` and ``parent_id``
  (the credential an access token was granted to); ``secret_hash`` becomes unique, because a
  token is found by the hash of what the client presents, never by an id parsed out of it.
  Existing ``<id>|<secret>`` tokens keep working unchanged (scheme ``par``).
- ``resolutions.retired_at``: a retired range numbers nothing more (``tenants retire-range``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import base64
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FLAGS = (
    ("permite_facturas", "facturas"),
    ("permite_notas_credito", "notas_credito"),
    ("permite_notas_debito", "notas_debito"),
)
_INVOICE_CHANNEL = "facturacion"


def _tenants(*columns: sa.Column) -> sa.Table:
    return sa.table("tenants", sa.column("id", sa.BigInteger()), *columns)


def _as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("permissions", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("software", sa.JSON(), nullable=True))

    bind = op.get_bind()
    old = _tenants(
        *(sa.column(flag, sa.Boolean()) for flag, _ in _FLAGS),
        sa.column("software_id", sa.String()),
        sa.column("software_pin", sa.LargeBinary()),
        sa.column("test_set_id", sa.String()),
    )
    new = _tenants(sa.column("permissions", sa.JSON()), sa.column("software", sa.JSON()))
    for row in bind.execute(sa.select(old)).mappings().all():
        software = {
            _INVOICE_CHANNEL: {
                "id": row["software_id"],
                "pin": base64.b64encode(bytes(row["software_pin"])).decode("ascii"),
                "test_set_id": row["test_set_id"],
            }
        }
        bind.execute(
            sa.update(new)
            .where(new.c.id == row["id"])
            .values(permissions=[name for flag, name in _FLAGS if row[flag]], software=software)
        )

    with op.batch_alter_table("tenants") as batch:
        batch.alter_column("permissions", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("software", existing_type=sa.JSON(), nullable=False)
        for flag, _ in _FLAGS:
            batch.drop_column(flag)
        batch.drop_column("software_id")
        batch.drop_column("software_pin")
        batch.drop_column("test_set_id")

    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("scheme", sa.String(20), nullable=False, server_default="par"))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("parent_id", big_id, nullable=True))
        batch.create_foreign_key(
            "fk_credentials_parent", "credentials", ["parent_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint("uq_credentials_secret_hash", ["secret_hash"])

    with op.batch_alter_table("resolutions") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("resolutions") as batch:
        batch.drop_column("retired_at")

    with op.batch_alter_table("credentials") as batch:
        batch.drop_constraint("uq_credentials_secret_hash", type_="unique")
        batch.drop_constraint("fk_credentials_parent", type_="foreignkey")
        batch.drop_column("parent_id")
        batch.drop_column("expires_at")
        batch.drop_column("scheme")

    with op.batch_alter_table("tenants") as batch:
        for flag, _ in _FLAGS:
            batch.add_column(
                sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.true())
            )
        batch.add_column(sa.Column("software_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("software_pin", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("test_set_id", sa.String(64), nullable=True))

    bind = op.get_bind()
    current = _tenants(sa.column("permissions", sa.JSON()), sa.column("software", sa.JSON()))
    old = _tenants(
        *(sa.column(flag, sa.Boolean()) for flag, _ in _FLAGS),
        sa.column("software_id", sa.String()),
        sa.column("software_pin", sa.LargeBinary()),
        sa.column("test_set_id", sa.String()),
    )
    for row in bind.execute(sa.select(current)).mappings().all():
        permissions = set(_as_json(row["permissions"]) or ())
        software = (_as_json(row["software"]) or {}).get(_INVOICE_CHANNEL) or {}
        bind.execute(
            sa.update(old)
            .where(old.c.id == row["id"])
            .values(
                **{flag: name in permissions for flag, name in _FLAGS},
                software_id=software.get("id") or "",
                software_pin=base64.b64decode(software.get("pin") or ""),
                test_set_id=software.get("test_set_id"),
            )
        )

    with op.batch_alter_table("tenants") as batch:
        batch.alter_column("software_id", existing_type=sa.String(64), nullable=False)
        batch.alter_column("software_pin", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("software")
        batch.drop_column("permissions")
