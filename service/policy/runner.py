"""The policy run: apply the pack's clocks to every entry and case at ``now``.

Used by ``watchlist policies run`` (cron) and by the optional in-service scheduler.

Safe to run twice, and from several replicas at once:

* Each step first reads candidate ids, then handles each one in **its own short transaction**
  that locks the row (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL: a row another
  replica is handling is skipped, not waited for; SQLite serialises writers with
  ``BEGIN IMMEDIATE``) and **re-checks the condition** under the lock. A second runner, or a
  second run, finds nothing left to do, so nothing is done twice.
* The audit-log purge takes a PostgreSQL advisory transaction lock; the checkpoint's unique
  ``cut_seq`` backs that up.
* One item's failure rolls back that item only; the run goes on and reports it.

The per-item machinery is in ``run_kit``; the removal steps (RV-removal-latency,
RV-purpose-achieved) in ``removal_steps``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from policies import (
    ErasureDue,
    PolicyPack,
    ReviewState,
    erasure_due,
    nomination_lapses_at,
    retention_end,
    review_status,
)
from service.audit.recorder import record_event
from service.entries import service as entries_service
from service.entries.schemas import Status
from service.erasure.audit_retention import purge_audit_log
from service.erasure.service import erase_entry
from service.models.entry import Entry
from service.models.policy import EntryPolicy, RedressCaseRecord
from service.policy.entry_rules import entry_is_minor
from service.policy.removal_steps import (
    escalate_deletion_tasks,
    flag_removal_breaches,
    record_removals,
)
from service.policy.run_kit import (
    ENDED,
    LISTED,
    SYSTEM,
    RunReport,
    each,
    entry_columns,
    lock_entry,
    log,
    system_context,
)
from service.policy.state import policy_state

OVERDUE_REASON = "review overdue: no review decision before review_due (RV-review-date, fail-safe)"

# -- steps ------------------------------------------------------------------------------------


def refresh_minors(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """CH-minor: the minor flag follows the birth dates; turning 18 flags a re-assessment."""
    rows = entry_columns(factory, Entry.status.in_((*LISTED, Status.pending_review.value)))
    with factory() as session:
        flags = dict(session.execute(select(EntryPolicy.entry_id, EntryPolicy.is_minor)).all())

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        if entry is None:
            return False
        state = policy_state(session, entry.id, now)
        minor_now = entry_is_minor(entry, now)
        if minor_now == state.is_minor:
            return False
        state.is_minor, state.minor_checked_at, state.updated_at = minor_now, now, now
        if not minor_now and entry.status in LISTED:
            state.majority_flagged_at = now
        record_event(
            session,
            SYSTEM,
            operation="alteration",
            action="entry.majority_reassessment" if not minor_now else "entry.minor_flag",
            target_type="entry",
            target_id=entry.id,
            purpose="CH-minor",
            details={"is_minor": minor_now, "policy_pack": str(pack.ref)},
        )
        return True

    changed = [
        row.id for row in rows if _minor_of(row.birth_dates, now) != flags.get(row.id, False)
    ]
    each(factory, report, "minor_flag_changed", changed, handle)


def _minor_of(birth_dates: Any, now: datetime) -> bool:
    from policies import is_minor
    from service.policy.entry_rules import birth_dates_of

    return is_minor(birth_dates_of(birth_dates or []), now)


def suspend_overdue(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-review-date fail-safe: an active entry past review_due stops matching, audited."""
    rows = entry_columns(
        factory,
        Entry.status == Status.active.value,
        Entry.review_due.is_not(None),
        Entry.review_due <= now,
    )

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        if entry is None or entry.status != Status.active.value or entry.review_due is None:
            return False
        if review_status(pack, entry.review_due, now).state is not ReviewState.OVERDUE:
            return False
        entries_service.suspend(session, system_context(), entry.id, OVERDUE_REASON)
        state = policy_state(session, entry.id, now)
        state.lapsed_at, state.updated_at = now, now
        return True

    each(factory, report, "suspended_overdue", [row.id for row in rows], handle)


def lapse_suspended(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-review-date fail-safe: an entry suspended by hand is not thereby reviewed. Past its
    review_due without a decision it lapses like an active one (audited; no manual
    reinstatement), and erasure follows after the grace period."""
    with factory() as session:
        ids = list(
            session.execute(
                select(Entry.id)
                .outerjoin(EntryPolicy, EntryPolicy.entry_id == Entry.id)
                .where(
                    Entry.status == Status.suspended.value,
                    Entry.review_due.is_not(None),
                    Entry.review_due <= now,
                    EntryPolicy.lapsed_at.is_(None),
                )
            ).scalars()
        )

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        if entry is None or entry.status != Status.suspended.value or entry.review_due is None:
            return False
        state = policy_state(session, entry.id, now)
        if state.lapsed_at is not None:
            return False
        if review_status(pack, entry.review_due, now).state is not ReviewState.OVERDUE:
            return False
        state.lapsed_at, state.updated_at = now, now
        record_event(
            session,
            SYSTEM,
            operation="alteration",
            action="entry.review_lapsed",
            target_type="entry",
            target_id=entry.id,
            purpose=OVERDUE_REASON,
            details={
                "status": entry.status,
                "review_due": entry.review_due.isoformat(),
                "erasure_due": pack.erasure_grace_period.after(entry.review_due).isoformat(),
                "policy_pack": str(pack.ref),
            },
        )
        return True

    each(factory, report, "lapsed_while_suspended", ids, handle)


def lapse_nominations(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-review-date fail-safe for the queue: a nomination never approved within the pack's
    ``review.nomination_pending_limit`` is rejected as lapsed (audited as the system); its
    erasure follows after the grace period (``nomination_lapsed``)."""
    rows = entry_columns(
        factory, Entry.status == Status.pending_review.value, Entry.activated_at.is_(None)
    )

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        if entry is None or entry.status != Status.pending_review.value or entry.activated_at:
            return False
        lapses = nomination_lapses_at(pack, entry.listed_at)
        if now < lapses.value:
            return False
        entries_service.reject(
            session,
            system_context(),
            entry.id,
            f"nomination lapsed: not approved within {pack.nomination_pending_limit} "
            f"(pack {lapses.decided_by}; RV-review-date, fail-safe)",
        )
        state = policy_state(session, entry.id, now)
        state.lapsed_at, state.updated_at = now, now
        return True

    due = [row.id for row in rows if now >= nomination_lapses_at(pack, row.listed_at).value]
    each(factory, report, "nominations_lapsed", due, handle)


def warn_due(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-advance-warning: entries entering the warning window go on the owner's queue, also
    when suspended (a suspended entry lapses at its review date like an active one)."""
    horizon = pack.warning_lead_time.after(now)
    rows = entry_columns(
        factory,
        Entry.status.in_(LISTED),
        Entry.review_due.is_not(None),
        Entry.review_due > now,
        Entry.review_due <= horizon,
    )

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        if entry is None or entry.status not in LISTED or entry.review_due is None:
            return False
        status = review_status(pack, entry.review_due, now)
        state = policy_state(session, entry.id, now)
        if status.state is not ReviewState.WARNING or state.warned_for_due == entry.review_due:
            return False
        state.warned_at, state.warned_for_due, state.updated_at = now, entry.review_due, now
        record_event(
            session,
            SYSTEM,
            operation="alteration",
            action="review.warning",
            target_type="entry",
            target_id=entry.id,
            purpose="RV-advance-warning",
            details={
                "review_due": entry.review_due.isoformat(),
                "warning_from": status.warning_from.isoformat(),
                "owner_agency": entry.originating_agency,
                "policy_pack": str(pack.ref),
            },
        )
        return True

    each(factory, report, "warned", [row.id for row in rows], handle)


def _erasure_for(pack: PolicyPack, entry: Any, lapsed_at: datetime | None) -> ErasureDue:
    """When this entry's data must go. The review date of a listed entry is always its current,
    unanswered one (a review decision moves it), active or suspended alike; so is that of an
    amended entry awaiting its second review (pending, with the review date of its listing).
    An ended entry that lapsed counts its grace period from the lapse, on the run's clock."""
    ended = entry.status in ENDED
    owes_review = entry.status in LISTED or (
        entry.status == Status.pending_review.value and entry.review_due is not None
    )
    return erasure_due(
        pack,
        expires_at=entry.expires_at or retention_end(pack, entry.activated_at or entry.listed_at),
        delisted_at=(lapsed_at or entry.updated_at) if ended else None,
        review_due=entry.review_due if owes_review else None,
        review_decided=False,
        nominated_at=entry.listed_at if entry.activated_at is None else None,
    )


def erase_due(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-erasure-log / RV-review-date: erase at expires_at, after delisting + grace, after a
    lapsed review + grace, or after a lapsed nomination + grace. Nothing of the personal data
    remains."""
    with factory() as session:
        lapsed = dict(
            session.execute(
                select(EntryPolicy.entry_id, EntryPolicy.lapsed_at).where(
                    EntryPolicy.lapsed_at.is_not(None)
                )
            ).all()
        )
    due = [
        row.id
        for row in entry_columns(factory)
        if _erasure_for(pack, row, lapsed.get(row.id)).is_due(now)
    ]

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        if entry is None:
            return False
        state = session.get(EntryPolicy, entry.id)
        decided = _erasure_for(pack, entry, state.lapsed_at if state else None)
        if not decided.is_due(now):
            return False
        outcome = erase_entry(
            session, SYSTEM, entry, legal_reason=decided.reason, pack=pack, now=now
        )
        report.counts[f"erased:{outcome.legal_reason}"] += 1
        return True

    each(factory, report, "erased", due, handle)


def escalate_redress(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RD-deadlines: overdue redress deadlines are escalated once each."""
    from service.redress.service import OPEN_STATES, escalate_case

    with factory() as session:
        ids = list(
            session.execute(
                select(RedressCaseRecord.id).where(
                    RedressCaseRecord.state.in_(OPEN_STATES + ("decided",))
                )
            ).scalars()
        )
    each(
        factory,
        report,
        "redress_escalated",
        ids,
        lambda session, case_id: escalate_case(session, pack, case_id, now),
    )


def purge_audit(
    factory: sessionmaker[Session],
    pack: PolicyPack,
    now: datetime,
    report: RunReport,
    signing_key: Any = None,
) -> None:
    """LG-retention: purge old audit events behind a signed retention cut."""
    try:
        with factory() as session, session.begin():
            result = purge_audit_log(session, pack, now, SYSTEM, signing_key=signing_key)
        if result is not None:
            report.counts["audit_events_purged"] += result.purged_events
    except Exception as error:  # noqa: BLE001
        report.failures["audit_purge"] += 1
        log.error("policy_step_failed", step="audit_purge", error_type=type(error).__name__)


STEPS = (
    refresh_minors,
    suspend_overdue,
    lapse_suspended,
    lapse_nominations,
    warn_due,
    record_removals,  # before erasure, so the latency is recorded while the row exists
    flag_removal_breaches,
    escalate_deletion_tasks,
    erase_due,
    escalate_redress,
    purge_audit,
)


def run_policies(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, *, signing_key: Any = None
) -> RunReport:
    """Run every step at ``now`` and record the run (metadata only) in the audit trail.

    ``signing_key`` (the audit signing key) signs the retention cut of the audit purge; without
    it a due purge is counted as a failure.
    """
    report = RunReport(now=now, pack=str(pack.ref))
    for step in STEPS:
        if step is purge_audit:
            purge_audit(factory, pack, now, report, signing_key)
        else:
            step(factory, pack, now, report)
    with factory() as session, session.begin():
        record_event(
            session,
            SYSTEM,
            operation="alteration",
            action="policy.run",
            target_type="policy",
            purpose="scheduled policy run",
            details=report.as_dict(),
        )
    log.info("policy_run", **report.as_dict())
    return report
