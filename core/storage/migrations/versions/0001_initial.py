"""Initial schema: tenants, certificates, resolutions, credentials, documents, audit log, quotas.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = ("core",)
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
money = sa.Numeric(18, 2).with_variant(sa.String(32), "sqlite")


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def tenant_fk(ondelete: str = "CASCADE", nullable: bool = False) -> sa.Column:
    return sa.Column(
        "tenant_id", big_id, sa.ForeignKey("tenants.id", ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", big_id, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("nit", sa.String(20), nullable=False, unique=True),
        sa.Column("dv", sa.String(1), nullable=False),
        sa.Column("name", sa.String(450), nullable=False),
        sa.Column("party", sa.JSON(), nullable=False),
        sa.Column("environment", sa.String(40), nullable=False),
        sa.Column("software_id", sa.String(64), nullable=False),
        sa.Column("software_pin", sa.LargeBinary(), nullable=False),
        sa.Column("provider_nit", sa.String(20), nullable=False),
        sa.Column("provider_dv", sa.String(1), nullable=False),
        sa.Column("test_set_id", sa.String(64), nullable=True),
        sa.Column("permite_facturas", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("permite_notas_credito", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("permite_notas_debito", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("monthly_limit", sa.Integer(), nullable=True),
        sa.Column("yearly_limit", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="activo"),
        timestamp("created_at"),
        timestamp("updated_at"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", big_id, primary_key=True),
        sa.Column(
            "tenant_id",
            big_id,
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("pkcs12", sa.LargeBinary(), nullable=False),
        sa.Column("password", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        timestamp("not_after"),
        timestamp("created_at"),
    )
    op.create_table(
        "resolutions",
        sa.Column("id", big_id, primary_key=True),
        tenant_fk(),
        sa.Column("environment", sa.String(40), nullable=False),
        sa.Column("document_type", sa.String(4), nullable=False),
        sa.Column("resolution_number", sa.String(40), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=True),
        sa.Column("prefix", sa.String(10), nullable=False),
        sa.Column("from_number", sa.BigInteger(), nullable=False),
        sa.Column("to_number", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("technical_key", sa.String(128), nullable=True),
        sa.Column("next_number", sa.BigInteger(), nullable=False),
        timestamp("created_at"),
    )
    op.create_index(
        "ix_resolutions_lookup", "resolutions", ["tenant_id", "environment", "document_type"]
    )
    op.create_table(
        "credentials",
        sa.Column("id", big_id, primary_key=True),
        tenant_fk(),
        sa.Column("dialect", sa.String(40), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        timestamp("created_at"),
        timestamp("revoked_at", nullable=True),
        timestamp("last_used_at", nullable=True),
    )
    op.create_index("ix_credentials_tenant", "credentials", ["tenant_id"])
    op.create_table(
        "documents",
        sa.Column("id", big_id, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        tenant_fk(),
        sa.Column("dialect", sa.String(40), nullable=False),
        sa.Column("type_code", sa.String(4), nullable=False),
        sa.Column("environment", sa.String(40), nullable=False),
        sa.Column("prefix", sa.String(10), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        timestamp("issue_datetime", nullable=True),
        sa.Column("customer_id", sa.String(40), nullable=True),
        sa.Column("customer_name", sa.String(450), nullable=True),
        sa.Column("subtotal", money, nullable=True),
        sa.Column("taxes", money, nullable=True),
        sa.Column("tax_breakdown", sa.JSON(), nullable=True),
        sa.Column("payable", money, nullable=True),
        sa.Column("unique_code", sa.String(96), nullable=True),
        sa.Column("prehash", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="pendiente"),
        sa.Column("signed_xml", sa.Text(), nullable=True),
        sa.Column("zip_name", sa.String(100), nullable=True),
        sa.Column("zip_key", sa.String(100), nullable=True),
        sa.Column("dian_status_code", sa.String(10), nullable=True),
        sa.Column("dian_status_description", sa.Text(), nullable=True),
        sa.Column("dian_message", sa.Text(), nullable=True),
        sa.Column("dian_errors", sa.JSON(), nullable=True),
        sa.Column("application_response", sa.Text(), nullable=True),
        sa.Column("request_payload", sa.LargeBinary(), nullable=True),
        sa.Column("dialect_data", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        timestamp("next_attempt_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.UniqueConstraint(
            "tenant_id", "environment", "prefix", "number", name="uq_documents_number"
        ),
    )
    op.create_index("ix_documents_tenant_created", "documents", ["tenant_id", "created_at"])
    op.create_index("ix_documents_unique_code", "documents", ["unique_code"])
    op.create_index("ix_documents_due", "documents", ["status", "next_attempt_at"])
    op.create_index("ix_documents_reference", "documents", ["tenant_id", "reference"])
    op.create_table(
        "audit_log",
        sa.Column("id", big_id, primary_key=True),
        timestamp("at"),
        tenant_fk(ondelete="SET NULL", nullable=True),
        sa.Column("credential_id", sa.BigInteger(), nullable=True),
        sa.Column("dialect", sa.String(40), nullable=True),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(45), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
    )
    op.create_index("ix_audit_tenant_at", "audit_log", ["tenant_id", "at"])
    op.create_table(
        "quota_usage",
        sa.Column(
            "tenant_id",
            big_id,
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("period_key", sa.String(7), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table in (
        "quota_usage",
        "audit_log",
        "documents",
        "credentials",
        "resolutions",
        "certificates",
        "tenants",
    ):
        op.drop_table(table)
