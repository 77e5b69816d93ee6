"""The simulated DIAN's tables: portal registry, received documents, duplicates, identity.

Databases made before the simulator had migrations already hold these tables (the simulator
created them itself on first use, with the same definitions): a table that exists is adopted,
with its rows, after checking it has the expected columns; only what is missing is created.

Revision ID: simulador_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "simulador_0001"
down_revision = None
branch_labels = ("simulador",)
depends_on = None  # no table here references core's


def timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column:
    kind = sa.Text() if length is None else sa.String(length)
    return sa.Column(name, kind, nullable=nullable)


def tables() -> list[tuple[str, list[sa.Column], dict[str, list[str]]]]:
    """(name, columns, indexes by name) of every table, in creation order."""
    return [
        (
            "sim_companies",
            [
                sa.Column("nit", sa.String(20), primary_key=True),
                text("dv", 1),
                text("name", 450),
                timestamp("registered_at"),
            ],
            {},
        ),
        (
            "sim_software",
            [
                sa.Column("id", sa.String(64), primary_key=True),
                text("pin", 64),
                text("provider_nit", 20),
                text("test_set_id", 64, nullable=True),
                sa.Column("active", sa.Boolean(), nullable=False),
            ],
            {},
        ),
        (
            "sim_issuer_software",
            [
                sa.Column("issuer_nit", sa.String(20), primary_key=True),
                sa.Column("software_id", sa.String(64), primary_key=True),
            ],
            {},
        ),
        (
            "sim_ranges",
            [
                sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                text("issuer_nit", 20),
                text("software_id", 64),
                text("document_type", 4),
                text("resolution_number", 40),
                sa.Column("resolution_date", sa.Date(), nullable=True),
                text("prefix", 10),
                sa.Column("from_number", sa.Integer(), nullable=False),
                sa.Column("to_number", sa.Integer(), nullable=False),
                sa.Column("valid_from", sa.Date(), nullable=False),
                sa.Column("valid_to", sa.Date(), nullable=False),
                text("technical_key", 128, nullable=True),
            ],
            {"ix_sim_ranges_issuer": ["issuer_nit", "software_id"]},
        ),
        (
            "sim_certificates",
            [
                sa.Column("fingerprint", sa.String(64), primary_key=True),
                sa.Column("issuer_nit", sa.String(20), primary_key=True),
                sa.Column("der", sa.LargeBinary(), nullable=False),
            ],
            {},
        ),
        (
            "sim_batches",
            [
                sa.Column("zip_key", sa.String(36), primary_key=True),
                text("file_name", 200),
                text("test_set_id", 64, nullable=True),
                timestamp("received_at"),
            ],
            {"ix_sim_batches_test_set_id": ["test_set_id"]},
        ),
        (
            "sim_documents",
            [
                sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
                text("document_key", 96),
                text("issuer_nit", 20),
                text("document_type", 4),
                text("number", 40),
                sa.Column("issue_date", sa.Date(), nullable=True),
                sa.Column("is_valid", sa.Boolean(), nullable=False),
                text("status_code", 4),
                text("status_description", 200),
                text("status_message", 400),
                text("error_messages"),
                text("xml_file_name", 200),
                sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
                sa.Column("application_response", sa.LargeBinary(), nullable=False),
                text("zip_key", 36, nullable=True),
                text("test_set_id", 64, nullable=True),
                timestamp("received_at"),
            ],
            {
                "ix_sim_documents_document_key": ["document_key"],
                "ix_sim_documents_zip_key": ["zip_key"],
            },
        ),
        (
            "sim_accepted_numbers",
            [
                sa.Column("duplicate_key", sa.String(64), primary_key=True),
                text("document_key", 96),
            ],
            {},
        ),
        (
            "sim_identity",
            [
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("pkcs12", sa.LargeBinary(), nullable=False),
                text("password", 64),
            ],
            {},
        ),
    ]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, columns, indexes in tables():
        if name in existing:
            found = {column["name"] for column in inspector.get_columns(name)}
            missing = sorted({column.name for column in columns} - found)
            if missing:
                raise RuntimeError(
                    f"table {name} exists but lacks the simulator's columns {missing}: "
                    "it is not the simulator's table; rename or drop it, then upgrade again"
                )
            present = {index["name"] for index in inspector.get_indexes(name)}
        else:
            op.create_table(name, *columns)
            present = set()
        for index, index_columns in indexes.items():
            if index not in present:
                op.create_index(index, name, index_columns)


def downgrade() -> None:
    for name, _, _ in reversed(tables()):
        op.drop_table(name)
