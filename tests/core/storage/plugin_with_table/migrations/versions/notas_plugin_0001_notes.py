"""The plugin's notes, one per tenant and text.

Revision ID: notas_plugin_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notas_plugin_0001"
down_revision = None
branch_labels = ("notas_plugin",)
depends_on = "0001"  # core's first revision: the tenants table


def upgrade() -> None:
    op.create_table(
        "notas_plugin_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notas_plugin_notes")
