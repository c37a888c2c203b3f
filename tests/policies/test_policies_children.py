"""CH-minor: minor status from birth dates of any precision, majority re-assessment, and the
extra conditions on nominating a minor."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from policies import (
    BirthDate,
    PolicyError,
    certainly_adult_from,
    earliest_eighteenth_birthday,
    is_minor,
    load_builtin_pack,
    needs_majority_reassessment,
    parse_birth_date,
    review_interval,
    validate_minor_nomination,
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "now", "minor"),
    [
        ("2008-06-15", at(2026, 6, 14, 23), True),
        ("2008-06-15", at(2026, 6, 15, 12), False),  # 18th birthday, midday UTC
        ("2008-06-15", at(2026, 6, 15, 6), True),  # still 14 June in UTC-12: conservative
        ("2008-06", at(2026, 6, 29, 23), True),  # could be born 30 June
        ("2008-06", at(2026, 7, 1, 12), False),
        ("2008", at(2026, 6, 15), True),  # year only: could be born 31 December
        ("2008", at(2026, 12, 31, 12), False),
        ("2008", at(2026, 12, 31, 6), True),
        ("1990-01-01", at(2026, 1, 1), False),
        ("2010-02-28", at(2026, 1, 1), True),
    ],
)
def test_is_minor_with_birth_date_precision_CH_minor(text, now, minor):
    """CH-minor: minor while the subject could still be under 18 (partial dates: conservative)."""
    assert is_minor([parse_birth_date(text)], now) is minor


def test_any_birth_date_making_a_minor_wins_CH_minor():
    """CH-minor: with conflicting birth dates, the entry is treated as a minor's entry."""
    dates = [parse_birth_date("1990-05-01"), parse_birth_date("2009")]
    assert is_minor(dates, at(2026, 11, 23)) is True
    assert is_minor([], at(2026, 11, 23)) is False


@pytest.mark.parametrize(
    ("birth", "earliest", "certain"),
    [
        (BirthDate(2008, 6, 15), date(2026, 6, 15), date(2026, 6, 15)),
        (BirthDate(2008, 6), date(2026, 6, 1), date(2026, 6, 30)),
        (BirthDate(2008), date(2026, 1, 1), date(2026, 12, 31)),
        (BirthDate(2008, 2, 29), date(2026, 3, 1), date(2026, 3, 1)),  # leap-day birth
        (BirthDate(2008, 2), date(2026, 2, 1), date(2026, 3, 1)),  # could be 29 Feb 2008
    ],
)
def test_eighteenth_birthday_range_CH_minor(birth, earliest, certain):
    """CH-minor: the 18th birthday is a range when the birth date is partial."""
    assert earliest_eighteenth_birthday(birth) == earliest
    assert certainly_adult_from(birth) == certain


@pytest.mark.parametrize(
    ("last_reviewed", "now", "needed"),
    [
        (at(2026, 1, 10), at(2026, 6, 20), True),  # turned 18 on 15 June in between
        (at(2026, 1, 10), at(2026, 6, 10), False),  # not yet 18
        (at(2026, 6, 20), at(2026, 12, 1), False),  # already adult at the last review
    ],
)
def test_reassessment_when_subject_turns_18_CH_minor(last_reviewed, now, needed):
    """CH-minor: an entry is re-assessed when the subject turns 18 since the last review."""
    births = [BirthDate(2008, 6, 15)]
    assert needs_majority_reassessment(births, last_reviewed_at=last_reviewed, now=now) is needed


def test_minor_interval_applies_CH_minor():
    """CH-minor: minors' entries use the pack's shorter review interval."""
    pack = load_builtin_pack("default")
    assert review_interval(pack, category="SUSPECT", is_minor=True).value == \
        pack.minor_review_interval
    assert review_interval(pack, category="SUSPECT", is_minor=False).value != \
        pack.minor_review_interval


NOMINATION = dict(subject_is_minor=True, best_interests_justification="Child-protection referral "
                  "made; listing limited to a discreet check to locate the child.",
                  approver_id="senior-2", approver_is_senior=True, nominator_id="officer-9")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"best_interests_justification": ""}, "best_interests_justification_required"),
        ({"best_interests_justification": None}, "best_interests_justification_required"),
        ({"approver_id": None}, "senior_approval_required"),
        ({"approver_is_senior": False}, "senior_approval_required"),
        ({"approver_id": "officer-9"}, "senior_approval_required"),  # self-approval
    ],
)
def test_minor_nomination_needs_justification_and_senior_approval_CH_minor(overrides, code):
    """CH-minor: best-interests justification and approval by another, senior reviewer."""
    with pytest.raises(PolicyError) as caught:
        validate_minor_nomination(**{**NOMINATION, **overrides})
    assert caught.value.code == code


def test_valid_minor_and_adult_nominations_pass_CH_minor():
    validate_minor_nomination(**NOMINATION)
    validate_minor_nomination(**{**NOMINATION, "subject_is_minor": False,
                                 "best_interests_justification": None, "approver_id": None})


@pytest.mark.parametrize("text", ["2008-13", "2008-02-30", "15/06/2008", "08", ""])
def test_invalid_birth_date_error_does_not_echo_value(text):
    """Privacy: the error names the field, never the birth date itself."""
    with pytest.raises(PolicyError) as caught:
        parse_birth_date(text)
    assert caught.value.field == "birth_date"
    assert not text or text not in str(caught.value)
