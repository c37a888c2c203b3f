"""The registry: entries, their history and sharing, and the append-only audit trail.

Revision ID: 0001_registry
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_registry"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("names", JSON, nullable=False),
        sa.Column("birth_dates", JSON, nullable=False),
        sa.Column("birth_places", JSON, nullable=False),
        sa.Column("gender", sa.String(16)),
        sa.Column("nationalities", JSON, nullable=False),
        sa.Column("documents", JSON, nullable=False),
        sa.Column("legal_basis_instrument", sa.String(300), nullable=False),
        sa.Column("legal_basis_article", sa.String(200), nullable=False),
        sa.Column("decision_ref", sa.String(200), nullable=False),
        sa.Column("listing_standard", sa.String(200), nullable=False),
        sa.Column("articulable_facts", sa.Text, nullable=False),
        sa.Column("data_subject_category", sa.String(20), nullable=False),
        sa.Column("derogatory_items", JSON, nullable=False),
        sa.Column("originating_agency", sa.String(100), nullable=False),
        sa.Column("nominating_officer", sa.String(200), nullable=False),
        sa.Column("action_on_hit", sa.String(40), nullable=False),
        sa.Column("handling_code", sa.String(40), nullable=False),
        sa.Column("contact_point", sa.String(300), nullable=False),
        sa.Column("warning_flags", JSON, nullable=False),
        sa.Column("best_interests_justification", sa.Text),
        sa.Column("source", sa.String(100)),
        sa.Column("source_ref", sa.String(200)),
        sa.Column("listed_at", sa.DateTime(), nullable=False),
        sa.Column("activated_at", sa.DateTime()),
        sa.Column("review_due", sa.DateTime()),
        sa.Column("expires_at", sa.DateTime()),
        sa.Column("reviewed_by", sa.String(200)),
        sa.Column("status_reason", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending_review','active','suspended','expired','delisted','rejected')",
            name="status_known",
        ),
        sa.CheckConstraint("kind IN ('person','organisation')", name="kind_known"),
        sa.CheckConstraint(
            "data_subject_category IN ('SUSPECT','CONVICTED','VICTIM','OTHER_PARTY')",
            name="data_subject_category_known",
        ),
    )
    op.create_index("ix_entries_status", "entries", ["status"])
    op.create_index("ix_entries_data_subject_category", "entries", ["data_subject_category"])
    op.create_index("ix_entries_originating_agency", "entries", ["originating_agency"])
    op.create_index("ix_entries_review_due", "entries", ["review_due"])
    op.create_index("ix_entries_expires_at", "entries", ["expires_at"])
    op.create_index("ix_entries_updated_at", "entries", ["updated_at"])
    op.create_index("ix_entries_source_ref", "entries", ["source", "source_ref"])

    op.create_table(
        "entry_shares",
        sa.Column(
            "entry_id",
            sa.String(36),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("agency", sa.String(100), primary_key=True),
    )
    op.create_index("ix_entry_shares_agency", "entry_shares", ["agency"])

    op.create_table(
        "entry_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "entry_id",
            sa.String(36),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("snapshot", JSON, nullable=False),
        sa.Column("changed_fields", JSON, nullable=False),
        sa.Column("change", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor_sub", sa.String(200), nullable=False),
        sa.Column("actor_agency", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("entry_id", "version", name="uq_entry_versions_entry_id"),
    )
    op.create_index("ix_entry_versions_entry_id", "entry_versions", ["entry_id"])

    op.create_table(
        "audit_events",
        sa.Column("seq", BIGINT, primary_key=True, autoincrement=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor_sub", sa.String(200), nullable=False),
        sa.Column("actor_agency", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(40), nullable=False),
        sa.Column("operation", sa.String(20), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target_type", sa.String(40)),
        sa.Column("target_id", sa.String(100)),
        sa.Column("purpose", sa.Text),
        sa.Column("request_id", sa.String(100)),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("prev_hash", name="uq_audit_events_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_audit_events_hash"),
        sa.CheckConstraint(
            "operation IN ('collection','alteration','consultation','disclosure',"
            "'combination','erasure')",
            name="operation_known",
        ),
    )
    for column in ("occurred_at", "actor_sub", "operation", "action", "target_id"):
        op.create_index(f"ix_audit_events_{column}", "audit_events", [column])

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", BIGINT, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="single_row"),
    )
    op.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')")

    _protect_audit_events()


def _protect_audit_events() -> None:
    """The database itself refuses to rewrite or remove audit events."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_table("audit_head")
    op.drop_table("audit_events")
    op.drop_table("entry_versions")
    op.drop_table("entry_shares")
    op.drop_table("entries")
