"""Retention of the data used for searches (``screening_queries``): personal data, erased after
the retention period (LG-retention); the screening and its audit event keep only the id and the
digest, and the digest cannot be linked back once the salted data are gone.

Erasure clears the data and keeps the row (id, digest, ``erased_at``), so the audit trail still
points at something that says when and that it was erased (RV-erasure-log).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from service.audit.recorder import record_event
from service.auth.principal import SystemActor
from service.db.base import utcnow
from service.models.screening import ScreeningQuery

DEFAULT_RETENTION_DAYS = 90


def erase_expired_queries(session: Session, *, older_than_days: int) -> int:
    """Erase the data of searches older than ``older_than_days``; audited, metadata only."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    now = utcnow()
    cutoff = now - timedelta(days=older_than_days)
    result = session.execute(
        update(ScreeningQuery)
        .where(ScreeningQuery.created_at < cutoff, ScreeningQuery.data.is_not(None))
        .values(data=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    erased = result.rowcount or 0
    record_event(session, SystemActor(), operation="erasure", action="screening.queries.erase",
                 target_type="screening_query", purpose="retention period of screening data",
                 details={"erased": erased, "older_than_days": older_than_days,
                          "cutoff": cutoff.isoformat()})
    return erased
