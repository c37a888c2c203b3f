"""Calendar durations and the clock contract shared by every rule.

Legal time limits are written in calendar units ("12 months", "45 days"), so a duration keeps
its unit and is applied with calendar arithmetic: one month after 31 January is the last day of
February, not 3 March. Every public function of this library takes ``now`` explicitly and
requires an aware UTC datetime, so tests move the clock by passing a different value.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from policies.errors import PolicyError

Unit = Literal["days", "weeks", "months", "years"]
_UNITS: tuple[Unit, ...] = ("days", "weeks", "months", "years")
_DURATION_RE = re.compile(r"^\s*(\d+)\s*(day|days|week|weeks|month|months|year|years)\s*$")
#: The longest duration a rule may use, per unit (100 years). Legal time limits are years at
#: most; a bound keeps calendar arithmetic inside the datetime range, so a typo such as
#: "99999999 years" is a clear error at load time, not an overflow deep inside a policy run.
MAX_AMOUNT: dict[str, int] = {"days": 36525, "weeks": 5218, "months": 1200, "years": 100}
# A fixed reference date used only to compare durations of different units (validation).
_REFERENCE = datetime(2001, 1, 31, tzinfo=UTC)


@dataclass(frozen=True, order=False)
class Duration:
    """A calendar duration such as ``Duration(12, "months")``."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("a duration cannot be negative")
        if self.unit not in _UNITS:
            raise ValueError(f"unknown duration unit {self.unit!r}")
        if self.amount > MAX_AMOUNT[self.unit]:
            raise ValueError(
                f"{self.amount} {self.unit} is too long: at most {MAX_AMOUNT[self.unit]} "
                f"{self.unit} (100 years)"
            )

    def after(self, moment: datetime) -> datetime:
        """The moment this duration after ``moment`` (calendar arithmetic, month-end clamped)."""
        return _shift(moment, self.amount, self.unit)

    def before(self, moment: datetime) -> datetime:
        """The moment this duration before ``moment``."""
        return _shift(moment, -self.amount, self.unit)

    def approx_days(self) -> int:
        """Length in days measured from a fixed reference date; only for comparing durations."""
        return (self.after(_REFERENCE) - _REFERENCE).days

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"


def parse_duration(text: str) -> Duration:
    """Parse ``"<number> days|weeks|months|years"`` (at most 100 years); raises ``ValueError``
    otherwise.

    >>> parse_duration("12 months")
    Duration(amount=12, unit='months')
    """
    match = _DURATION_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError('expected a duration such as "45 days", "4 months" or "5 years"')
    digits, unit = match.group(1).lstrip("0") or "0", match.group(2)
    unit = unit if unit.endswith("s") else unit + "s"
    if len(digits) > 6:  # before int(): a thousand-digit number is refused without converting it
        raise ValueError(f"{digits[:6]}... {unit} is too long: at most 100 years")
    return Duration(int(digits), unit)  # type: ignore[arg-type]


def require_utc(moment: datetime, name: str = "now") -> datetime:
    """Refuse naive datetimes: a naive value takes the server's zone and shifts deadlines."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PolicyError("naive_datetime", f"{name} must be an aware UTC datetime", field=name)
    return moment.astimezone(UTC)


def _shift(moment: datetime, amount: int, unit: Unit) -> datetime:
    if unit == "days":
        return moment + timedelta(days=amount)
    if unit == "weeks":
        return moment + timedelta(weeks=amount)
    months = amount * (12 if unit == "years" else 1)
    return moment.replace(**_add_months_fields(moment.date(), months))


def add_months(day: date, months: int) -> date:
    """``day`` shifted by whole months, clamped to the last day of the target month."""
    return day.replace(**_add_months_fields(day, months))


def _add_months_fields(day: date, months: int) -> dict[str, int]:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return {"year": year, "month": month, "day": min(day.day, last_day)}
