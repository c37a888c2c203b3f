"""The per-entry policy row (``entry_policy``), created on first use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models.policy import EntryPolicy


def policy_state(
    session: Session, entry_id: str, now: datetime, *, for_update: bool = False
) -> EntryPolicy:
    """The entry's policy row, created with defaults if it does not exist yet."""
    statement = select(EntryPolicy).where(EntryPolicy.entry_id == entry_id)
    if for_update:
        statement = statement.with_for_update()
    row = session.execute(statement).scalar_one_or_none()
    if row is None:
        row = EntryPolicy(
            entry_id=entry_id, is_minor=False, extension_count=0, disputed=False, updated_at=now
        )
        session.add(row)
        session.flush()
    return row


def find_state(session: Session, entry_id: str) -> EntryPolicy | None:
    return session.get(EntryPolicy, entry_id)
