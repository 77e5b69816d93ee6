"""AttachedDocuments: each accepted document keeps the signed container sent to the buyer.

Two nullable columns on ``documents``: the AttachedDocument XML and when it was built. Older
accepted documents keep ``NULL`` and get theirs built the first time it is asked for.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as documents:
        documents.add_column(sa.Column("attached_document", sa.Text(), nullable=True))
        documents.add_column(sa.Column("attached_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as documents:
        documents.drop_column("attached_at")
        documents.drop_column("attached_document")
