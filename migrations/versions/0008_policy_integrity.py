"""Policy integrity: the purpose-achieved deletion task and the removal SLA leave a trace on
the entry's policy row (RV-purpose-achieved, RV-removal-latency); a lawfulness review after an
indirect access request can be closed (RD-indirect-access).

Only nullable columns are added, with plain ``ALTER TABLE ... ADD COLUMN`` on both backends: no
table is rebuilt, so no trigger is touched (neither table has any).

Revision ID: 0008_policy_integrity
Revises: 0003_policies
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_policy_integrity"
down_revision = "0003_policies"
branch_labels = None
depends_on = None

ENTRY_POLICY_COLUMNS = (
    "removal_answered_at",  # the owner delisted, or kept the entry with reasons
    "removal_escalated_at",  # the deletion task passed its reply date unanswered
    "removal_sla_breached_at",  # removal took longer than the pack's latency SLA
)


def upgrade() -> None:
    for name in ENTRY_POLICY_COLUMNS:
        op.add_column("entry_policy", sa.Column(name, sa.DateTime()))
    op.add_column("lawfulness_reviews", sa.Column("closed_at", sa.DateTime()))
    op.add_column("lawfulness_reviews", sa.Column("closed_by", sa.String(200)))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35), not a batch rebuild: a rebuild would lose the
    # unreflected CHECK constraint on entry_policy.removal_trigger.
    op.drop_column("lawfulness_reviews", "closed_by")
    op.drop_column("lawfulness_reviews", "closed_at")
    for name in reversed(ENTRY_POLICY_COLUMNS):
        op.drop_column("entry_policy", name)
