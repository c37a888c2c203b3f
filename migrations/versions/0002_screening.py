"""Screening: the entry change feed, screenings, hits, decisions and the cleared-persons register.

Revision ID: 0002_screening
Revises: 0001_registry
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_screening"
down_revision = "0001_registry"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # The feed: an identity column on PostgreSQL, AUTOINCREMENT (never reused) on SQLite.
    op.create_table(
        "entry_changes",
        sa.Column("seq", BIGINT, sa.Identity(always=False), primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("change", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_entry_changes_entry_id", "entry_changes", ["entry_id"])

    op.create_table(
        "screening_queries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("data", JSON),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("erased_at", sa.DateTime()),
    )
    op.create_index("ix_screening_queries_created_at", "screening_queries", ["created_at"])

    op.create_table(
        "screenings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("batch_id", sa.String(36)),
        sa.Column("traveller_ref", sa.String(100)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_sub", sa.String(200), nullable=False),
        sa.Column("actor_agency", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(100), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("query_id", sa.String(36),
                  sa.ForeignKey("screening_queries.id", ondelete="SET NULL",
                                name="fk_screenings_query_id_screening_queries")),
        sa.Column("query_digest", sa.String(64), nullable=False),
        sa.Column("list_version", BIGINT, nullable=False),
        sa.Column("data_as_of", sa.DateTime(), nullable=False),
        sa.Column("stale", sa.Boolean(name="stale_bool"), nullable=False),
        sa.Column("result", sa.String(30), nullable=False),
        sa.Column("hit_count", sa.Integer, nullable=False),
        sa.Column("raised_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_screenings_batch_id", "screenings", ["batch_id"])
    op.create_index("ix_screenings_created_at", "screenings", ["created_at"])
    op.create_index("ix_screenings_query_id", "screenings", ["query_id"])

    op.create_table(
        "screening_hits",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("screening_id", sa.String(36),
                  sa.ForeignKey("screenings.id", ondelete="CASCADE",
                                name="fk_screening_hits_screening_id_screenings"),
                  nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("band", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("explanation", JSON, nullable=False),
        sa.Column("algorithm", sa.String(60), nullable=False),
        sa.Column("algorithm_version", sa.String(100), nullable=False),
        sa.Column("list_version", BIGINT, nullable=False),
        sa.Column("cleared_by_decision_id", sa.String(36)),
        sa.Column("cleared_person_id", sa.String(36)),
    )
    op.create_index("ix_screening_hits_screening_id", "screening_hits", ["screening_id"])
    op.create_index("ix_screening_hits_entry_id", "screening_hits", ["entry_id"])

    op.create_table(
        "hit_decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("hit_id", sa.String(36),
                  sa.ForeignKey("screening_hits.id", ondelete="CASCADE",
                                name="fk_hit_decisions_hit_id_screening_hits"),
                  nullable=False),
        sa.Column("screening_id", sa.String(36), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_agency", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("document_digest", sa.String(64)),
        sa.Column("name_birth_digest", sa.String(64)),
        sa.Column("revoked_at", sa.DateTime()),
        sa.Column("revoked_by", sa.String(200)),
        sa.Column("revoke_reason", sa.Text),
        sa.CheckConstraint("decision IN ('confirmed','false_positive','inconclusive')",
                           name="ck_hit_decisions_decision_known"),
    )
    for column in ("hit_id", "screening_id", "entry_id", "document_digest", "name_birth_digest"):
        op.create_index(f"ix_hit_decisions_{column}", "hit_decisions", [column])

    op.create_table(
        "cleared_persons",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("consent_ref", sa.String(200), nullable=False),
        sa.Column("consent_given_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_agency", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("identity", JSON),
        sa.Column("document_digests", JSON, nullable=False),
        sa.Column("name_birth_digests", JSON, nullable=False),
        sa.Column("withdrawn_at", sa.DateTime()),
        sa.Column("withdrawn_by", sa.String(200)),
        sa.Column("withdrawal_reason", sa.Text),
    )
    op.create_index("ix_cleared_persons_entry_id", "cleared_persons", ["entry_id"])


def downgrade() -> None:
    op.drop_table("cleared_persons")
    op.drop_table("hit_decisions")
    op.drop_table("screening_hits")
    op.drop_table("screenings")
    op.drop_table("screening_queries")
    op.drop_table("entry_changes")
