"""LG-retention: purge audit events older than the pack's log retention, keeping the chain
verifiable from a signed retention cut.

The cut is a sequence number: every event at or below it goes, and the cut row stores the
cut's hash, which is the ``prev_hash`` of the first kept event, signed with the service's key
(``service.audit.cuts``); a chained ``audit.purge`` event naming the cut follows the deletion.
The database's DELETE trigger on ``audit_events`` lets through only events at or below the
highest recorded cut (migration ``0003_policies``), and its INSERT trigger accepts only a
signed cut that moves forward to a stored event's hash (``0006_audit_integrity``).
The stretch being cut is verified first, and so is the previous cut (its signature and its
purge event): a broken chain or a forged cut is never built upon (the refusal is recorded and
everything is left in place for investigation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from policies import PolicyPack, audit_log_purge_cutoff
from service.audit.chain import GENESIS_HASH, canonical_time, verify_chain
from service.audit.cuts import PURGE_ACTION, cut_problem, names_cut, sign_cut
from service.audit.recorder import cut_as_dict, event_as_dict, latest_cut, record_event
from service.auth.principal import SystemActor
from service.models.audit import AuditEvent, AuditText
from service.models.policy import AuditCheckpoint

# Any fixed 64-bit number: replicas purging at once serialise on it (PostgreSQL).
_PURGE_LOCK_KEY = 2396_0003


@dataclass(frozen=True)
class PurgeResult:
    cut_seq: int
    cut_hash: str
    purged_events: int
    cutoff: datetime


class PurgeNeedsSigningKey(RuntimeError):
    """A cut is due but no signing key was given: an unsigned cut would not verify."""


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return latest_cut(session)


def _previous_cut_problem(
    session: Session, previous: AuditCheckpoint | None, public_key: object
) -> str | None:
    """Why the current cut must not be built upon (None: it may)."""
    if previous is None:
        return None
    cut = cut_as_dict(previous)
    # An unsigned cut can only predate 0006_audit_integrity (its trigger refuses new ones):
    # the purge then vouches for it once more with a signed cut, as it did when it was made.
    if cut["signature"] is not None:
        problem = cut_problem(cut, public_key)
        if problem:
            return problem
    purges = session.execute(
        select(AuditEvent)
        .where(AuditEvent.action == PURGE_ACTION, AuditEvent.seq > previous.cut_seq)
        .order_by(AuditEvent.seq)
    ).scalars()
    if not any(names_cut(event_as_dict(event), cut) for event in purges):
        return f"no chained audit.purge event names the retention cut at seq {previous.cut_seq}"
    return None


def _refuse(
    session: Session, actor: SystemActor, reason: str, ref: object, **extra: object
) -> None:
    record_event(
        session,
        actor,
        operation="erasure",
        action=PURGE_ACTION,
        outcome="refused",
        purpose="LG-retention",
        details={"reason": reason, **extra, "policy_pack": str(ref)},
    )


def purge_audit_log(
    session: Session,
    pack: PolicyPack,
    now: datetime,
    actor: SystemActor | None = None,
    *,
    signing_key: object | None = None,
) -> PurgeResult | None:
    """Purge events written before the pack's cutoff at ``now`` behind a cut signed with
    ``signing_key`` (the service's Ed25519 private key); None when there is nothing to purge,
    another replica is purging, or the previous cut or the stretch to cut does not verify.

    Raises ``PurgeNeedsSigningKey`` when a cut is due and no key was given.
    """
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
    if signing_key is None:
        raise PurgeNeedsSigningKey(
            "an audit retention purge needs the audit signing key (an unsigned cut would "
            "not verify)"
        )
    problem = _previous_cut_problem(session, previous, signing_key.public_key())  # type: ignore[attr-defined]
    if problem:
        _refuse(session, actor, problem, ref, broken_at=last_cut)
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
        _refuse(session, actor, report.reason or "incomplete", ref, broken_at=report.broken_at)
        return None
    cut = {
        "cut_seq": cut_seq,
        "cut_hash": report.head_hash,
        "cutoff": canonical_time(cutoff),
        "purged_events": report.events_checked,
        "created_at": canonical_time(now),
    }
    key_id, signature = sign_cut(signing_key, cut)
    session.add(
        AuditCheckpoint(
            cut_seq=cut_seq,
            cut_hash=report.head_hash,
            cutoff=cutoff,
            purged_events=report.events_checked,
            created_at=now,
            pack_id=ref.id,
            pack_version=ref.version,
            key_id=key_id,
            signature=signature,
        )
    )
    session.flush()
    session.expire_all()  # purged events must not linger in the identity map
    session.execute(
        delete(AuditText)
        .where(AuditText.seq <= cut_seq)
        .execution_options(synchronize_session=False)
    )
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
        action=PURGE_ACTION,
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
