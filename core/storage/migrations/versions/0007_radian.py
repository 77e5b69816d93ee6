"""RADIAN: invoices received from suppliers and the events tenants send on invoices.

``received_invoices`` holds each verified invoice a tenant loaded (one per tenant and CUFE,
with the XML as received); ``radian_events`` each event sent (030-034), its signed
ApplicationResponse and DIAN's answer.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
money = sa.Numeric(18, 2).with_variant(sa.String(32), "sqlite")


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column:
    kind = sa.Text() if length is None else sa.String(length)
    return sa.Column(name, kind, nullable=nullable)


def _tenant() -> sa.Column:
    return sa.Column(
        "tenant_id", big_id, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "received_invoices",
        sa.Column("id", big_id, primary_key=True),
        _tenant(),
        _text("cufe", 96),
        _text("type_code", 4),
        _text("number", 40),
        sa.Column("issue_date", sa.Date(), nullable=False),
        _text("issue_time", 20),
        sa.Column("due_date", sa.Date(), nullable=True),
        _text("supplier_nit", 40),
        _text("supplier_dv", 1, nullable=True),
        _text("supplier_id_type", 4),
        _text("supplier_name", 450),
        _text("customer_nit", 40),
        _text("currency", 3),
        _text("payment_form", 4, nullable=True),
        _text("payment_method", 4, nullable=True),
        sa.Column("line_extension", money, nullable=False),
        sa.Column("tax_total", money, nullable=False),
        sa.Column("payable", money, nullable=False),
        _text("environment", 2),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "cufe", name="uq_received_invoices_cufe"),
    )
    op.create_index(
        "ix_received_invoices_tenant_created", "received_invoices", ["tenant_id", "created_at"]
    )
    op.create_table(
        "radian_events",
        sa.Column("id", big_id, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        _tenant(),
        sa.Column(
            "received_id",
            big_id,
            sa.ForeignKey("received_invoices.id", ondelete="CASCADE"),
            nullable=True,
        ),
        _text("environment", 40),
        _text("role", 20),
        _text("code", 4),
        _text("number", 40),
        _text("cude", 96),
        sa.Column("issue_datetime", sa.DateTime(timezone=True), nullable=False),
        _text("invoice_cufe", 96),
        _text("invoice_number", 40),
        _text("invoice_type_code", 4),
        _text("sender_nit", 40),
        _text("receiver_nit", 40),
        _text("claim_concept", 4, nullable=True),
        sa.Column("person", sa.JSON(), nullable=True),
        _text("status", 20),
        sa.Column("registered_elsewhere", sa.Boolean(), nullable=False),
        _text("dian_status_code", 10, nullable=True),
        _text("dian_status_description", nullable=True),
        _text("dian_message", nullable=True),
        sa.Column("dian_errors", sa.JSON(), nullable=True),
        sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "number", name="uq_radian_events_number"),
    )
    op.create_index("ix_radian_events_invoice", "radian_events", ["tenant_id", "invoice_cufe"])


def downgrade() -> None:
    op.drop_index("ix_radian_events_invoice", table_name="radian_events")
    op.drop_table("radian_events")
    op.drop_index("ix_received_invoices_tenant_created", table_name="received_invoices")
    op.drop_table("received_invoices")
