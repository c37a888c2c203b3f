"""Policies: review decisions, per-entry policy state, redress, erasure records, audit
checkpoints; the audit DELETE trigger now allows removing events at or below a recorded
retention checkpoint (LG-retention) and nothing else.

Revision ID: 0003_policies
Revises: 0001_registry
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_policies"
down_revision = "0001_registry"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _entry_fk(table: str) -> sa.Column:
    return sa.Column(
        "entry_id",
        sa.String(36),
        sa.ForeignKey("entries.id", ondelete="CASCADE", name=f"fk_{table}_entry_id_entries"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "entry_policy",
        sa.Column(
            "entry_id",
            sa.String(36),
            sa.ForeignKey(
                "entries.id", ondelete="CASCADE", name="fk_entry_policy_entry_id_entries"
            ),
            primary_key=True,
        ),
        sa.Column("pack_id", sa.String(64)),
        sa.Column("pack_version", sa.String(64)),
        sa.Column("is_minor", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("extension_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_reviewed_at", sa.DateTime()),
        sa.Column("warned_at", sa.DateTime()),
        sa.Column("warned_for_due", sa.DateTime()),
        sa.Column("lapsed_at", sa.DateTime()),
        sa.Column("majority_flagged_at", sa.DateTime()),
        sa.Column("minor_checked_at", sa.DateTime()),
        sa.Column("removal_trigger", sa.String(20)),
        sa.Column("removal_trigger_at", sa.DateTime()),
        sa.Column("removed_at", sa.DateTime()),
        sa.Column("disputed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("subject_statement", sa.Text),
        sa.Column("disputed_at", sa.DateTime()),
        sa.Column("dispute_case_id", sa.String(36)),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "removal_trigger IN ('purpose_achieved','case_closed')",
            name="ck_entry_policy_removal_trigger_known",
        ),
        sa.PrimaryKeyConstraint("entry_id", name="pk_entry_policy"),
    )

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        _entry_fk("review_decisions"),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("reviewer_sub", sa.String(200), nullable=False),
        sa.Column("reviewer_agency", sa.String(100), nullable=False),
        sa.Column("necessity", sa.Text),
        sa.Column("proportionality", sa.Text),
        sa.Column("reasons", sa.Text),
        sa.Column("restriction_reassessment", sa.Text),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("previous_review_due", sa.DateTime()),
        sa.Column("new_review_due", sa.DateTime()),
        sa.Column("extension_number", sa.Integer, nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("pack_version", sa.String(64), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('retain','modify','delist')", name="ck_review_decisions_outcome_known"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_decisions"),
    )
    op.create_index("ix_review_decisions_entry_id", "review_decisions", ["entry_id"])

    op.create_table(
        "redress_cases",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tracking_number", sa.String(24), nullable=False),
        sa.Column("request_kind", sa.String(20), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("profile_name", sa.String(64), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("pack_version", sa.String(64), nullable=False),
        sa.Column("milestones", JSON, nullable=False),
        sa.Column("extensions", JSON, nullable=False),
        sa.Column("escalations", JSON, nullable=False),
        sa.Column("decision_outcome", sa.String(20)),
        sa.Column("factual_reasons", sa.Text),
        sa.Column("legal_reasons", sa.Text),
        sa.Column("public_summary", sa.Text),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("letter", sa.Text),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_agency", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_redress_cases"),
        sa.UniqueConstraint("tracking_number", name="uq_redress_cases_tracking_number"),
        sa.CheckConstraint(
            "decision_outcome IN ('no_record','corrected','delisted','maintained',"
            "'restricted_reply')",
            name="ck_redress_cases_decision_outcome_known",
        ),
    )
    op.create_index("ix_redress_cases_state", "redress_cases", ["state"])

    op.create_table(
        "redress_case_entries",
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey(
                "redress_cases.id",
                ondelete="CASCADE",
                name="fk_redress_case_entries_case_id_redress_cases",
            ),
            nullable=False,
        ),
        _entry_fk("redress_case_entries"),
        sa.Column("linked_by", sa.String(200), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "entry_id", name="pk_redress_case_entries"),
    )
    op.create_index("ix_redress_case_entries_entry_id", "redress_case_entries", ["entry_id"])

    op.create_table(
        "redress_delistings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("identity_digests", JSON, nullable=False),
        sa.Column("facts_fingerprint", sa.String(80), nullable=False),
        sa.Column("material_ids", JSON, nullable=False),
        sa.Column("delisted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_redress_delistings"),
    )
    op.create_index("ix_redress_delistings_case_id", "redress_delistings", ["case_id"])

    op.create_table(
        "lawfulness_reviews",
        sa.Column("id", sa.String(36), nullable=False),
        _entry_fk("lawfulness_reviews"),
        sa.Column("request_reference", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lawfulness_reviews"),
    )
    op.create_index("ix_lawfulness_reviews_entry_id", "lawfulness_reviews", ["entry_id"])

    op.create_table(
        "erasure_records",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.Column("erased_by", sa.String(200), nullable=False),
        sa.Column("legal_reason", sa.String(40), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("pack_version", sa.String(64), nullable=False),
        sa.Column("extension_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("removal_trigger", sa.String(20)),
        sa.Column("removal_trigger_at", sa.DateTime()),
        sa.Column("removed_at", sa.DateTime()),
        sa.Column("rows_erased", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_erasure_records"),
        sa.UniqueConstraint("entry_id", name="uq_erasure_records_entry_id"),
    )
    op.create_index("ix_erasure_records_erased_at", "erasure_records", ["erased_at"])

    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cut_seq", BIGINT, nullable=False),
        sa.Column("cut_hash", sa.String(64), nullable=False),
        sa.Column("cutoff", sa.DateTime(), nullable=False),
        sa.Column("purged_events", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("pack_version", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_checkpoints"),
        sa.UniqueConstraint("cut_seq", name="uq_audit_checkpoints_cut_seq"),
    )
    _purge_rule()


def _purge_rule() -> None:
    """Audit events may be deleted only at or below a recorded checkpoint; checkpoints
    themselves are append-only; UPDATE and TRUNCATE of events stay refused."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_events_delete_below_checkpoint() RETURNS trigger AS $$
            BEGIN
                IF OLD.seq <= COALESCE((SELECT max(cut_seq) FROM audit_checkpoints), 0) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'audit_events is append-only: DELETE refused above the '
                    'last retention checkpoint' USING ERRCODE = 'insufficient_privilege';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute("DROP TRIGGER audit_events_no_delete ON audit_events")
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_delete_below_checkpoint()"
        )
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_checkpoints_no_{operation.lower()} BEFORE {operation} "
                "ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
            )
    else:
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "WHEN OLD.seq > COALESCE((SELECT max(cut_seq) FROM audit_checkpoints), 0) "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused above the "
            "last retention checkpoint'); END"
        )
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_checkpoints_no_{operation.lower()} BEFORE {operation} "
                "ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is "
                f"append-only: {operation} refused'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_update ON audit_checkpoints")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_delete ON audit_checkpoints")
        op.execute("DROP TRIGGER audit_events_no_delete ON audit_events")
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute("DROP FUNCTION IF EXISTS audit_events_delete_below_checkpoint()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_delete")
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END"
        )
    for table in (
        "audit_checkpoints",
        "erasure_records",
        "lawfulness_reviews",
        "redress_delistings",
        "redress_case_entries",
        "redress_cases",
        "review_decisions",
        "entry_policy",
    ):
        op.drop_table(table)
