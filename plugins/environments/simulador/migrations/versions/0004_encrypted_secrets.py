"""The simulated DIAN's secrets encrypted: software PINs and its own certificate's password.

The store now keeps them encrypted with the gateway's secret key (base64 text, longer than the
old ``String(64)``, so the columns become ``Text``). A migration has no key: PINs stored in
clear before are still read, and stored encrypted the next time the gateway provisions their
company; the simulated DIAN's certificate, whose password was in clear, is dropped and
generated anew (encrypted) on first use.

Revision ID: simulador_0004
Revises: simulador_0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "simulador_0004"
down_revision = "simulador_0003"
branch_labels = None
depends_on = None


def _column_types(kind: sa.types.TypeEngine) -> None:
    for table, column in (("sim_software", "pin"), ("sim_identity", "password")):
        with op.batch_alter_table(table) as batch:  # SQLite rebuilds the table
            batch.alter_column(column, type_=kind, existing_nullable=False)


def upgrade() -> None:
    op.execute("DELETE FROM sim_identity")
    _column_types(sa.Text())


def downgrade() -> None:
    op.execute("DELETE FROM sim_identity")
    _column_types(sa.String(64))
