"""The simulated DIAN's habilitación outcome: accepted test sets and the production numbering
resolutions it authorized for them.

Revision ID: simulador_0003
Revises: simulador_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "simulador_0003"
down_revision = "simulador_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sim_test_set_acceptances",
        sa.Column("test_set_id", sa.String(64), primary_key=True),
        sa.Column("software_id", sa.String(64), nullable=False),
        sa.Column("issuer_nit", sa.String(20), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_sim_test_set_acceptances_software", "sim_test_set_acceptances", ["software_id"]
    )
    op.create_table(
        "sim_resolutions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("issuer_nit", sa.String(20), nullable=False),
        sa.Column("software_id", sa.String(64), nullable=False),
        sa.Column("document_type", sa.String(4), nullable=False),
        sa.Column("resolution_number", sa.String(40), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=False),
        sa.Column("prefix", sa.String(10), nullable=False),
        sa.Column("from_number", sa.Integer(), nullable=False),
        sa.Column("to_number", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("technical_key", sa.String(128), nullable=False),
    )
    op.create_index("ix_sim_resolutions_issuer", "sim_resolutions", ["issuer_nit", "software_id"])


def downgrade() -> None:
    op.drop_index("ix_sim_resolutions_issuer", table_name="sim_resolutions")
    op.drop_table("sim_resolutions")
    op.drop_index("ix_sim_test_set_acceptances_software", table_name="sim_test_set_acceptances")
    op.drop_table("sim_test_set_acceptances")
