"""Secrets at rest and limits: the secret key's check value, pre-hashes without their key,
and the per-credential rate-limit windows of every dialect.

``secret_key_check`` holds one row, a known text encrypted with the gateway's secret key when
a gateway first starts on the database; a process started with another key is refused. The
CUFE/CUDE pre-hash ends with the range's technical key or the software PIN: pre-hashes stored
before this revision are dropped (new ones are stored with ``{clave}`` in place of the key).

``rate_limit_windows`` counts the requests of each credential of a dialect per one-minute
window (``core.rate_limits``).

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secret_key_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "rate_limit_windows",
        sa.Column("dialect", sa.String(40), primary_key=True),
        sa.Column("subject_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("window_start", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("hits", sa.Integer(), nullable=False),
    )
    op.execute(
        "UPDATE documents SET prehash = NULL "
        "WHERE prehash IS NOT NULL AND prehash NOT LIKE '%{clave}%'"
    )


def downgrade() -> None:
    op.drop_table("rate_limit_windows")
    op.drop_table("secret_key_check")
