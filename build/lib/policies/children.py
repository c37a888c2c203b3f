"""Children (CH-minor): minor status from birth dates of varying precision, the 18th birthday,
re-assessment at majority, and the extra conditions for nominating a minor.

Decisions made here (see README):

* A birth date may be known to the day, the month or only the year. We are conservative in the
  child's favour: the subject is a **minor while they could still be under 18**, i.e. until the
  *latest* possible 18th birthday (31 December for a year-only date, the month's last day for a
  year-month date). :func:`earliest_eighteenth_birthday` gives the other end of the range.
* Someone born on 29 February turns 18 on 1 March in a non-leap year (the later date, again in
  the child's favour).
* "Today" is the calendar date in the westernmost time zone (UTC-12): a subject anywhere on Earth
  who could still be 17 is treated as 17.
* An entry with several birth dates (aliases, conflicting documents) is a minor's entry if *any*
  of them makes the subject a possible minor.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from policies.durations import require_utc
from policies.errors import PolicyError

AGE_OF_MAJORITY = 18
_WESTERNMOST_OFFSET = timedelta(hours=12)
_BIRTH_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class BirthDate:
    """A birth date known to the year, the month or the day (``month``/``day`` may be None)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise PolicyError("invalid_birth_date", "a birth date with a day needs a month",
                              field="birth_date")
        try:
            date(self.year, self.month or 1, self.day or 1)
        except ValueError:
            # No value in the message: a birth date is personal data.
            raise PolicyError("invalid_birth_date", "birth_date is not a valid calendar date",
                              field="birth_date") from None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def parse_birth_date(text: str) -> BirthDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the precision follows from the form)."""
    match = _BIRTH_DATE_RE.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise PolicyError("invalid_birth_date", "birth_date must be YYYY, YYYY-MM or YYYY-MM-DD",
                          field="birth_date")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    return BirthDate(year, month, day)


def _birthday(born: date, age: int) -> date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February in a non-leap year: the later date, 1 March
        return date(born.year + age, 3, 1)


def earliest_eighteenth_birthday(birth: BirthDate) -> date:
    """The earliest day the subject can have turned 18 (1 January for a year-only date)."""
    return _birthday(birth.earliest(), AGE_OF_MAJORITY)


def certainly_adult_from(birth: BirthDate) -> date:
    """The first day the subject is 18 whatever the unknown part of the birth date: the day the
    minor flag clears."""
    return _birthday(birth.latest(), AGE_OF_MAJORITY)


def _local_today(now: datetime) -> date:
    return (require_utc(now) - _WESTERNMOST_OFFSET).date()


def is_minor(birth_dates: Iterable[BirthDate], now: datetime) -> bool:
    """True if any recorded birth date means the subject could be under 18 at ``now``.

    No birth date at all returns False: the service must then rely on the nominator's
    declaration (it stores ``is_minor`` explicitly when age is known otherwise).
    """
    today = _local_today(now)
    return any(today < certainly_adult_from(b) for b in birth_dates)


def needs_majority_reassessment(
    birth_dates: Iterable[BirthDate], *, last_reviewed_at: datetime, now: datetime
) -> bool:
    """True if the subject stopped being a (possible) minor since the last review: the entry
    must be re-assessed as an adult's entry (new interval, fresh necessity assessment)."""
    last = _local_today(last_reviewed_at)
    today = _local_today(now)
    dates = list(birth_dates)
    was_minor = any(last < certainly_adult_from(b) for b in dates)
    return was_minor and not any(today < certainly_adult_from(b) for b in dates)


def validate_minor_nomination(
    *,
    subject_is_minor: bool,
    best_interests_justification: str | None,
    approver_id: str | None,
    approver_is_senior: bool,
    nominator_id: str,
) -> None:
    """Refuse a minor's nomination without a best-interests justification and a senior
    approver who is not the nominator. Adults' nominations pass unchanged."""
    if not subject_is_minor:
        return
    if not (best_interests_justification or "").strip():
        raise PolicyError("best_interests_justification_required",
                          "best_interests_justification is required: an entry on a minor must "
                          "justify listing in the child's best interests (CH-minor)",
                          field="best_interests_justification")
    if not approver_id or not approver_is_senior:
        raise PolicyError("senior_approval_required", "an entry on a minor needs approval by a "
                          "senior reviewer (CH-minor)", field="approver_id")
    if approver_id == nominator_id:
        raise PolicyError("senior_approval_required", "the senior approver cannot be the "
                          "nominator (CH-minor)", field="approver_id")
