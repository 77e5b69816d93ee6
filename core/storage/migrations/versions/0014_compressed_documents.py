"""Compressed documents: the signed XML, DIAN's ApplicationResponse, the AttachedDocument and
the dialect data of each document move to binary columns holding them deflated
(``core.storage.column_types.CompressedText`` / ``CompressedJson``).

Existing values are kept as they are (plain UTF-8, which the column types still read); new and
updated values are written compressed. The downgrade writes every value back as text.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.column_types import decompress

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TEXT_COLUMNS = ("signed_xml", "application_response", "attached_document")
JSON_COLUMN = "dialect_data"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in TEXT_COLUMNS:
            op.alter_column(
                "documents",
                name,
                type_=sa.LargeBinary(),
                existing_type=sa.Text(),
                postgresql_using=f"convert_to({name}, 'UTF8')",
            )
        op.alter_column(
            "documents",
            JSON_COLUMN,
            type_=sa.LargeBinary(),
            existing_type=sa.JSON(),
            postgresql_using=f"convert_to({JSON_COLUMN}::text, 'UTF8')",
        )
        return
    with op.batch_alter_table("documents") as documents:  # SQLite keeps each value as it was
        for name in TEXT_COLUMNS:
            documents.alter_column(name, type_=sa.LargeBinary(), existing_type=sa.Text())
        documents.alter_column(JSON_COLUMN, type_=sa.LargeBinary(), existing_type=sa.JSON())


def downgrade() -> None:
    bind = op.get_bind()
    columns = (*TEXT_COLUMNS, JSON_COLUMN)
    table = sa.table("documents", sa.column("id"), *(sa.column(n, sa.LargeBinary) for n in columns))
    for row in bind.execute(sa.select(table)).all():
        values = {
            n: None if row[i + 1] is None else decompress(row[i + 1]) for i, n in enumerate(columns)
        }
        bind.execute(sa.update(table).where(table.c.id == row[0]).values(**values))
    if bind.dialect.name == "postgresql":
        for name in TEXT_COLUMNS:
            op.alter_column(
                "documents",
                name,
                type_=sa.Text(),
                existing_type=sa.LargeBinary(),
                postgresql_using=f"convert_from({name}, 'UTF8')",
            )
        op.alter_column(
            "documents",
            JSON_COLUMN,
            type_=sa.JSON(),
            existing_type=sa.LargeBinary(),
            postgresql_using=f"convert_from({JSON_COLUMN}, 'UTF8')::json",
        )
        return
    with op.batch_alter_table("documents") as documents:
        for name in TEXT_COLUMNS:
            documents.alter_column(name, type_=sa.Text(), existing_type=sa.LargeBinary())
        documents.alter_column(JSON_COLUMN, type_=sa.JSON(), existing_type=sa.LargeBinary())
