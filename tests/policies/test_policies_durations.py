"""Calendar durations used by every time limit in the packs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from policies import Duration, PolicyError, parse_duration, require_utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 months", Duration(12, "months")),
        ("1 year", Duration(1, "years")),
        (" 45 days ", Duration(45, "days")),
        ("2 weeks", Duration(2, "weeks")),
        ("0 days", Duration(0, "days")),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["12", "months", "-1 days", "1.5 years", "12 monts", "", None])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["99999999 years", "101 years", "1201 months", "5219 weeks", "36526 days", "9" * 999 + " days"],
)
def test_parse_duration_refuses_more_than_100_years(text):
    """A duration beyond 100 years is a clear ValueError, never an overflow in date arithmetic."""
    with pytest.raises(ValueError, match="too long: at most"):
        parse_duration(text)


def test_longest_durations_still_compute():
    start = datetime(2026, 1, 31, tzinfo=UTC)
    for text in ("100 years", "1200 months", "5218 weeks", "36525 days"):
        assert parse_duration(text).after(start).year in (2125, 2126)
    with pytest.raises(ValueError, match="too long"):
        Duration(101, "years")


@pytest.mark.parametrize(
    ("duration", "start", "end"),
    [
        (
            Duration(1, "months"),
            datetime(2026, 1, 31, tzinfo=UTC),
            datetime(2026, 2, 28, tzinfo=UTC),
        ),
        (
            Duration(1, "years"),
            datetime(2028, 2, 29, tzinfo=UTC),
            datetime(2029, 2, 28, tzinfo=UTC),
        ),
        (
            Duration(4, "months"),
            datetime(2026, 10, 31, 7, tzinfo=UTC),
            datetime(2027, 2, 28, 7, tzinfo=UTC),
        ),
        (Duration(45, "days"), datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 15, tzinfo=UTC)),
    ],
)
def test_calendar_arithmetic_clamps_month_end(duration, start, end):
    assert duration.after(start) == end


def test_before_is_the_inverse_for_plain_dates():
    moment = datetime(2027, 1, 31, 9, tzinfo=UTC)
    assert Duration(4, "months").before(moment) == datetime(2026, 9, 30, 9, tzinfo=UTC)


def test_require_utc_converts_offsets_and_refuses_naive():
    paris = datetime(2026, 6, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert require_utc(paris) == datetime(2026, 6, 1, 10, tzinfo=UTC)
    with pytest.raises(PolicyError) as caught:
        require_utc(datetime(2026, 6, 1), "received_at")
    assert caught.value.field == "received_at"
