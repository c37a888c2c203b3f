"""Periodic review: due dates, warning window, fail-safe suspension, extensions, removal latency
and purpose-achieved tasks. The clock is always passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from policies import (
    PackRef,
    PolicyConflict,
    PolicyError,
    ReviewDecision,
    ReviewedEntry,
    ReviewOutcome,
    ReviewState,
    apply_review_decision,
    load_builtin_pack,
    parse_pack,
    purpose_achieved_task,
    removal_latency,
    review_due,
    review_interval,
    review_status,
    validate_purpose_achieved_answer,
)

PACKS_DIR = Path(__file__).resolve().parents[2] / "policies" / "packs"
DEFAULT = load_builtin_pack("default")
SIS = load_builtin_pack("sis-like")
T0 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("pack", "category", "action", "minor", "expected_due"),
    [
        (DEFAULT, "SUSPECT", None, False, at(2027, 1, 31, 9)),
        (DEFAULT, "VICTIM", "CONTACT_ORIGINATOR", False, at(2027, 1, 31, 9)),  # no action table
        (DEFAULT, "SUSPECT", None, True, at(2026, 7, 31, 9)),  # minors: 6 months
        # sis-like: the action code's interval replaces the category's (1/3/5 years by type)
        (SIS, "SUSPECT", "CONTACT_ORIGINATOR", False, at(2031, 1, 31, 9)),  # 5 y over 1 y
        (SIS, "CONVICTED", "REFER_SECONDARY_INSPECTION", False, at(2029, 1, 31, 9)),  # 3 y
        (SIS, "CONVICTED", "DISCREET_CHECK", False, at(2027, 1, 31, 9)),  # 1 y under 3 y
        (SIS, "CONVICTED", "UNKNOWN_CODE", False, at(2029, 1, 31, 9)),  # falls back to category
        (SIS, "CONVICTED", None, True, at(2026, 7, 31, 9)),  # minors' 6 months beat 3 years
        (SIS, "SUSPECT", "CONTACT_ORIGINATOR", True, at(2026, 7, 31, 9)),  # ... and 5 years
    ],
)
def test_review_due_from_category_action_and_minor_RV_review_date(
    pack, category, action, minor, expected_due
):
    """RV-review-date: review_due follows category, action code and minor status (CH-minor)."""
    decided = review_due(pack, category=category, action_code=action, is_minor=minor,
                         period_start=T0)
    assert decided.value == expected_due
    assert decided.decided_by == pack.ref


@pytest.mark.parametrize(
    ("action_interval", "expected"),
    [("24 months", at(2027, 1, 31, 9)), ("6 months", at(2026, 7, 31, 9))],
)
def test_shortest_precedence_takes_the_shorter_interval_RV_review_date(action_interval, expected):
    """RV-review-date: with the default precedence ("shortest") an action-code interval can
    only shorten the category interval, never lengthen it."""
    text = (PACKS_DIR / "default.toml").read_text("utf-8").replace(
        '# by_action = { DISCREET_CHECK = "12 months" }',
        f'by_action = {{ DISCREET_CHECK = "{action_interval}" }}',
    )
    pack = parse_pack(text)
    assert pack.action_precedence == "shortest"
    due = review_due(pack, category="SUSPECT", action_code="DISCREET_CHECK", is_minor=False,
                     period_start=T0)
    assert due.value == expected


def test_review_due_never_passes_max_retention_RV_review_date():
    """RV-review-date: a period that would run past the retention cap ends at the cap."""
    first = at(2022, 3, 1)
    period_start = at(2026, 9, 1)  # 4.5 years in: 12 more months would pass the 5-year cap
    decided = review_due(DEFAULT, category="SUSPECT", action_code=None, is_minor=False,
                         period_start=period_start, first_activated_at=first)
    assert decided.value == at(2027, 3, 1)


def test_month_arithmetic_clamps_to_month_end():
    assert review_interval(DEFAULT, category="SUSPECT", is_minor=True).value.after(
        at(2025, 8, 31)) == at(2026, 2, 28)


def test_unknown_category_is_refused():
    with pytest.raises(PolicyError) as caught:
        review_interval(DEFAULT, category="TERRORIST")
    assert caught.value.field == "data_subject_category"


@pytest.mark.parametrize(
    ("now", "state", "suspended"),
    [
        (at(2026, 9, 30, 8, 59), ReviewState.OK, False),
        (at(2026, 9, 30, 9, 0), ReviewState.WARNING, False),  # exactly 4 months before due
        (at(2027, 1, 31, 8, 59), ReviewState.WARNING, False),
        (at(2027, 1, 31, 9, 0), ReviewState.OVERDUE, True),  # due: fail-safe suspension
        (at(2030, 1, 1), ReviewState.OVERDUE, True),
    ],
)
def test_review_state_warning_window_and_fail_safe_RV_advance_warning(now, state, suspended):
    """RV-advance-warning and RV-review-date: warned 4 months ahead; overdue entries are
    suspended from screening (nobody stays listed by inertia)."""
    status = review_status(DEFAULT, at(2027, 1, 31, 9), now)
    assert status.state is state
    assert status.screening_suspended is suspended
    assert status.warning_from == at(2026, 9, 30, 9)
    assert status.decided_by == PackRef("default", "2026.1")


def test_naive_now_is_refused():
    with pytest.raises(PolicyError, match="aware UTC"):
        review_status(DEFAULT, at(2027, 1, 31), datetime(2026, 1, 1))


def entry(**overrides) -> ReviewedEntry:
    values = dict(category="SUSPECT", action_code=None, is_minor=False, first_activated_at=T0,
                  review_due=at(2027, 1, 31, 9), extension_count=0)
    values.update(overrides)
    return ReviewedEntry(**values)


def retain(**overrides) -> ReviewDecision:
    values = dict(outcome=ReviewOutcome.RETAIN, reviewer_id="reviewer-7",
                  necessity="Open investigation; the subject's travel is still of concern.",
                  proportionality="Discreet check only; no less intrusive measure suffices.")
    values.update(overrides)
    return ReviewDecision(**values)


def test_retain_starts_new_full_period_and_counts_extension_RV_extension_record():
    """RV-extension-record: retain with an assessment starts a new full period from the
    decision and increments the extension count."""
    now = at(2026, 12, 1, 12)
    result = apply_review_decision(DEFAULT, entry(), retain(), now)
    assert result.review_due == at(2027, 12, 1, 12)
    assert result.extension_count == 1
    assert result.expires_at == at(2031, 1, 31, 9)
    assert result.capped_by_max_retention is False
    assert result.decided_by == DEFAULT.ref


@pytest.mark.parametrize(
    ("necessity", "proportionality", "field"),
    [("", "Discreet check only.", "necessity"),
     ("Open investigation.", "   ", "proportionality"),
     ("", "", "necessity"),
     ("Same text.", "same text.", "proportionality")],
)
def test_retain_without_assessment_is_refused_RV_extension_record(necessity, proportionality,
                                                                  field):
    """RV-extension-record: retain needs both a necessity and a proportionality assessment."""
    with pytest.raises(PolicyError) as caught:
        apply_review_decision(DEFAULT, entry(),
                              retain(necessity=necessity, proportionality=proportionality),
                              at(2026, 12, 1))
    assert caught.value.code == "assessment_required"
    assert caught.value.field == field
    assert caught.value.http_status == 422


def test_extension_limit_is_enforced_RV_extension_record():
    """RV-extension-record: the pack's max_extensions (4 in default) cannot be exceeded."""
    ok = apply_review_decision(DEFAULT, entry(extension_count=3), retain(), at(2026, 12, 1))
    assert ok.extension_count == 4
    with pytest.raises(PolicyConflict) as caught:
        apply_review_decision(DEFAULT, entry(extension_count=4), retain(), at(2026, 12, 1))
    assert caught.value.code == "extension_limit_reached"
    assert caught.value.http_status == 409


def test_unlimited_extensions_still_capped_by_max_retention_RV_extension_record():
    """RV-extension-record: sis-like has no count limit, but never passes max retention."""
    first = at(2016, 6, 1)
    e = entry(category="CONVICTED", action_code="CONTACT_ORIGINATOR", first_activated_at=first,
              review_due=at(2026, 5, 1), extension_count=40)
    result = apply_review_decision(SIS, e, retain(), at(2026, 3, 1))
    assert result.review_due == at(2026, 6, 1)  # 10-year cap, not 2029
    assert result.capped_by_max_retention is True
    with pytest.raises(PolicyConflict) as caught:
        apply_review_decision(SIS, e, retain(), at(2026, 6, 1))
    assert caught.value.code == "max_retention_reached"


def test_retain_after_review_due_is_refused_RV_review_date():
    """RV-review-date: an extension must be recorded before the due date; a lapsed entry
    can only be delisted."""
    with pytest.raises(PolicyConflict) as caught:
        apply_review_decision(DEFAULT, entry(), retain(), at(2027, 1, 31, 9))
    assert caught.value.code == "review_lapsed"
    delisted = apply_review_decision(
        DEFAULT, entry(), ReviewDecision(ReviewOutcome.DELIST, "reviewer-7", reasons="Lapsed."),
        at(2027, 2, 2))
    assert delisted.review_due is None


def test_modify_uses_new_action_code_for_next_period_RV_extension_record():
    """RV-extension-record: modify keeps the entry, so it is an extension with an assessment;
    the new period follows the modified action code."""
    e = entry(category="CONVICTED", action_code="REFER_SECONDARY_INSPECTION",
              review_due=at(2029, 1, 31))
    result = apply_review_decision(
        SIS, e, retain(outcome=ReviewOutcome.MODIFY, new_action_code="DISCREET_CHECK"),
        at(2028, 12, 1))
    assert result.outcome is ReviewOutcome.MODIFY
    assert result.review_due == at(2029, 12, 1)
    assert result.extension_count == 1
    with pytest.raises(PolicyError):
        apply_review_decision(SIS, e, ReviewDecision(ReviewOutcome.MODIFY, "reviewer-7"),
                              at(2028, 12, 1))


def test_delist_needs_reasons_and_schedules_erasure_after_grace():
    with pytest.raises(PolicyError) as caught:
        apply_review_decision(DEFAULT, entry(), ReviewDecision(ReviewOutcome.DELIST, "r"),
                              at(2026, 6, 1))
    assert caught.value.field == "reasons"
    result = apply_review_decision(
        DEFAULT, entry(), ReviewDecision(ReviewOutcome.DELIST, "r", reasons="Case closed."),
        at(2026, 6, 1))
    assert result.erasure_due == at(2026, 7, 1)
    assert result.extension_count == 0


def test_retain_requires_restriction_reassessment_RD_restriction_reasons():
    """RD-restriction-reasons: an active restriction on the subject's access is re-evaluated
    at every review; a retain without that re-evaluation is refused."""
    e = entry(has_active_restriction=True)
    with pytest.raises(PolicyError) as caught:
        apply_review_decision(DEFAULT, e, retain(), at(2026, 12, 1))
    assert caught.value.field == "restriction_reassessment"
    result = apply_review_decision(
        DEFAULT, e, retain(restriction_reassessment="Investigation still covert; keep."),
        at(2026, 12, 1))
    assert result.extension_count == 1


@pytest.mark.parametrize(
    ("removed_at", "now", "breached", "days"),
    [
        (at(2026, 3, 20), at(2026, 6, 1), False, 19),
        (at(2026, 3, 31), at(2026, 6, 1), False, 30),  # exactly at the SLA: not a breach
        (at(2026, 4, 1), at(2026, 6, 1), True, 31),
        (None, at(2026, 3, 15), False, 14),  # pending, still within SLA
        (None, at(2026, 5, 18), True, 78),  # pending past SLA is a breach (OIG: 78 days)
    ],
)
def test_removal_latency_against_sla_RV_removal_latency(removed_at, now, breached, days):
    """RV-removal-latency: time from case closed to removal, breach past the 30-day SLA."""
    latency = removal_latency(DEFAULT, trigger_at=at(2026, 3, 1), removed_at=removed_at, now=now)
    assert latency.breached is breached
    assert latency.elapsed == timedelta(days=days)
    assert latency.pending is (removed_at is None)
    assert latency.sla_deadline == at(2026, 3, 31)
    assert latency.decided_by == DEFAULT.ref


@pytest.mark.parametrize(
    ("answered_at", "now", "overdue"),
    [(None, at(2026, 3, 16), False), (None, at(2026, 3, 16, 0, 1), True),
     (at(2026, 3, 10), at(2026, 9, 1), False), (at(2026, 3, 20), at(2026, 9, 1), True)],
)
def test_purpose_achieved_reply_within_15_days_RV_purpose_achieved(answered_at, now, overdue):
    """RV-purpose-achieved: the owner deletes or gives reasons within 15 days, else escalate."""
    task = purpose_achieved_task(DEFAULT, reported_at=at(2026, 3, 1), answered_at=answered_at,
                                 now=now)
    assert task.reply_due == at(2026, 3, 16)
    assert task.overdue is overdue


def test_keeping_after_purpose_achieved_needs_reasons_RV_purpose_achieved():
    """RV-purpose-achieved: keeping the entry instead of deleting it needs reasons."""
    validate_purpose_achieved_answer(delete=True, reasons="")
    validate_purpose_achieved_answer(delete=False, reasons="Hit was a namesake; purpose open.")
    with pytest.raises(PolicyError) as caught:
        validate_purpose_achieved_answer(delete=False, reasons=" ")
    assert caught.value.field == "reasons"
