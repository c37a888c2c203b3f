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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from policies import (
    PolicyPack,
    ReviewState,
    erasure_due,
    retention_end,
    review_status,
)
from service.audit.recorder import record_event
from service.auth.principal import SystemActor
from service.entries import service as entries_service
from service.entries.schemas import Status
from service.erasure.audit_retention import purge_audit_log
from service.erasure.service import erase_entry
from service.logging import get_logger
from service.models.entry import Entry
from service.models.policy import EntryPolicy, RedressCaseRecord
from service.policy.entry_rules import entry_is_minor
from service.policy.state import policy_state

log = get_logger("watchlist.policy")

SYSTEM = SystemActor()
LISTED = (Status.active.value, Status.suspended.value)
OVERDUE_REASON = "review overdue: no review decision before review_due (RV-review-date, fail-safe)"


@dataclass
class RunReport:
    now: datetime
    pack: str
    counts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "policy_pack": self.pack,
            "counts": dict(sorted(self.counts.items())),
            "failures": dict(sorted(self.failures.items())),
        }


def system_context() -> entries_service.Context:
    """The service acting on a schedule: it sees every entry (its agency is its own review
    agency) and is recorded in the audit trail as ``system``."""
    return entries_service.Context(
        principal=SYSTEM,
        request_id=None,  # type: ignore[arg-type]
        review_agency=SYSTEM.agency,
    )


def _lock_entry(session: Session, entry_id: str) -> Entry | None:
    statement = select(Entry).where(Entry.id == entry_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return session.execute(statement).scalar_one_or_none()


def _each(
    factory: sessionmaker[Session],
    report: RunReport,
    step: str,
    ids: list[str],
    handle: Callable[[Session, str], bool],
) -> None:
    """Handle each id in its own transaction; count what was done and what failed."""
    for item_id in ids:
        try:
            with factory() as session, session.begin():
                if handle(session, item_id):
                    report.counts[step] += 1
        except Exception as error:  # noqa: BLE001 - one item must not stop the run
            report.failures[step] += 1
            log.error(
                "policy_step_failed", step=step, item_id=item_id, error_type=type(error).__name__
            )


def _entry_columns(factory: sessionmaker[Session], *where: Any) -> list[Any]:
    with factory() as session:
        return list(
            session.execute(
                select(
                    Entry.id,
                    Entry.status,
                    Entry.review_due,
                    Entry.expires_at,
                    Entry.activated_at,
                    Entry.listed_at,
                    Entry.updated_at,
                    Entry.birth_dates,
                ).where(*where)
            )
        )


# -- steps ------------------------------------------------------------------------------------


def refresh_minors(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """CH-minor: the minor flag follows the birth dates; turning 18 flags a re-assessment."""
    rows = _entry_columns(factory, Entry.status.in_((*LISTED, Status.pending_review.value)))
    with factory() as session:
        flags = dict(session.execute(select(EntryPolicy.entry_id, EntryPolicy.is_minor)).all())

    def handle(session: Session, entry_id: str) -> bool:
        entry = _lock_entry(session, entry_id)
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
    _each(factory, report, "minor_flag_changed", changed, handle)


def _minor_of(birth_dates: Any, now: datetime) -> bool:
    from policies import is_minor
    from service.policy.entry_rules import birth_dates_of

    return is_minor(birth_dates_of(birth_dates or []), now)


def suspend_overdue(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-review-date fail-safe: an active entry past review_due stops matching, audited."""
    rows = _entry_columns(
        factory,
        Entry.status == Status.active.value,
        Entry.review_due.is_not(None),
        Entry.review_due <= now,
    )

    def handle(session: Session, entry_id: str) -> bool:
        entry = _lock_entry(session, entry_id)
        if entry is None or entry.status != Status.active.value or entry.review_due is None:
            return False
        if review_status(pack, entry.review_due, now).state is not ReviewState.OVERDUE:
            return False
        entries_service.suspend(session, system_context(), entry.id, OVERDUE_REASON)
        state = policy_state(session, entry.id, now)
        state.lapsed_at, state.updated_at = now, now
        return True

    _each(factory, report, "suspended_overdue", [row.id for row in rows], handle)


def warn_due(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-advance-warning: entries entering the warning window go on the owner's queue."""
    horizon = pack.warning_lead_time.after(now)
    rows = _entry_columns(
        factory,
        Entry.status == Status.active.value,
        Entry.review_due.is_not(None),
        Entry.review_due > now,
        Entry.review_due <= horizon,
    )

    def handle(session: Session, entry_id: str) -> bool:
        entry = _lock_entry(session, entry_id)
        if entry is None or entry.status != Status.active.value or entry.review_due is None:
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

    _each(factory, report, "warned", [row.id for row in rows], handle)


def _erasure_for(pack: PolicyPack, entry: Any, lapsed: bool) -> Any:
    start = entry.activated_at or entry.listed_at
    ended = entry.status in (Status.delisted.value, Status.rejected.value, Status.expired.value)
    # An amended entry awaiting its second review (pending, with the review date of its
    # listing) still owes that review: its date lapses as an active entry's does.
    unanswered = entry.status == Status.active.value or (
        entry.status == Status.pending_review.value and entry.review_due is not None
    )
    return erasure_due(
        pack,
        expires_at=entry.expires_at or retention_end(pack, start),
        delisted_at=entry.updated_at if ended else None,
        review_due=entry.review_due if entry.status in LISTED or unanswered else None,
        review_decided=not (lapsed or unanswered),
    )


def erase_due(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-erasure-log / RV-review-date: erase at expires_at, after delisting + grace, or after
    a lapsed review + grace. Nothing of the personal data remains."""
    with factory() as session:
        lapsed = {
            row
            for (row,) in session.execute(
                select(EntryPolicy.entry_id).where(EntryPolicy.lapsed_at.is_not(None))
            )
        }
    due = [
        row.id
        for row in _entry_columns(factory)
        if _erasure_for(pack, row, row.id in lapsed).is_due(now)
    ]

    def handle(session: Session, entry_id: str) -> bool:
        entry = _lock_entry(session, entry_id)
        if entry is None:
            return False
        state = session.get(EntryPolicy, entry.id)
        decided = _erasure_for(pack, entry, bool(state and state.lapsed_at))
        if not decided.is_due(now):
            return False
        outcome = erase_entry(
            session, SYSTEM, entry, legal_reason=decided.reason, pack=pack, now=now
        )
        report.counts[f"erased:{outcome.legal_reason}"] += 1
        return True

    _each(factory, report, "erased", due, handle)


def record_removals(factory: sessionmaker[Session], now: datetime, report: RunReport) -> None:
    """RV-removal-latency: a removal requested (purpose achieved / case closed) is complete
    when the entry stops being listed, however that happened."""
    with factory() as session:
        ids = list(
            session.execute(
                select(EntryPolicy.entry_id)
                .join(Entry, Entry.id == EntryPolicy.entry_id)
                .where(
                    EntryPolicy.removal_trigger_at.is_not(None),
                    EntryPolicy.removed_at.is_(None),
                    Entry.status.not_in(LISTED),
                )
            ).scalars()
        )

    def handle(session: Session, entry_id: str) -> bool:
        entry = _lock_entry(session, entry_id)
        state = session.get(EntryPolicy, entry_id)
        if entry is None or state is None or state.removed_at or entry.status in LISTED:
            return False
        state.removed_at, state.updated_at = entry.updated_at, now
        return True

    _each(factory, report, "removal_recorded", ids, handle)


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
    _each(
        factory,
        report,
        "redress_escalated",
        ids,
        lambda session, case_id: escalate_case(session, pack, case_id, now),
    )


def purge_audit(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """LG-retention: purge old audit events behind a recorded checkpoint."""
    try:
        with factory() as session, session.begin():
            result = purge_audit_log(session, pack, now, SYSTEM)
        if result is not None:
            report.counts["audit_events_purged"] += result.purged_events
    except Exception as error:  # noqa: BLE001
        report.failures["audit_purge"] += 1
        log.error("policy_step_failed", step="audit_purge", error_type=type(error).__name__)


STEPS = (
    refresh_minors,
    suspend_overdue,
    warn_due,
    erase_due,
    record_removals,
    escalate_redress,
    purge_audit,
)


def run_policies(factory: sessionmaker[Session], pack: PolicyPack, now: datetime) -> RunReport:
    """Run every step at ``now`` and record the run (metadata only) in the audit trail."""
    report = RunReport(now=now, pack=str(pack.ref))
    for step in STEPS:
        if step is record_removals:
            step(factory, now, report)  # type: ignore[call-arg]
        else:
            step(factory, pack, now, report)  # type: ignore[call-arg]
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
