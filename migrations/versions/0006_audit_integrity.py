"""Audit integrity: retention cuts are signed and checked on insert (LG-input-control,
LG-retention).

Before this revision anyone who could INSERT into ``audit_checkpoints`` could name any cut, and
the DELETE trigger of ``0003_policies`` then let them delete every event up to it. Now:

* ``audit_checkpoints`` gains ``key_id`` and ``signature``: the service's Ed25519 signature
  over the cut (``service.audit.cuts``). The key lives outside the database, so a row written
  by hand cannot carry a valid signature, and every verifier refuses a cut whose signature
  does not verify.
* a BEFORE INSERT trigger accepts a cut only if it is signed (the columns are filled), moves
  strictly forward, and names an event that exists with exactly that hash. A database role
  without the signing key can therefore no longer open the DELETE trigger by inserting a row
  with NULL signature, nor cut at an invented position.

The trigger cannot check the signature itself (no Ed25519 in SQL): a row with a made-up
signature is accepted by the database but reported by ``GET /v1/audit/verify``,
``watchlist audit verify`` and the offline export verifier. Columns are added with plain
``ALTER TABLE ... ADD COLUMN`` (no SQLite batch rebuild, which would drop the append-only
triggers). Cuts recorded before this revision stay unsigned; verification reports them until
the next purge supersedes them with a signed cut.

Revision ID: 0006_audit_integrity
Revises: 0004_oversight, 0003_policies
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_audit_integrity"
down_revision = ("0004_oversight", "0003_policies")
branch_labels = None
depends_on = None

_REFUSALS = (
    (
        "NEW.key_id IS NULL OR NEW.signature IS NULL",
        "audit_checkpoints: a retention cut must be signed",
    ),
    (
        "NEW.cut_seq <= COALESCE((SELECT max(cut_seq) FROM audit_checkpoints), 0)",
        "audit_checkpoints: a retention cut must move forward",
    ),
    (
        "NOT EXISTS (SELECT 1 FROM audit_events WHERE seq = NEW.cut_seq "
        "AND hash = NEW.cut_hash)",
        "audit_checkpoints: cut_hash is not the stored hash of event cut_seq",
    ),
)


def upgrade() -> None:
    op.add_column("audit_checkpoints", sa.Column("key_id", sa.String(64), nullable=True))
    op.add_column("audit_checkpoints", sa.Column("signature", sa.String(200), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        checks = "\n".join(
            f"IF {condition} THEN RAISE EXCEPTION '{message}' "
            "USING ERRCODE = 'insufficient_privilege'; END IF;"
            for condition, message in _REFUSALS
        )
        op.execute(
            f"""
            CREATE FUNCTION audit_checkpoints_insert_rule() RETURNS trigger AS $$
            BEGIN
                {checks}
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_checkpoints_insert_rule BEFORE INSERT ON audit_checkpoints "
            "FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_insert_rule()"
        )
    else:
        body = " ".join(
            f"SELECT RAISE(ABORT, '{message}') WHERE {condition};"
            for condition, message in _REFUSALS
        )
        op.execute(
            "CREATE TRIGGER audit_checkpoints_insert_rule BEFORE INSERT ON audit_checkpoints "
            f"BEGIN {body} END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_insert_rule ON audit_checkpoints")
        op.execute("DROP FUNCTION IF EXISTS audit_checkpoints_insert_rule()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_insert_rule")
    # Plain DROP COLUMN (SQLite >= 3.35) keeps the table and so its triggers.
    op.drop_column("audit_checkpoints", "signature")
    op.drop_column("audit_checkpoints", "key_id")
