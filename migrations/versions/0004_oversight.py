"""Oversight: signed audit checkpoints; import bookkeeping (runs and per-record digests).

Revision ID: 0004_oversight
Revises: 0001_registry
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_oversight"
down_revision = "0001_registry"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints_signed",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seq", BIGINT, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_checkpoints_signed"),
    )
    op.create_index("ix_audit_checkpoints_signed_seq", "audit_checkpoints_signed", ["seq"])

    op.create_table(
        "import_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("edition", sa.String(200), nullable=False),
        sa.Column("file_sha256", sa.String(64)),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("actor_sub", sa.String(200), nullable=False),
        sa.Column("summary", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_runs"),
    )
    op.create_index("ix_import_runs_source", "import_runs", ["source"])

    op.create_table(
        "import_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_ref", sa.String(200), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("last_run_id", sa.String(36), nullable=False),
        sa.Column("last_edition", sa.String(200), nullable=False),
        sa.Column("removed_at", sa.DateTime()),
        sa.Column("removal_note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_import_records"),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            ondelete="CASCADE",
            name="fk_import_records_entry_id_entries",
        ),
        sa.UniqueConstraint("source", "source_ref", name="uq_import_records_source"),
    )
    op.create_index("ix_import_records_entry_id", "import_records", ["entry_id"])
    op.create_index("ix_import_records_run", "import_records", ["last_run_id"])


def downgrade() -> None:
    op.drop_table("import_records")
    op.drop_table("import_runs")
    op.drop_table("audit_checkpoints_signed")
