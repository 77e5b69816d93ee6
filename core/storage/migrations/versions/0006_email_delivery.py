"""E-mail to the buyer: each tenant's SMTP settings, and each document's delivery outcome.

``tenant_smtp`` holds one row per tenant (the password encrypted with the gateway's
SecretBox, like the certificate password). Four nullable columns on ``documents`` record the
delivery: its status (``pendiente``, ``enviado``, ``fallido``, ``sin_correo``; ``NULL`` when
no delivery was asked for), when and to whom it was sent, and the last error.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tenant_smtp",
        sa.Column(
            "tenant_id",
            big_id,
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(10), nullable=False),
        sa.Column("username", sa.String(255), nullable=True),
        sa.Column("password", sa.LargeBinary(), nullable=True),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("deliver_by_default", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("documents") as documents:
        documents.add_column(sa.Column("delivery_status", sa.String(20), nullable=True))
        sent_at = sa.Column("delivery_sent_at", sa.DateTime(timezone=True), nullable=True)
        documents.add_column(sent_at)
        documents.add_column(sa.Column("delivery_sent_to", sa.String(320), nullable=True))
        documents.add_column(sa.Column("delivery_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as documents:
        documents.drop_column("delivery_error")
        documents.drop_column("delivery_sent_to")
        documents.drop_column("delivery_sent_at")
        documents.drop_column("delivery_status")
    op.drop_table("tenant_smtp")
