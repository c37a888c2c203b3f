"""Audit events record every role of the actor: ``actor_role`` grows beyond 40 characters.

A principal's role is the comma-joined list of its roles; a token carrying all six is 56
characters, which PostgreSQL refused (a 500 for the request, and for screenings a failed group
commit that failed every queued screening with it).

PostgreSQL: a longer VARCHAR is a catalogue change (no table rewrite) and fires no row trigger,
so the append-only triggers stay as they are. SQLite does not enforce VARCHAR lengths, and a
batch rebuild of ``audit_events`` would drop those triggers: nothing is done there.

Revision ID: 0005_entries_auth
Revises: 0001_registry
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_entries_auth"
down_revision = "0001_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_events", "actor_role", type_=sa.String(200),
                        existing_type=sa.String(40), existing_nullable=False)


def downgrade() -> None:
    # Fails, as it should, if a longer role list was recorded: audit events are never cut.
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_events", "actor_role", type_=sa.String(40),
                        existing_type=sa.String(200), existing_nullable=False)
