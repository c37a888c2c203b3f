"""LB-adequacy-gate: what keeps an inadequate or duplicate nomination from being activated.

ETIAS Art 35: before data are entered, the information must be "adequate, accurate and
important enough", checked against what is already listed (no entry where one exists already),
and its likely effect on the share of cases processed by hand assessed. The service finds the
possible duplicates with the matching library and counts the recent screenings the entry would
have hit; these rules decide what the findings mean. Pure: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from policies.errors import PolicyConflict

RULE = "LB-adequacy-gate"

#: Entries a new one would duplicate: listed (active, suspended) or awaiting review. A delisted,
#: rejected, expired or erased entry is no longer a listing of the person.
DUPLICATE_STATUSES = frozenset({"pending_review", "active", "suspended"})

#: Bands the matching library gives a pair it calls possibly the same person (at or above its
#: default threshold). A ``weak`` pair (a namesake whose birth date or document tells them
#: apart) is not a duplicate: blocking on it would bury the real ones in namesakes.
DUPLICATE_BANDS = frozenset({"strong", "possible"})


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """Another entry the matching library scored as possibly the same person."""

    entry_id: str
    score: float
    band: str


def is_possible_duplicate(band: str) -> bool:
    return band in DUPLICATE_BANDS


def counts_against(
    candidate_status: str,
    candidate_created: tuple[object, str],
    entry_created: tuple[object, str],
) -> bool:
    """Whether an existing entry counts as a duplicate of the entry being checked.

    A listed entry always does. Of two nominations awaiting review, the later one is the
    duplicate: the earlier one is checked against what was there before it, so two pending
    nominations of one person never block each other both. ``*_created`` are (created_at, id)
    pairs, the id breaking ties.
    """
    if candidate_status not in DUPLICATE_STATUSES:
        return False
    if candidate_status == "pending_review":
        return candidate_created < entry_created  # type: ignore[operator]
    return True


def unresolved(
    duplicates: Iterable[PossibleDuplicate], current_status: Mapping[str, str | None]
) -> list[PossibleDuplicate]:
    """The recorded duplicates that still stand: an entry delisted, rejected, expired, merged
    away or erased since (status ``None``) no longer blocks."""
    return [
        d
        for d in duplicates
        if is_possible_duplicate(d.band) and current_status.get(d.entry_id) in DUPLICATE_STATUSES
    ]


def check_activation(unresolved_count: int, resolution: str | None) -> None:
    """Refuse activation while possible duplicates stand and the reviewer recorded no reason
    why the entries are different people (409: the entry conflicts with the list)."""
    if unresolved_count > 0 and not (resolution or "").strip():
        raise PolicyConflict(
            RULE,
            f"the entry has {unresolved_count} unresolved possible duplicate(s): record in "
            "duplicate_resolution why they are different people, or delist the duplicate first "
            f"({RULE})",
            field="duplicate_resolution",
        )


def impact_summary(bands: Iterable[str], *, examined: int, complete: bool) -> dict[str, object]:
    """The expected hit volume as counts only: how many of the examined screenings would have
    been referred, by band."""
    strong = possible = 0
    for band in bands:
        if band == "strong":
            strong += 1
        elif band == "possible":
            possible += 1
    return {
        "queries_examined": examined,
        "would_hit": strong + possible,
        "strong": strong,
        "possible": possible,
        "complete": complete,
    }
