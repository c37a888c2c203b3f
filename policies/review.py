"""Periodic review: when an entry is due, what state it is in, and what a review decision does.

Requirements: RV-review-date, RV-advance-warning, RV-extension-record, RV-removal-latency,
RV-purpose-achieved, CH-minor (interval), RD-restriction-reasons (re-evaluated on review).

Fail-safe rule: an entry past ``review_due`` without a decision is suspended from screening.
Nobody stays listed by inertia, and a late ``retain`` is refused: the law asks for the extension
to be recorded *before* the due date, so a lapsed entry can only be delisted (or nominated again
through the normal two-stage workflow, which re-checks everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from policies.durations import Duration, require_utc
from policies.errors import PolicyConflict, PolicyError
from policies.pack import SUBJECT_CATEGORIES, Decided, PackRef, PolicyPack, retention_end


class ReviewState(StrEnum):
    OK = "ok"
    WARNING = "warning"  # inside the warning window: the owner must be told (RV-advance-warning)
    OVERDUE = "overdue"  # past review_due with no decision: suspended from screening


class ReviewOutcome(StrEnum):
    RETAIN = "retain"
    MODIFY = "modify"
    DELIST = "delist"


@dataclass(frozen=True)
class ReviewStatus:
    """The review state of one entry at ``now``."""

    state: ReviewState
    review_due: datetime
    warning_from: datetime
    decided_by: PackRef

    @property
    def screening_suspended(self) -> bool:
        """True when the entry must stop matching (fail-safe, audited by the service)."""
        return self.state is ReviewState.OVERDUE


@dataclass(frozen=True)
class ReviewedEntry:
    """What a review decision needs to know about the entry (no personal data)."""

    category: str
    action_code: str | None
    is_minor: bool
    first_activated_at: datetime
    review_due: datetime
    extension_count: int = 0
    has_active_restriction: bool = False  # a redress reply to this subject was restricted


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's decision. ``retain``/``modify`` need necessity and proportionality texts;
    ``modify`` may change the category or action code, which sets the new period's length."""

    outcome: ReviewOutcome
    reviewer_id: str
    necessity: str = ""
    proportionality: str = ""
    reasons: str = ""
    restriction_reassessment: str = ""
    new_category: str | None = None
    new_action_code: str | None = None


@dataclass(frozen=True)
class ReviewResult:
    """What the service writes back after a decision (with ``decided_by`` in the audit record)."""

    outcome: ReviewOutcome
    decided_at: datetime
    review_due: datetime | None  # None once delisted
    expires_at: datetime
    extension_count: int
    capped_by_max_retention: bool
    erasure_due: datetime | None  # set when delisted: decision + grace period
    decided_by: PackRef


def review_interval(
    pack: PolicyPack, *, category: str, action_code: str | None = None, is_minor: bool = False
) -> Decided[Duration]:
    """The review period for an entry (RV-review-date).

    Precedence: the category interval, unless the pack has an interval for the entry's action
    code; then the shorter of the two (``review.action_precedence = "shortest"``, the default)
    or the action code's alone (``"action"``: SIS sets periods by alert type, so a 5-year alert
    type keeps 5 years whatever the category). For minors the minors' interval applies when it
    is shorter, whatever the precedence (CH-minor).
    """
    if category not in SUBJECT_CATEGORIES:
        raise PolicyError("unknown_category", f"data_subject_category must be one of "
                          f"{', '.join(SUBJECT_CATEGORIES)}", field="data_subject_category")
    interval = pack.review_by_category[category]
    by_action = pack.review_by_action.get(action_code) if action_code is not None else None
    if by_action is not None:
        if pack.action_precedence == "action":
            interval = by_action
        else:
            interval = min(interval, by_action, key=Duration.approx_days)
    if is_minor:
        interval = min(interval, pack.minor_review_interval, key=Duration.approx_days)
    return Decided(interval, pack.ref)


def review_due(
    pack: PolicyPack,
    *,
    category: str,
    action_code: str | None,
    is_minor: bool,
    period_start: datetime,
    first_activated_at: datetime | None = None,
) -> Decided[datetime]:
    """``review_due`` for a period starting at ``period_start`` (activation or last retain),
    never later than the retention cap counted from ``first_activated_at`` (RV-review-date)."""
    start = require_utc(period_start, "period_start")
    interval = review_interval(pack, category=category, action_code=action_code, is_minor=is_minor)
    due = interval.value.after(start)
    cap = retention_end(pack, require_utc(first_activated_at or start, "first_activated_at"))
    return Decided(min(due, cap), pack.ref)


def review_status(pack: PolicyPack, review_due_at: datetime, now: datetime) -> ReviewStatus:
    """ok / warning / overdue at ``now``; overdue means suspended from screening."""
    now = require_utc(now)
    due = require_utc(review_due_at, "review_due")
    warning_from = pack.warning_lead_time.before(due)
    if now >= due:
        state = ReviewState.OVERDUE
    elif now >= warning_from:
        state = ReviewState.WARNING
    else:
        state = ReviewState.OK
    return ReviewStatus(state, due, warning_from, pack.ref)


def nomination_lapses_at(pack: PolicyPack, nominated_at: datetime) -> Decided[datetime]:
    """When a nomination that was never approved lapses (``review.nomination_pending_limit``
    after it was made): it is then rejected, and erased after the grace period."""
    start = require_utc(nominated_at, "nominated_at")
    return Decided(pack.nomination_pending_limit.after(start), pack.ref)


def apply_review_decision(
    pack: PolicyPack, entry: ReviewedEntry, decision: ReviewDecision, now: datetime
) -> ReviewResult:
    """Apply a reviewer's decision at ``now`` and return the entry's new clock.

    ``retain`` and ``modify`` are extensions (RV-extension-record): they need the recorded
    assessment, must come before ``review_due``, count against ``max_extensions`` and start a new
    full period from ``now``, cut short only by the retention cap. ``delist`` needs reasons and
    schedules erasure after the pack's grace period.
    """
    now = require_utc(now)
    if not decision.reviewer_id.strip():
        raise PolicyError("reviewer_required", "reviewer_id is required", field="reviewer_id")
    expires_at = retention_end(pack, require_utc(entry.first_activated_at, "first_activated_at"))

    if decision.outcome is ReviewOutcome.DELIST:
        _require_text(decision.reasons, "reasons", "a delisting must record its reasons")
        return ReviewResult(
            decision.outcome, now, None, expires_at, entry.extension_count, False,
            pack.erasure_grace_period.after(now), pack.ref,
        )

    _check_extension_allowed(pack, entry, now, expires_at)
    _check_assessment(pack, entry, decision)
    category = decision.new_category or entry.category
    action_code = decision.new_action_code or entry.action_code
    interval = review_interval(pack, category=category, action_code=action_code,
                               is_minor=entry.is_minor).value
    full_period_end = interval.after(now)
    return ReviewResult(
        outcome=decision.outcome,
        decided_at=now,
        review_due=min(full_period_end, expires_at),
        expires_at=expires_at,
        extension_count=entry.extension_count + 1,
        capped_by_max_retention=full_period_end > expires_at,
        erasure_due=None,
        decided_by=pack.ref,
    )


def _check_extension_allowed(
    pack: PolicyPack, entry: ReviewedEntry, now: datetime, expires_at: datetime
) -> None:
    if now >= expires_at:
        raise PolicyConflict("max_retention_reached", f"the entry reached the pack's maximum "
                             f"retention ({pack.max_retention}); it cannot be retained")
    if now >= require_utc(entry.review_due, "review_due"):
        raise PolicyConflict("review_lapsed", "review_due has passed without a decision: the "
                             "entry is suspended and can only be delisted or nominated again")
    if pack.max_extensions is not None and entry.extension_count >= pack.max_extensions:
        raise PolicyConflict("extension_limit_reached", f"the pack allows at most "
                             f"{pack.max_extensions} extensions; this entry has "
                             f"{entry.extension_count}")


def _check_assessment(pack: PolicyPack, entry: ReviewedEntry, decision: ReviewDecision) -> None:
    if pack.extension_requires_assessment:
        rule = "an extension needs a recorded individual assessment (RV-extension-record)"
        necessity = _require_text(decision.necessity, "necessity", rule)
        proportionality = _require_text(decision.proportionality, "proportionality", rule)
        if necessity.casefold() == proportionality.casefold():
            raise PolicyError("assessment_required", "necessity and proportionality answer "
                              "different questions; the same text cannot answer both",
                              field="proportionality")
    else:
        _require_text(decision.reasons, "reasons", "a retain decision must record its reasons")
    if entry.has_active_restriction:
        # RD-restriction-reasons: a restriction lasts only as long as it is necessary.
        _require_text(decision.restriction_reassessment, "restriction_reassessment",
                      "the restriction on the subject's access must be re-evaluated at review")


def _require_text(value: str, field: str, rule: str) -> str:
    text = (value or "").strip()
    if not text:
        raise PolicyError("assessment_required" if field in {"necessity", "proportionality"}
                          else f"{field}_required", f"{field} is required: {rule}", field=field)
    return text


# -- removal latency and purpose-achieved tasks ------------------------------------------------


@dataclass(frozen=True)
class RemovalLatency:
    """Time from "case closed"/"purpose achieved" to removal, against the pack's SLA."""

    trigger_at: datetime
    removed_at: datetime | None
    elapsed: timedelta
    sla_deadline: datetime
    breached: bool
    decided_by: PackRef

    @property
    def pending(self) -> bool:
        return self.removed_at is None


def removal_latency(
    pack: PolicyPack, *, trigger_at: datetime, removed_at: datetime | None, now: datetime
) -> RemovalLatency:
    """RV-removal-latency: elapsed time (to removal, or to ``now`` if still listed) and whether
    it breaches ``removal.latency_sla``. A pending removal past the SLA is already a breach."""
    now = require_utc(now)
    start = require_utc(trigger_at, "trigger_at")
    end = require_utc(removed_at, "removed_at") if removed_at is not None else now
    deadline = pack.removal_latency_sla.after(start)
    return RemovalLatency(start, removed_at, end - start, deadline, end > deadline, pack.ref)


@dataclass(frozen=True)
class PurposeAchievedTask:
    """RV-purpose-achieved: the owner must delete or give reasons by ``reply_due``."""

    reported_at: datetime
    reply_due: datetime
    answered_at: datetime | None
    overdue: bool  # unanswered past reply_due, or answered late: escalate
    decided_by: PackRef


def purpose_achieved_task(
    pack: PolicyPack, *, reported_at: datetime, answered_at: datetime | None, now: datetime
) -> PurposeAchievedTask:
    """The deletion task opened when a hit shows the purpose is achieved, and whether it is late."""
    now = require_utc(now)
    reported = require_utc(reported_at, "reported_at")
    due = pack.purpose_achieved_reply.after(reported)
    end = require_utc(answered_at, "answered_at") if answered_at is not None else now
    return PurposeAchievedTask(reported, due, answered_at, end > due, pack.ref)


def validate_purpose_achieved_answer(*, delete: bool, reasons: str) -> None:
    """The owner either deletes, or keeps the entry and records why the purpose is not achieved."""
    if not delete:
        _require_text(reasons, "reasons", "keeping an entry after a purpose-achieved report "
                      "needs reasons (RV-purpose-achieved)")
