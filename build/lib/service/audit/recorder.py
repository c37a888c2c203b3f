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
    """Recompute the whole stored chain and check that it ends at the recorded head.

    After a retention purge (LG-retention) the chain starts at the latest recorded checkpoint:
    the first kept event must follow the cut's sequence number and chain onto its hash.
    """
    from service.audit.chain import GENESIS_HASH
    from service.models.policy import AuditCheckpoint

    head = session.get(AuditHead, 1)
    checkpoint = session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.cut_seq.desc()).limit(1)
    ).scalar_one_or_none()
    start_seq = checkpoint.cut_seq + 1 if checkpoint else 1
    start_prev = checkpoint.cut_hash if checkpoint else GENESIS_HASH
    first = session.execute(
        select(AuditEvent).where(AuditEvent.seq >= start_seq).order_by(AuditEvent.seq).limit(1)
    ).scalar_one_or_none()
    if first is not None and first.seq != start_seq:
        return ChainReport(False, 0, first.seq, None, None, start_seq,
                           f"events before seq {first.seq} are missing"
                           + (" (after the retention checkpoint)" if checkpoint else ""))
    stream = (
        event_as_dict(event)
        for event in session.execute(
            select(AuditEvent).where(AuditEvent.seq >= start_seq).order_by(AuditEvent.seq)
            .execution_options(yield_per=batch_size)
        ).scalars()
    )
    report = verify_chain(stream, start_prev_hash=start_prev, start_seq=start_seq)
    last_seq = report.last_seq if report.last_seq is not None else start_seq - 1
    if report.ok and head is not None and (head.seq != last_seq or head.hash != report.head_hash):
        return ChainReport(False, report.events_checked, report.first_seq, report.last_seq,
                           report.head_hash, head.seq,
                           "the chain does not end at the recorded head (events removed)")
    return report
