"""The entry change feed, written in the same transaction as every change to an entry.

Each change appends a row to ``entry_changes``; every service process follows that table to
keep its screening index current (``service.screening.feed``). Because the row commits or rolls
back with the change itself, a follower never sees a change that did not happen, nor misses one
that did.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.db.base import utcnow
from service.models.entry import Entry
from service.models.screening import EntryChange

FEED_MOVED = "entry_feed_moved"


def entry_changed(session: Session, entry: Entry, change: str) -> None:
    """Append ``change`` (nominated, approve, updated, suspend, delist, ...) for ``entry``."""
    session.add(EntryChange(entry_id=entry.id, change=change[:40], at=utcnow()))
    # Lets this process's screening index apply the change as soon as it commits.
    session.info[FEED_MOVED] = True
