"""Durable jobs: the ``jobs`` table; every pending document becomes a DIAN delivery job.

Until now a pending document carried its own retry time (``documents.next_attempt_at``);
the job queue (``core.jobs``) holds that now, so the column and its index go, and no pending
work is lost: each ``pendiente`` document gets a ``dian.deliver`` job due when its retry was.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DELIVERY_KIND = "dian.deliver"  # core.issuing.DELIVERY_JOB, spelled here as the data it is


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", big_id, primary_key=True),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="queued"),
        timestamp("due_at"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        timestamp("lease_until", nullable=True),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
    )
    op.create_index("ix_jobs_due", "jobs", ["status", "due_at"])
    bind = op.get_bind()
    payload = (
        "json_build_object('tenant_id', tenant_id, 'uuid', uuid)"
        if bind.dialect.name == "postgresql"
        else "json_object('tenant_id', tenant_id, 'uuid', uuid)"
    )
    # Times are copied column to column, so each backend keeps its own storage format.
    bind.execute(
        sa.text(
            "INSERT INTO jobs (kind, payload, status, due_at, attempts, last_error,"
            " created_at, updated_at)"
            f" SELECT :kind, {payload}, 'queued', COALESCE(next_attempt_at, updated_at),"
            " attempts, last_error, created_at, updated_at"
            " FROM documents WHERE status = 'pendiente' ORDER BY id"
        ),
        {"kind": DELIVERY_KIND},
    )
    with op.batch_alter_table("documents") as documents:
        documents.drop_index("ix_documents_due")
        documents.drop_column("next_attempt_at")


def downgrade() -> None:
    with op.batch_alter_table("documents") as documents:
        documents.add_column(timestamp("next_attempt_at", nullable=True))
        documents.create_index("ix_documents_due", ["status", "next_attempt_at"])
    op.execute("UPDATE documents SET next_attempt_at = updated_at WHERE status = 'pendiente'")
    op.drop_index("ix_jobs_due", table_name="jobs")
    op.drop_table("jobs")
