"""Portal accounts: users (argon2 password hashes), server-side sessions, failed sign-ins
(login throttling shared by every process), password-reset tokens, and the portal user of
each audit row.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
aware = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "portal_users",
        sa.Column("id", big_id, primary_key=True),
        sa.Column(
            "tenant_id", big_id, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", aware, nullable=False),
        sa.Column("password_changed_at", aware, nullable=False),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            big_id,
            sa.ForeignKey("portal_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("flash", sa.Text(), nullable=True),
        sa.Column("created_at", aware, nullable=False),
        sa.Column("expires_at", aware, nullable=False),
    )
    op.create_index("ix_portal_sessions_user", "portal_sessions", ["user_id"])
    op.create_table(
        "portal_login_failures",
        sa.Column("id", big_id, primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("at", aware, nullable=False),
    )
    op.create_index("ix_portal_login_failures_key_at", "portal_login_failures", ["key", "at"])
    op.create_table(
        "portal_reset_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            big_id,
            sa.ForeignKey("portal_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("expires_at", aware, nullable=False),
        sa.Column("used_at", aware, nullable=True),
    )
    with op.batch_alter_table("audit_log") as audit:
        audit.add_column(sa.Column("user_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as audit:
        audit.drop_column("user_id")
    op.drop_table("portal_reset_tokens")
    op.drop_index("ix_portal_login_failures_key_at", "portal_login_failures")
    op.drop_table("portal_login_failures")
    op.drop_index("ix_portal_sessions_user", "portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_table("portal_users")
