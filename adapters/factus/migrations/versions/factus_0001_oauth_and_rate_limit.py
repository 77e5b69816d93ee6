"""The Factus dialect's tables: OAuth clients (user and password of a credential), refresh
tokens, and the per-user request counters of the rate limit.

``credential_id`` is the id of a core credential (the OAuth client), without a foreign key so
the tree stands alone: a revoked credential fails the client authentication every grant starts
with, so its rows sign nobody in. Secrets are stored as SHA-256 hex (long random strings).
Times are epoch seconds: the same on SQLite and PostgreSQL, compared as numbers.

Revision ID: factus_0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "factus_0001"
down_revision = None
branch_labels = ("factus",)
depends_on = None  # ``credential_id`` names a core credential by id, without a foreign key

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "factus_clients",
        sa.Column("credential_id", BIG_ID, primary_key=True, autoincrement=False),
        sa.Column("client_id", sa.String(64), nullable=False, unique=True),
        sa.Column("username", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "factus_refresh_tokens",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("credential_id", BIG_ID, nullable=False),
        sa.Column("access_token_id", BIG_ID, nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_factus_refresh_tokens_credential", "factus_refresh_tokens", ["credential_id"]
    )
    op.create_table(
        "factus_rate_limits",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("window_start", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("hits", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("factus_rate_limits")
    op.drop_index("ix_factus_refresh_tokens_credential", table_name="factus_refresh_tokens")
    op.drop_table("factus_refresh_tokens")
    op.drop_table("factus_clients")
