"""The claim a ``validate`` holds while it issues a tenant's document of one kind, so several
gateway processes on one database issue one document per reference code and never two
pending documents of a kind (see ``adapters/factus/issue_claims.py``).

``tenant_id`` names a core tenant by id, without a foreign key so the tree stands alone (a
claim lives for one request). Times are epoch seconds.

Revision ID: factus_0002
Revises: factus_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "factus_0002"
down_revision = "factus_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "factus_issue_claims",
        sa.Column("tenant_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("reference_code", sa.String(100), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("claimed_at", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("factus_issue_claims")
