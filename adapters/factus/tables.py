"""The Factus dialect's tables, as its migration tree creates them (``migrations/``)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# A credential's OAuth client: the client secret is the credential's token (hashed by core);
# the user name and password are the client's user, the password hashed here.
CLIENTS = sa.Table(
    "factus_clients",
    metadata,
    sa.Column("credential_id", BIG_ID, primary_key=True, autoincrement=False),
    sa.Column("client_id", sa.String(64), nullable=False, unique=True),
    sa.Column("username", sa.String(200), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.BigInteger(), nullable=False),
)

# One row per refresh token handed out; ``used_at`` is set when it is exchanged (rotation).
REFRESH_TOKENS = sa.Table(
    "factus_refresh_tokens",
    metadata,
    sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("credential_id", BIG_ID, nullable=False),
    sa.Column("access_token_id", BIG_ID, nullable=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("expires_at", sa.BigInteger(), nullable=False),
    sa.Column("used_at", sa.BigInteger(), nullable=True),
    sa.Column("created_at", sa.BigInteger(), nullable=False),
    sa.Index("ix_factus_refresh_tokens_credential", "credential_id"),
)

# Who is issuing a tenant's document of one kind right now (research §7: a kind's documents are
# issued one after another, a pending one blocking the next). A ``validate`` inserts the row
# before it looks for its reference code and deletes it when done, so two gateway processes
# never issue for the same code, nor both pass the "pending document" check. ``claimed_at``
# (epoch seconds) lets a claim left by a process that died be taken over once it is stale.
ISSUE_CLAIMS = sa.Table(
    "factus_issue_claims",
    metadata,
    sa.Column("tenant_id", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("reference_code", sa.String(100), nullable=False),
    sa.Column("token", sa.String(32), nullable=False),
    sa.Column("claimed_at", sa.BigInteger(), nullable=False),
)
