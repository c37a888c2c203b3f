"""Appending many audit events at once, chained exactly as ``record_event`` chains one.

A bulk import writes one event per entry (so ``target_id`` finds every entry's collection in the
trail, as for an API nomination) without paying one round trip per event: the head row is
bumped once per batch, which takes its lock, and the batch's hashes are computed in memory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from service.audit.chain import event_hash
from service.audit.recorder import processed_under
from service.auth.principal import Principal, SystemActor
from service.db.base import utcnow
from service.models.audit import AuditEvent, AuditHead


def chain_rows(
    session: Session, actor: Principal | SystemActor, events: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Reserve sequence numbers for ``events`` and return their chained rows (not inserted).

    Each spec has operation, action and optionally target_type, target_id, purpose,
    request_id, outcome and details (metadata only).
    """
    if not events:
        return []
    last_seq, prev_hash = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + len(events))
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    seq = last_seq - len(events)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for spec in events:
        seq += 1
        row = {
            "seq": seq,
            "occurred_at": now,
            "actor_sub": actor.sub,
            "actor_agency": actor.agency,
            "actor_role": actor.role,
            "operation": spec["operation"],
            "action": spec["action"],
            "target_type": spec.get("target_type"),
            "target_id": spec.get("target_id"),
            "purpose": spec.get("purpose"),
            "request_id": spec.get("request_id"),
            "outcome": spec.get("outcome", "success"),
            "details": processed_under(spec.get("details")),  # GV-purpose-config
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = event_hash(row)
        rows.append(row)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))
    return rows


def record_events(
    session: Session, actor: Principal | SystemActor, events: list[dict[str, Any]]
) -> int:
    """Append ``events`` to the trail in the session's transaction; returns how many."""
    from service.imports.bulk import insert_all

    rows = chain_rows(session, actor, events)
    insert_all(session, [(AuditEvent.__table__, rows)])
    return len(rows)
