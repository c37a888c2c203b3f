"""Screening integrity: at most one standing decision per hit, and coarse traveller attributes
on each screening for oversight statistics.

Before this revision two concurrent decisions on one hit could both be stored, after which every
later decision or revocation on that hit failed. Such duplicates are resolved here as the row
lock now resolves them: the earliest decision stands and the later ones are marked revoked by
this migration (kept, never deleted, with the reason), then the partial unique index is created.

``screenings`` gains ``traveller_nationality``, ``traveller_sex`` and ``traveller_age_band``
(MT-outcome-stats), so false-positive rates by group survive the erasure of the search data.
Rows written before this revision have none; the report falls back to their query data while
those still exist.

Name-and-birth-date digests that the new matching rule never uses are cleared (data
minimisation): those of cleared profiles, and those of decisions made on a document.

Only ``UPDATE``, ``ADD COLUMN`` and ``CREATE INDEX`` statements: no table is rebuilt, so the
append-only triggers of the audit tables are untouched on SQLite.

Revision ID: 0007_screening_integrity
Revises: 0002_screening
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_screening_integrity"
down_revision = "0002_screening"
branch_labels = None
depends_on = None

STANDING_DECISION_INDEX = "uq_hit_decisions_standing_hit_id"
DEMOGRAPHIC_COLUMNS = (("traveller_nationality", 2), ("traveller_sex", 16),
                       ("traveller_age_band", 8))
DUPLICATE_REASON = ("migration 0007: a second standing decision on this hit, stored by a race "
                    "that the service now refuses; the earlier decision stands")


def upgrade() -> None:
    op.get_bind().execute(
        sa.text(
            "UPDATE hit_decisions SET revoked_at = :now, revoked_by = 'migration-0007', "
            "revoke_reason = :reason "
            "WHERE revoked_at IS NULL AND EXISTS ("
            " SELECT 1 FROM hit_decisions earlier"
            " WHERE earlier.hit_id = hit_decisions.hit_id AND earlier.revoked_at IS NULL"
            " AND (earlier.decided_at < hit_decisions.decided_at"
            "  OR (earlier.decided_at = hit_decisions.decided_at"
            "   AND earlier.id < hit_decisions.id)))"
        ).bindparams(sa.bindparam("now", type_=sa.DateTime()), reason=DUPLICATE_REASON),
        {"now": datetime.now(UTC).replace(tzinfo=None)},
    )
    op.create_index(STANDING_DECISION_INDEX, "hit_decisions", ["hit_id"], unique=True,
                    sqlite_where=sa.text("revoked_at IS NULL"),
                    postgresql_where=sa.text("revoked_at IS NULL"))
    for name, length in DEMOGRAPHIC_COLUMNS:
        op.add_column("screenings", sa.Column(name, sa.String(length)))
    # Name-and-birth-date digests that can no longer recognise anyone are not kept: a cleared
    # profile is recognised by its documents only, a decision made on a document by it alone.
    op.execute("UPDATE cleared_persons SET name_birth_digests = '[]'")
    op.execute("UPDATE hit_decisions SET name_birth_digest = NULL "
               "WHERE document_digest IS NOT NULL")


def downgrade() -> None:
    # SQLite >= 3.35 drops a column in place; no batch rebuild of any table is needed.
    for name, _length in reversed(DEMOGRAPHIC_COLUMNS):
        op.drop_column("screenings", name)
    op.drop_index(STANDING_DECISION_INDEX, table_name="hit_decisions")
