"""Retention of the data used for searches: personal data, erased after the retention period
(LG-retention); the screening and its audit event keep only the id and the digest, and the
digest cannot be linked back once the salted data are gone.

Erasure clears the query data and keeps the row (id, digest, ``erased_at``), so the audit trail
still points at something that says when and that it was erased (RV-erasure-log). The
explanations of that screening's hits quote the traveller's name tokens (``'kasim'≈'qasim'``),
so they are reduced in the same transaction to what identifies nobody: which feature, its
outcome and its effect on the score (MT-explain for oversight statistics, nothing more).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.audit.recorder import record_event
from service.auth.principal import SystemActor
from service.db.base import utcnow
from service.models.screening import Screening, ScreeningHit, ScreeningQuery

DEFAULT_RETENTION_DAYS = 90
ERASED_DETAIL = "erased with the search data (LG-retention)"
_UPDATE_BATCH = 1000


def reduced_explanation(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An explanation without its details, which quote the names that were compared."""
    return [{"feature": line["feature"], "outcome": line["outcome"], "effect": line["effect"],
             "detail": ERASED_DETAIL} for line in lines]


def erase_expired_queries(session: Session, *, older_than_days: int) -> int:
    """Erase the data of searches older than ``older_than_days``, and the name tokens their
    hits quote; audited, metadata only. Returns how many searches were erased."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    now = utcnow()
    cutoff = now - timedelta(days=older_than_days)
    expired = (select(ScreeningQuery.id)
               .where(ScreeningQuery.created_at < cutoff, ScreeningQuery.data.is_not(None)))
    hits = session.execute(
        select(ScreeningHit.id, ScreeningHit.explanation)
        .join(Screening, Screening.id == ScreeningHit.screening_id)
        .where(Screening.query_id.in_(expired))
    ).all()
    reduced = [{"id": hit_id, "explanation": reduced_explanation(explanation)}
               for hit_id, explanation in hits]
    for start in range(0, len(reduced), _UPDATE_BATCH):
        session.execute(update(ScreeningHit), reduced[start:start + _UPDATE_BATCH])
    result = session.execute(
        update(ScreeningQuery)
        .where(ScreeningQuery.created_at < cutoff, ScreeningQuery.data.is_not(None))
        .values(data=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    erased = result.rowcount or 0
    record_event(session, SystemActor(), operation="erasure", action="screening.queries.erase",
                 target_type="screening_query", purpose="retention period of screening data",
                 details={"erased": erased, "hit_explanations_reduced": len(reduced),
                          "older_than_days": older_than_days, "cutoff": cutoff.isoformat()})
    return erased
