"""Periodic review use cases: the queue, decisions, removal triggers and statistics
(RV-review-date, RV-advance-warning, RV-extension-record, RV-removal-latency, CH-minor)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from policies import (
    PolicyPack,
    ReviewDecision,
    ReviewedEntry,
    ReviewOutcome,
    apply_review_decision,
    removal_latency,
    review_status,
    validate_purpose_achieved_answer,
)
from service.audit.recorder import record_event
from service.auth.principal import Principal
from service.auth.roles import Scope
from service.entries import feed, repository
from service.entries import service as entries_service
from service.entries.convert import snapshot
from service.entries.schemas import Status
from service.errors import Forbidden, RuleViolation
from service.kit.pagination import decode_cursor, encode_cursor
from service.models.entry import Entry, EntryVersion
from service.models.policy import (
    EntryPolicy,
    ErasureRecord,
    LawfulnessReview,
    RedressCaseEntry,
    RedressCaseRecord,
    ReviewDecisionRecord,
)
from service.policy.entry_rules import action_code, entry_is_minor
from service.policy.errors import policy_errors
from service.policy.state import policy_state
from service.reviews import removal

LISTED = (Status.active.value, Status.suspended.value)


@dataclass(frozen=True)
class ReviewContext:
    principal: Principal
    request_id: str | None
    review_agency: str
    pack: PolicyPack


# -- the queue -----------------------------------------------------------------------------------


def queue(
    session: Session, ctx: ReviewContext, *, as_of: datetime, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Listed entries due for review by ``as_of`` plus the warning lead time (RV-advance-warning),
    and entries flagged for re-assessment at 18 (CH-minor). Ordered by review date.
    Metadata only: no names, so the queue can be read without a purpose."""
    horizon = ctx.pack.warning_lead_time.after(as_of)
    statement = (
        repository.readable(ctx.principal, ctx.review_agency)
        .add_columns(EntryPolicy)
        .outerjoin(EntryPolicy, EntryPolicy.entry_id == Entry.id)
        .where(
            Entry.status.in_(LISTED),
            Entry.review_due.is_not(None),
            or_(
                Entry.review_due <= horizon,
                and_(
                    EntryPolicy.majority_flagged_at.is_not(None),
                    or_(
                        EntryPolicy.last_reviewed_at.is_(None),
                        EntryPolicy.last_reviewed_at < EntryPolicy.majority_flagged_at,
                    ),
                ),
                # RV-purpose-achieved: an unanswered deletion task.
                and_(
                    EntryPolicy.removal_trigger_at.is_not(None),
                    EntryPolicy.removed_at.is_(None),
                    EntryPolicy.removal_answered_at.is_(None),
                ),
                # RD-indirect-access: a lawfulness review to carry out.
                Entry.id.in_(_OPEN_LAWFULNESS_REVIEWS),
            ),
        )
    )
    if cursor:
        due, entry_id = decode_cursor(cursor)
        statement = statement.where(
            or_(Entry.review_due > due, and_(Entry.review_due == due, Entry.id > entry_id))
        )
    rows = list(session.execute(statement.order_by(Entry.review_due, Entry.id).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][0].review_due, rows[-1][0].id)
    lawfulness = set(
        session.execute(
            _OPEN_LAWFULNESS_REVIEWS.where(
                LawfulnessReview.entry_id.in_([entry.id for entry, _ in rows])
            )
        ).scalars()
    )
    return [
        _queue_item(ctx.pack, entry, state, as_of, entry.id in lawfulness) for entry, state in rows
    ], next_cursor


_OPEN_LAWFULNESS_REVIEWS = select(LawfulnessReview.entry_id).where(
    LawfulnessReview.closed_at.is_(None)
)


def _queue_item(
    pack: PolicyPack,
    entry: Entry,
    state: EntryPolicy | None,
    as_of: datetime,
    lawfulness_review: bool,
) -> dict[str, Any]:
    status = review_status(pack, entry.review_due, as_of)
    reasons = [status.state.value] if status.state.value != "ok" else []
    if (
        state
        and state.majority_flagged_at
        and (not state.last_reviewed_at or state.last_reviewed_at < state.majority_flagged_at)
    ):
        reasons.append("turned_18")
    reply_due = None
    if state is not None and removal.task_open(state):
        reply_due = removal.reply_due(pack, state)
        reasons.append(str(state.removal_trigger))  # purpose_achieved | case_closed
        if reply_due is not None and as_of > reply_due:
            reasons.append("deletion_task_overdue")
    if lawfulness_review:
        reasons.append("lawfulness_review")
    return {
        "entry_id": entry.id,
        "status": entry.status,
        "originating_agency": entry.originating_agency,
        "data_subject_category": entry.data_subject_category,
        "action_on_hit": entry.action_on_hit,
        "review_due": entry.review_due,
        "warning_from": status.warning_from,
        "review_state": status.state.value,
        "reasons": reasons,
        "expires_at": entry.expires_at,
        "extension_count": state.extension_count if state else 0,
        "is_minor": bool(state and state.is_minor),
        "disputed": bool(state and state.disputed),
        "warned_at": state.warned_at if state else None,
        "removal_reply_due": reply_due,
        "policy_pack": str(status.decided_by),
    }


# -- decisions -----------------------------------------------------------------------------------


def _has_active_restriction(session: Session, entry_id: str) -> bool:
    return (
        session.execute(
            select(RedressCaseRecord.id)
            .join(RedressCaseEntry, RedressCaseEntry.case_id == RedressCaseRecord.id)
            .where(
                RedressCaseEntry.entry_id == entry_id,
                RedressCaseRecord.decision_outcome == "restricted_reply",
            )
            .limit(1)
        ).first()
        is not None
    )


def decide(
    session: Session, ctx: ReviewContext, entry_id: str, body: Any, now: datetime
) -> tuple[Entry | None, ReviewDecisionRecord]:
    """Record a review decision (RV-extension-record). ``retain``/``modify`` start a new full
    period and count an extension; ``delist`` delists with reasons (erasure follows after the
    pack's grace period). Refused once the review date has passed (fail-safe). A decision on
    the listing is the owner's or the fusion cell's: an agency the entry is only shared with
    may read it, not keep it listed (DQ-owner-accuracy)."""
    entry = repository.get_writable(
        session, ctx.principal, ctx.review_agency, entry_id, lifecycle=True
    )
    if entry.status not in LISTED:
        raise RuleViolation(
            f"an entry whose status is {entry.status} is not under review",
            details=[
                {
                    "loc": ["path", "entry_id"],
                    "msg": "only active or suspended entries are reviewed",
                    "rule": "RV-review-date",
                }
            ],
        )
    if entry.nominating_officer == ctx.principal.sub:
        raise Forbidden(
            "a review is decided by someone other than the nominator (LB-second-review)"
        )
    minor = entry_is_minor(entry, now)
    if minor and not ctx.principal.has(Scope.entries_approve_minor):
        raise Forbidden("an entry on a minor is reviewed by a senior reviewer (CH-minor)")
    state = policy_state(session, entry.id, now, for_update=True)
    reviewed = ReviewedEntry(
        category=entry.data_subject_category,
        action_code=action_code(entry.action_on_hit),
        is_minor=minor,
        first_activated_at=entry.activated_at or entry.listed_at,
        # A review the policy run found lapsed stays lapsed, whatever clock the caller has.
        review_due=now if state.lapsed_at or entry.review_due is None else entry.review_due,
        extension_count=state.extension_count,
        has_active_restriction=_has_active_restriction(session, entry.id),
    )
    outcome = ReviewOutcome(body.outcome)
    decision = ReviewDecision(
        outcome=outcome,
        reviewer_id=ctx.principal.sub,
        necessity=body.necessity or "",
        proportionality=body.proportionality or "",
        reasons=body.reasons or "",
        restriction_reassessment=body.restriction_reassessment or "",
        new_category=body.new_category.value if body.new_category else None,
        new_action_code=action_code(body.new_action_on_hit.value)
        if body.new_action_on_hit
        else None,
    )
    with policy_errors():
        result = apply_review_decision(ctx.pack, reviewed, decision, now)
        if removal.task_open(state) and outcome is not ReviewOutcome.DELIST:
            # RV-purpose-achieved: keeping the entry answers the task only with reasons.
            validate_purpose_achieved_answer(
                delete=False, reasons=decision.necessity or decision.reasons
            )
    previous_due = entry.review_due
    record = ReviewDecisionRecord(
        id=str(uuid.uuid4()),
        entry_id=entry.id,
        outcome=outcome.value,
        reviewer_sub=ctx.principal.sub,
        reviewer_agency=ctx.principal.agency,
        necessity=decision.necessity or None,
        proportionality=decision.proportionality or None,
        reasons=decision.reasons or None,
        restriction_reassessment=decision.restriction_reassessment or None,
        decided_at=now,
        previous_review_due=previous_due,
        new_review_due=result.review_due,
        extension_number=result.extension_count,
        pack_id=result.decided_by.id,
        pack_version=result.decided_by.version,
    )
    session.add(record)
    state.last_reviewed_at, state.is_minor, state.updated_at = now, minor, now
    state.pack_id, state.pack_version = result.decided_by.id, result.decided_by.version
    follow_up = removal.answer(
        session, ctx.principal, ctx.pack, state, removed=outcome is ReviewOutcome.DELIST, now=now
    )
    follow_up["lawfulness_reviews_closed"] = _close_lawfulness_reviews(session, ctx, entry.id, now)
    if outcome is ReviewOutcome.DELIST:
        entries_ctx = entries_service.Context(
            principal=ctx.principal, request_id=ctx.request_id, review_agency=ctx.review_agency
        )
        entries_service.delist(
            session, entries_ctx, entry.id, f"periodic review: {decision.reasons}"[:2000]
        )
        _audit_decision(session, ctx, entry.id, record, result, follow_up)
        return entry, record
    state.extension_count = result.extension_count
    changed = ["review_due", "expires_at"]
    if body.new_category is not None:
        entry.data_subject_category = body.new_category.value
        changed.append("data_subject_category")
    if body.new_action_on_hit is not None:
        entry.action_on_hit = body.new_action_on_hit.value
        changed.append("action_on_hit")
    entries_service._check_associate_action(entry.data_subject_category, entry.action_on_hit)
    entry.review_due, entry.expires_at = result.review_due, result.expires_at
    entry.updated_by, entry.updated_at = ctx.principal.sub, now
    session.flush()
    session.add(
        EntryVersion(
            entry_id=entry.id,
            version=entry.version,
            snapshot=snapshot(entry),
            changed_fields=changed,
            change="reviewed",
            reason=f"periodic review: {outcome.value}",
            actor_sub=ctx.principal.sub,
            actor_agency=ctx.principal.agency,
            created_at=now,
        )
    )
    _audit_decision(session, ctx, entry.id, record, result, follow_up)
    feed.entry_changed(session, entry, "reviewed")
    return entry, record


def _close_lawfulness_reviews(
    session: Session, ctx: ReviewContext, entry_id: str, now: datetime
) -> int:
    """RD-indirect-access: a review decision is the lawfulness check an indirect access request
    asked for; it closes the entry's open lawfulness reviews."""
    result = session.execute(
        update(LawfulnessReview)
        .where(LawfulnessReview.entry_id == entry_id, LawfulnessReview.closed_at.is_(None))
        .values(closed_at=now, closed_by=ctx.principal.sub)
    )
    return result.rowcount or 0


def _audit_decision(
    session: Session,
    ctx: ReviewContext,
    entry_id: str,
    record: ReviewDecisionRecord,
    result: Any,
    follow_up: dict[str, Any],
) -> None:
    record_event(
        session,
        ctx.principal,
        operation="alteration",
        action="entry.review",
        target_type="entry",
        target_id=entry_id,
        request_id=ctx.request_id,
        purpose="periodic review",
        details={
            "decision_id": record.id,
            "outcome": record.outcome,
            "extension_number": record.extension_number,
            "review_due": result.review_due.isoformat() if result.review_due else None,
            "capped_by_max_retention": result.capped_by_max_retention,
            "policy_pack": str(result.decided_by),
            **follow_up,
        },
    )


def report_removal_trigger(
    session: Session, ctx: ReviewContext, entry_id: str, *, trigger: str, reason: str, now: datetime
) -> EntryPolicy:
    """RV-removal-latency, RV-purpose-achieved: the purpose is achieved or the case closed. The
    clock to removal starts now (the first report counts) and a deletion task opens: the owner
    delists or keeps the entry with reasons by the pack's reply date. Audited with the reason."""
    entry = repository.get_readable(
        session, ctx.principal, ctx.review_agency, entry_id, for_update=True
    )
    state = policy_state(session, entry.id, now, for_update=True)
    if removal.open_task(state, trigger=trigger, listed=entry.status in LISTED, now=now):
        due = removal.reply_due(ctx.pack, state)
        record_event(
            session,
            ctx.principal,
            operation="alteration",
            action="entry.removal_trigger",
            target_type="entry",
            target_id=entry.id,
            request_id=ctx.request_id,
            purpose=reason,
            details={
                "trigger": trigger,
                "sla": str(ctx.pack.removal_latency_sla),
                "reply_due": due.isoformat() if due and state.removed_at is None else None,
                "owner_agency": entry.originating_agency,
                "policy_pack": str(ctx.pack.ref),
            },
        )
    return state


# -- statistics for oversight ---------------------------------------------------------------------


def stats(session: Session, pack: PolicyPack, now: datetime) -> dict[str, Any]:
    """Aggregates only (OV-console): review backlog, extensions, erasures, removal latency."""
    by_status = dict(
        session.execute(select(Entry.status, func.count()).group_by(Entry.status)).all()
    )
    horizon = pack.warning_lead_time.after(now)
    in_window = session.execute(
        select(func.count())
        .select_from(Entry)
        .where(
            Entry.status == Status.active.value, Entry.review_due > now, Entry.review_due <= horizon
        )
    ).scalar_one()
    lapsed = session.execute(
        select(func.count())
        .select_from(EntryPolicy)
        .join(Entry, Entry.id == EntryPolicy.entry_id)
        .where(EntryPolicy.lapsed_at.is_not(None), Entry.status == Status.suspended.value)
    ).scalar_one()
    extension_counts = dict(
        session.execute(
            select(EntryPolicy.extension_count, func.count()).group_by(EntryPolicy.extension_count)
        ).all()
    )
    decisions = dict(
        session.execute(
            select(ReviewDecisionRecord.outcome, func.count()).group_by(
                ReviewDecisionRecord.outcome
            )
        ).all()
    )
    erasures = dict(
        session.execute(
            select(ErasureRecord.legal_reason, func.count()).group_by(ErasureRecord.legal_reason)
        ).all()
    )
    latencies = [
        removal_latency(pack, trigger_at=trigger_at, removed_at=removed_at, now=now)
        for trigger_at, removed_at in [
            *session.execute(
                select(EntryPolicy.removal_trigger_at, EntryPolicy.removed_at).where(
                    EntryPolicy.removal_trigger_at.is_not(None),
                    # kept with reasons (RV-purpose-achieved): no removal is owed
                    or_(
                        EntryPolicy.removal_answered_at.is_(None),
                        EntryPolicy.removed_at.is_not(None),
                    ),
                )
            ).all(),
            *session.execute(
                select(ErasureRecord.removal_trigger_at, ErasureRecord.removed_at).where(
                    ErasureRecord.removal_trigger_at.is_not(None)
                )
            ).all(),
        ]
    ]
    done = [item.elapsed for item in latencies if not item.pending]
    lawfulness = dict(
        session.execute(
            select(LawfulnessReview.closed_at.is_(None), func.count()).group_by(
                LawfulnessReview.closed_at.is_(None)
            )
        ).all()
    )
    escalated_tasks = session.execute(
        select(func.count())
        .select_from(EntryPolicy)
        .where(EntryPolicy.removal_escalated_at.is_not(None))
    ).scalar_one()
    return {
        "as_of": now,
        "policy_pack": str(pack.ref),
        "entries_by_status": by_status,
        "review": {
            "in_warning_window": in_window,
            "suspended_review_lapsed": lapsed,
            "decisions": decisions,
            "lawfulness_reviews_open": lawfulness.get(True, 0),
            "lawfulness_reviews_closed": lawfulness.get(False, 0),
        },
        "extensions": {
            "total": sum(k * v for k, v in extension_counts.items()),
            "entries_by_extension_count": {str(k): v for k, v in extension_counts.items()},
            "max_extensions": pack.max_extensions,
        },
        "erasures": erasures,
        "removal_latency": {
            "sla_days": pack.removal_latency_sla.approx_days(),
            "completed": len(done),
            "pending": sum(1 for item in latencies if item.pending),
            "mean_days": round(sum(done, timedelta()) / len(done) / timedelta(days=1), 2)
            if done
            else None,
            "max_days": round(max(done) / timedelta(days=1), 2) if done else None,
            "sla_breaches": sum(1 for item in latencies if item.breached),
            "deletion_tasks_escalated": escalated_tasks,
        },
    }
