"""Coarse attributes of a screened traveller, kept on the screening row for oversight statistics
(MT-outcome-stats): nationality, sex and age band.

The data used for a search are erased after the retention period (and when an entry they hit
is erased), but false-positive rates by group must still be reported for older periods. So the
three coarse attributes are stored when the screening is written: never the birth date (only
the band it falls in on the day of the screening), never a name or document, and never
ethnicity or religion, which the service does not hold (LB-no-protected-ground).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.screening.schemas import TravellerIn

# The bands of the transparency report (service.oversight.transparency.AGE_BANDS).
AGE_BANDS = (
    (0, 17, "0-17"),
    (18, 29, "18-29"),
    (30, 44, "30-44"),
    (45, 59, "45-59"),
    (60, 200, "60+"),
)


@dataclass(frozen=True, slots=True)
class Demographics:
    nationality: str | None
    sex: str | None
    age_band: str | None


def age_band(birth_date: str | None, on: date) -> str | None:
    """The band of the age on ``on``; a birth year alone may put someone one band too high."""
    if not birth_date:
        return None
    born_year = int(birth_date[:4])
    age = on.year - born_year
    if len(birth_date) >= 10:
        born = date.fromisoformat(birth_date[:10])
        age -= (on.month, on.day) < (born.month, born.day)
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return None


def demographics_of(traveller: TravellerIn, on: date) -> Demographics:
    return Demographics(
        nationality=traveller.nationality,
        sex=traveller.gender.value if traveller.gender is not None else None,
        age_band=age_band(traveller.birth_date, on),
    )
