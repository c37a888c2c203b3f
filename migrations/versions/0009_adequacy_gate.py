"""Adequacy gate (LB-adequacy-gate): the nominator's attestation and the duplicate check of
each entry, one row per entry, erased with it.

A new table only: no existing table is altered, so nothing is rebuilt on SQLite. Entries
nominated before this revision have no row; approval checks them for duplicates then.

Revision ID: 0009_adequacy_gate
Revises: 0008_policy_integrity
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009_adequacy_gate"
down_revision = "0008_policy_integrity"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "entry_adequacy",
        sa.Column(
            "entry_id",
            sa.String(36),
            sa.ForeignKey(
                "entries.id", ondelete="CASCADE", name="fk_entry_adequacy_entry_id_entries"
            ),
            nullable=False,
        ),
        sa.Column("attested_as", sa.String(20), nullable=False),
        sa.Column("attested_by", sa.String(200)),
        sa.Column("attested_at", sa.DateTime()),
        sa.Column("attestation_note", sa.Text),
        sa.Column("duplicates", JSON, nullable=False),
        sa.Column("duplicates_checked_at", sa.DateTime(), nullable=False),
        sa.Column("duplicates_complete", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.Text),
        sa.Column("resolved_by", sa.String(200)),
        sa.Column("resolved_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("entry_id", name="pk_entry_adequacy"),
    )


def downgrade() -> None:
    op.drop_table("entry_adequacy")
