"""Removal after "purpose achieved" / "case closed" (RV-purpose-achieved, RV-removal-latency).

A report opens a deletion task on the entry: the owner must delist it, or keep it with reasons
(a retain/modify review decision), within the pack's ``removal.purpose_achieved_reply``
(15 days). Until answered the entry is on the review queue; past the reply date the policy run
escalates it once, audited. Separately the time to removal is measured against
``removal.latency_sla`` (30 days): the first time a removal is found late, pending or done, the
run records an audited breach. An entry kept with reasons owes no removal, so no breach.
Metadata only: no names, no facts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from policies import PolicyPack, purpose_achieved_task, removal_latency
from service.audit.recorder import record_event
from service.auth.principal import Principal, SystemActor
from service.models.policy import EntryPolicy


def task_open(state: EntryPolicy | None) -> bool:
    """A reported removal the owner has not answered yet (neither removed nor kept)."""
    return bool(
        state
        and state.removal_trigger_at is not None
        and state.removed_at is None
        and state.removal_answered_at is None
    )


def kept_with_reasons(state: EntryPolicy) -> bool:
    return state.removal_answered_at is not None and state.removed_at is None


def reply_due(pack: PolicyPack, state: EntryPolicy) -> datetime | None:
    """When the owner's answer is due (RV-purpose-achieved), for an open task."""
    if state.removal_trigger_at is None:
        return None
    return pack.purpose_achieved_reply.after(state.removal_trigger_at)


def open_task(
    state: EntryPolicy, *, trigger: str, listed: bool, now: datetime
) -> bool:
    """Start the removal clock and the deletion task; False when one is already running (the
    first report counts). A new report after the owner kept the entry opens a new task."""
    if state.removal_trigger_at is not None and not kept_with_reasons(state):
        return False
    state.removal_trigger, state.removal_trigger_at, state.updated_at = trigger, now, now
    state.removal_answered_at = state.removal_escalated_at = None
    state.removal_sla_breached_at = None
    state.removed_at = None if listed else now
    return True


def answer(
    session: Any,
    actor: Principal,
    pack: PolicyPack,
    state: EntryPolicy,
    *,
    removed: bool,
    now: datetime,
) -> dict[str, Any]:
    """The owner's review decision answers an open task: delisted (the removal is recorded) or
    kept with the decision's reasons. Returns what the decision's audit event records."""
    if not task_open(state):
        return {}
    state.removal_answered_at, state.updated_at = now, now
    if removed:
        record_removal(session, actor, pack, state, now, now)
    return {"answers_removal_trigger": state.removal_trigger, "removed": removed}


def escalate_if_overdue(
    session: Any, pack: PolicyPack, state: EntryPolicy, owner_agency: str, now: datetime
) -> bool:
    """RV-purpose-achieved: an unanswered task past its reply date is escalated once."""
    if not task_open(state) or state.removal_escalated_at is not None:
        return False
    assert state.removal_trigger_at is not None
    task = purpose_achieved_task(
        pack, reported_at=state.removal_trigger_at, answered_at=None, now=now
    )
    if not task.overdue:
        return False
    state.removal_escalated_at, state.updated_at = now, now
    record_event(
        session,
        SystemActor(),
        operation="alteration",
        action="review.deletion_task_overdue",
        target_type="entry",
        target_id=state.entry_id,
        purpose="RV-purpose-achieved: the owner neither deleted nor gave reasons in time",
        details={
            "trigger": state.removal_trigger,
            "reported_at": task.reported_at.isoformat(),
            "reply_due": task.reply_due.isoformat(),
            "owner_agency": owner_agency,
            "policy_pack": str(task.decided_by),
        },
    )
    return True


def flag_breach(
    session: Any, pack: PolicyPack, state: EntryPolicy, now: datetime
) -> bool:
    """RV-removal-latency: the first time a removal is found later than the SLA (still
    pending, or done late), record the breach, audited."""
    if state.removal_trigger_at is None or state.removal_sla_breached_at is not None:
        return False
    if kept_with_reasons(state):
        return False
    latency = removal_latency(
        pack, trigger_at=state.removal_trigger_at, removed_at=state.removed_at, now=now
    )
    if not latency.breached:
        return False
    state.removal_sla_breached_at, state.updated_at = now, now
    record_event(
        session,
        SystemActor(),
        operation="alteration",
        action="review.removal_sla_breached",
        target_type="entry",
        target_id=state.entry_id,
        purpose="RV-removal-latency: removal later than the SLA",
        details={
            "trigger": state.removal_trigger,
            "trigger_at": latency.trigger_at.isoformat(),
            "sla_deadline": latency.sla_deadline.isoformat(),
            "removed_at": state.removed_at.isoformat() if state.removed_at else None,
            "elapsed_days": round(latency.elapsed.total_seconds() / 86400, 2),
            "policy_pack": str(latency.decided_by),
        },
    )
    return True


def record_removal(
    session: Any,
    actor: Principal | SystemActor,
    pack: PolicyPack,
    state: EntryPolicy,
    removed_at: datetime,
    now: datetime,
) -> None:
    """The entry stopped being listed: the removal is complete; audit its latency."""
    assert state.removal_trigger_at is not None
    state.removed_at, state.updated_at = removed_at, now
    latency = removal_latency(
        pack, trigger_at=state.removal_trigger_at, removed_at=removed_at, now=now
    )
    record_event(
        session,
        actor,
        operation="alteration",
        action="review.removal_recorded",
        target_type="entry",
        target_id=state.entry_id,
        purpose="RV-removal-latency",
        details={
            "trigger": state.removal_trigger,
            "elapsed_days": round(latency.elapsed.total_seconds() / 86400, 2),
            "sla_breached": latency.breached,
            "policy_pack": str(latency.decided_by),
        },
    )
