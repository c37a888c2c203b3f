"""Policy-run steps for removals after "purpose achieved" / "case closed"
(RV-removal-latency, RV-purpose-achieved); the rules are in ``service.reviews.removal``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from policies import PolicyPack
from service.models.entry import Entry
from service.models.policy import EntryPolicy
from service.policy.run_kit import LISTED, SYSTEM, RunReport, each, lock_entry
from service.reviews import removal


def record_removals(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-removal-latency: a removal requested (purpose achieved / case closed) is complete
    when the entry stops being listed, however that happened; audited with its latency."""
    with factory() as session:
        ids = list(
            session.execute(
                select(EntryPolicy.entry_id)
                .join(Entry, Entry.id == EntryPolicy.entry_id)
                .where(
                    EntryPolicy.removal_trigger_at.is_not(None),
                    EntryPolicy.removed_at.is_(None),
                    EntryPolicy.removal_answered_at.is_(None),  # kept with reasons: none owed
                    Entry.status.not_in(LISTED),
                )
            ).scalars()
        )

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        state = session.get(EntryPolicy, entry_id)
        if entry is None or not removal.task_open(state) or entry.status in LISTED:
            return False
        assert state is not None
        removal.record_removal(session, SYSTEM, pack, state, entry.updated_at, now)
        return True

    each(factory, report, "removal_recorded", ids, handle)


def _removal_states(factory: sessionmaker[Session], *where: Any) -> list[str]:
    with factory() as session:
        return list(
            session.execute(
                select(EntryPolicy.entry_id).where(
                    EntryPolicy.removal_trigger_at.is_not(None), *where
                )
            ).scalars()
        )


def flag_removal_breaches(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-removal-latency: an audited breach event, once, for a removal later than the SLA
    (still pending past it, or completed late)."""
    ids = _removal_states(factory, EntryPolicy.removal_sla_breached_at.is_(None))

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        state = session.get(EntryPolicy, entry_id)
        if entry is None or state is None:
            return False
        return removal.flag_breach(session, pack, state, now)

    each(factory, report, "removal_sla_breached", ids, handle)


def escalate_deletion_tasks(
    factory: sessionmaker[Session], pack: PolicyPack, now: datetime, report: RunReport
) -> None:
    """RV-purpose-achieved: a deletion task unanswered past its reply date is escalated once,
    audited (and shown as deletion_task_overdue on the review queue)."""
    ids = _removal_states(
        factory,
        EntryPolicy.removed_at.is_(None),
        EntryPolicy.removal_answered_at.is_(None),
        EntryPolicy.removal_escalated_at.is_(None),
    )

    def handle(session: Session, entry_id: str) -> bool:
        entry = lock_entry(session, entry_id)
        state = session.get(EntryPolicy, entry_id)
        if entry is None or state is None:
            return False
        return removal.escalate_if_overdue(session, pack, state, entry.originating_agency, now)

    each(factory, report, "deletion_tasks_escalated", ids, handle)
