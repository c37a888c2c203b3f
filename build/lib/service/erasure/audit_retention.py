"""LG-retention: purge audit events older than the pack's log retention, keeping the chain
verifiable from a recorded checkpoint.

The cut is a sequence number: every event at or below it goes, and the checkpoint row stores
the cut's hash, which is the ``prev_hash`` of the first kept event. The database's DELETE
trigger on ``audit_events`` lets through only events at or below the highest recorded cut
(migration ``0003_policies``), so nothing else can be deleted, not even by this code.
The stretch being cut is verified first: a broken chain is never checkpointed (it is reported
and left in place for investigation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from policies import PolicyPack, audit_log_purge_cutoff
from service.audit.chain import GENESIS_HASH, verify_chain
from service.audit.recorder import event_as_dict, record_event
from service.auth.principal import SystemActor
from service.models.audit import AuditEvent
from service.models.policy import AuditCheckpoint

# Any fixed 64-bit number: replicas purging at once serialise on it (PostgreSQL).
_PURGE_LOCK_KEY = 2396_0003


@dataclass(frozen=True)
class PurgeResult:
    cut_seq: int
    cut_hash: str
    purged_events: int
    cutoff: datetime


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.cut_seq.desc()).limit(1)
    ).scalar_one_or_none()


def purge_audit_log(
    session: Session, pack: PolicyPack, now: datetime, actor: SystemActor | None = None
) -> PurgeResult | None:
    """Purge events written before the pack's cutoff at ``now``; None when there is nothing to
    purge, another replica is purging, or the stretch to cut does not verify."""
    actor = actor or SystemActor()
    if session.get_bind().dialect.name == "postgresql":
        got = session.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _PURGE_LOCK_KEY}
        ).scalar()
        if not got:
            return None
    decided = audit_log_purge_cutoff(pack, now)
    cutoff, ref = decided.value, decided.decided_by
    previous = latest_checkpoint(session)
    last_cut = previous.cut_seq if previous else 0
    first_kept = session.execute(
        select(func.min(AuditEvent.seq)).where(
            AuditEvent.seq > last_cut, AuditEvent.occurred_at >= cutoff
        )
    ).scalar()
    if first_kept is None:
        cut_seq = session.execute(select(func.max(AuditEvent.seq))).scalar() or 0
    else:
        cut_seq = first_kept - 1
    if cut_seq <= last_cut:
        return None
    events = session.execute(
        select(AuditEvent)
        .where(AuditEvent.seq > last_cut, AuditEvent.seq <= cut_seq)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=2000)
    ).scalars()
    report = verify_chain(
        (event_as_dict(e) for e in events),
        start_prev_hash=previous.cut_hash if previous else GENESIS_HASH,
        start_seq=last_cut + 1,
    )
    if not report.ok or report.last_seq != cut_seq:
        record_event(
            session,
            actor,
            operation="erasure",
            action="audit.purge",
            outcome="refused",
            purpose="LG-retention",
            details={
                "reason": report.reason or "incomplete",
                "broken_at": report.broken_at,
                "policy_pack": str(ref),
            },
        )
        return None
    session.add(
        AuditCheckpoint(
            cut_seq=cut_seq,
            cut_hash=report.head_hash,
            cutoff=cutoff,
            purged_events=report.events_checked,
            created_at=now,
            pack_id=ref.id,
            pack_version=ref.version,
        )
    )
    session.flush()
    session.expire_all()  # purged events must not linger in the identity map
    purged = (
        session.execute(
            delete(AuditEvent)
            .where(AuditEvent.seq <= cut_seq)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    record_event(
        session,
        actor,
        operation="erasure",
        action="audit.purge",
        target_type="audit",
        purpose="LG-retention",
        details={
            "cut_seq": cut_seq,
            "cut_hash": report.head_hash,
            "cutoff": cutoff.isoformat(),
            "purged_events": purged,
            "policy_pack": str(ref),
        },
    )
    return PurgeResult(cut_seq, report.head_hash or "", purged, cutoff)
