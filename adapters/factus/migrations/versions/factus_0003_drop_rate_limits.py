"""Factus' own rate-limit table goes: the per-credential limits of every dialect are core's
(``rate_limit_windows``, ``PASARELA_RATE_LIMIT_FACTUS``).

Revision ID: factus_0003
Revises: factus_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "factus_0003"
down_revision = "factus_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("factus_rate_limits")


def downgrade() -> None:
    op.create_table(
        "factus_rate_limits",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("window_start", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("hits", sa.Integer(), nullable=False),
    )
