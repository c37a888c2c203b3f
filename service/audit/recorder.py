"""Appending events to the audit trail, in the caller's transaction."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.audit.chain import ChainReport, event_hash, verify_chain
from service.auth.principal import Principal, SystemActor
from service.db.base import utcnow
from service.models.audit import AuditEvent, AuditHead

Operation = Literal["collection", "alteration", "consultation", "disclosure", "combination", "erasure"]


def record_event(
    session: Session,
    actor: Principal | SystemActor,
    *,
    operation: Operation,
    action: str,
    target_type: str | None = None,
    target_id: str | None = None,
    purpose: str | None = None,
    request_id: str | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, chained to the previous one.

    Bumping the head row first takes its row lock (PostgreSQL) or the write lock (SQLite), so
    concurrent writers queue here and each one chains onto the event committed before it.
    ``details`` must hold metadata only (ids, counts, codes), never personal data.
    """
    seq, prev_hash = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    event = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_sub=actor.sub,
        actor_agency=actor.agency,
        actor_role=actor.role,
        operation=operation,
        action=action,
        target_type=target_type,
        target_id=target_id,
        purpose=purpose,
        request_id=request_id,
        outcome=outcome,
        details=details or {},
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event_as_dict(event))
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=event.hash))
    session.flush([event])
    return event


def event_as_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor_sub": event.actor_sub,
        "actor_agency": event.actor_agency,
        "actor_role": event.actor_role,
        "operation": event.operation,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "purpose": event.purpose,
        "request_id": event.request_id,
        "outcome": event.outcome,
        "details": event.details,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def verify_stored_chain(session: Session, *, batch_size: int = 2000) -> ChainReport:
    """Recompute the whole stored chain and check that it ends at the recorded head."""
    head = session.get(AuditHead, 1)
    first = session.execute(select(AuditEvent).order_by(AuditEvent.seq).limit(1)).scalar_one_or_none()
    if first is not None and first.seq != 1:
        # A trail that no longer starts at 1 must be checked from a retention checkpoint.
        return ChainReport(False, 0, first.seq, None, None, 1,
                           f"events before seq {first.seq} are missing")
    stream = (
        event_as_dict(event)
        for event in session.execute(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
        ).scalars()
    )
    report = verify_chain(stream)
    if report.ok and head is not None and (head.seq != (report.last_seq or 0) or (
        report.last_seq and head.hash != report.head_hash
    )):
        return ChainReport(False, report.events_checked, report.first_seq, report.last_seq,
                           report.head_hash, head.seq,
                           "the chain does not end at the recorded head (events removed)")
    return report
