"""LB-adequacy-gate's rules, pure: which entries count as duplicates, which still stand, when
activation is refused, and the impact figures as counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from policies import PolicyConflict
from policies.adequacy import (
    RULE,
    PossibleDuplicate,
    check_activation,
    counts_against,
    impact_summary,
    is_possible_duplicate,
    unresolved,
)

EARLY = (datetime(2026, 1, 1, tzinfo=UTC), "b")
LATE = (datetime(2026, 2, 1, tzinfo=UTC), "a")


def test_listed_entries_count_and_of_two_nominations_only_the_earlier_one():
    """LB-adequacy-gate: an active or suspended entry is always a duplicate of a nomination;
    a pending one only if it came first (ties broken by id); ended entries never."""
    for status in ("active", "suspended"):
        assert counts_against(status, LATE, EARLY)
    assert counts_against("pending_review", EARLY, LATE)
    assert not counts_against("pending_review", LATE, EARLY)
    same = EARLY[0]
    assert counts_against("pending_review", (same, "a"), (same, "b"))
    assert not counts_against("pending_review", (same, "b"), (same, "a"))
    for status in ("delisted", "rejected", "expired"):
        assert not counts_against(status, EARLY, LATE)


def test_only_possible_and_strong_bands_are_duplicates():
    """LB-adequacy-gate: a weak pair (a namesake the birth date tells apart) is no duplicate."""
    assert is_possible_duplicate("strong") and is_possible_duplicate("possible")
    assert not is_possible_duplicate("weak") and not is_possible_duplicate("none")


def test_duplicates_delisted_or_erased_since_no_longer_stand():
    """LB-adequacy-gate: what was recorded stands only while the other entry is still listed
    or awaiting review; an erased entry (no status) is gone."""
    recorded = [PossibleDuplicate("a", 0.95, "strong"), PossibleDuplicate("b", 0.85, "possible"),
                PossibleDuplicate("c", 0.9, "strong"), PossibleDuplicate("d", 0.75, "weak")]
    statuses = {"a": "active", "b": "delisted", "d": "active"}
    assert [d.entry_id for d in unresolved(recorded, statuses)] == ["a"]


def test_activation_is_refused_while_duplicates_stand_without_a_reason():
    """LB-adequacy-gate: 409 naming the field and the rule, with no personal data."""
    check_activation(0, None)
    check_activation(2, "different fathers' names in the case files")
    for resolution in (None, "", "   "):
        with pytest.raises(PolicyConflict) as refused:
            check_activation(2, resolution)
        assert refused.value.code == RULE
        assert refused.value.field == "duplicate_resolution"
        assert refused.value.http_status == 409
        assert "2 unresolved" in refused.value.message


def test_impact_summary_counts_by_band():
    """LB-adequacy-gate: the expected hit volume is counts only."""
    summary = impact_summary(["strong", "possible", "strong", "weak"], examined=10,
                             complete=True)
    assert summary == {"queries_examined": 10, "would_hit": 3, "strong": 2, "possible": 1,
                       "complete": True}
