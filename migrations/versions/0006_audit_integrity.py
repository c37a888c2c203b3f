"""Audit integrity: retention cuts are signed and checked on insert (LG-input-control,
LG-retention); free-text purposes of audit events are erasable (RV-erasure-log).

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

``audit_events.purpose_digest`` and ``audit_texts``: a new event's free-text purpose (a
justification or a change reason, which may name the person) is stored in ``audit_texts`` with
a random salt, and the chain hashes only the salted digest; erasing an entry deletes the texts
of its events. Texts cannot be updated (trigger); the retention purge deletes them with their
events.

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


BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("audit_checkpoints", sa.Column("key_id", sa.String(64), nullable=True))
    op.add_column("audit_checkpoints", sa.Column("signature", sa.String(200), nullable=True))
    _checkpoint_insert_rule()
    op.add_column("audit_events", sa.Column("purpose_digest", sa.String(64), nullable=True))
    op.create_table(
        "audit_texts",
        sa.Column("seq", BIGINT, nullable=False, autoincrement=False),
        sa.Column("target_id", sa.String(100)),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        # No foreign key to audit_events: it would make TRUNCATE of the trail fail on the key
        # instead of the append-only trigger; the retention purge deletes texts itself.
        sa.PrimaryKeyConstraint("seq", name="pk_audit_texts"),
    )
    op.create_index("ix_audit_texts_target_id", "audit_texts", ["target_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_texts_no_update BEFORE UPDATE ON audit_texts "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_texts_no_update BEFORE UPDATE ON audit_texts "
            "BEGIN SELECT RAISE(ABORT, 'audit_texts is append-only: UPDATE refused'); END"
        )


def _checkpoint_insert_rule() -> None:
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
    op.drop_table("audit_texts")  # its trigger goes with it
    op.drop_column("audit_events", "purpose_digest")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_insert_rule ON audit_checkpoints")
        op.execute("DROP FUNCTION IF EXISTS audit_checkpoints_insert_rule()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_insert_rule")
    # Plain DROP COLUMN (SQLite >= 3.35) keeps the table and so its triggers.
    op.drop_column("audit_checkpoints", "signature")
    op.drop_column("audit_checkpoints", "key_id")
