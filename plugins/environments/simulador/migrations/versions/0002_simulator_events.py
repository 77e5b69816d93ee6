"""The simulated DIAN's RADIAN events: ``sim_events`` (SendEventUpdateStatus, GetStatusEvent).

Revision ID: simulador_0002
Revises: simulador_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "simulador_0002"
down_revision = "simulador_0001"
branch_labels = None
depends_on = None


def _text(name: str, length: int, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sim_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _text("invoice_key", 96),
        _text("code", 4),
        _text("number", 40),
        _text("cude", 96),
        _text("issue_date", 10),
        _text("issue_time", 20),
        _text("sender_nit", 40),
        _text("receiver_nit", 40),
        _text("claim_concept", 4, nullable=True),
        sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("uq_sim_events_code", "sim_events", ["invoice_key", "code"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_sim_events_code", table_name="sim_events")
    op.drop_table("sim_events")
