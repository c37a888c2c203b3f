"""The clock an entry gets when it becomes active, by the pack (RV-review-date, CH-minor).

One function for both ways an entry is activated: approval by a reviewer
(``EntryRules.approval_fields``) and auto-activation of a binding import source (the import
writer), so an imported UN entry gets exactly the review date, retention cap and pack reference
a reviewed one would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from policies import PackRef, PolicyPack, is_minor, retention_end, review_due
from service.policy.entry_rules import action_code, birth_dates_of
from service.policy.errors import policy_errors


@dataclass(frozen=True)
class Activation:
    """What activation at ``activated_at`` sets: the entry's clock and the pack that decided."""

    activated_at: datetime
    review_due: datetime
    expires_at: datetime
    is_minor: bool
    decided_by: PackRef

    def policy_row(self, entry_id: str) -> dict[str, Any]:
        """The entry's ``entry_policy`` row, for writers that insert rows in bulk."""
        return {
            "entry_id": entry_id,
            "pack_id": self.decided_by.id,
            "pack_version": self.decided_by.version,
            "is_minor": self.is_minor,
            "extension_count": 0,
            "disputed": False,
            "minor_checked_at": self.activated_at,
            "updated_at": self.activated_at,
        }


def activation(
    pack: PolicyPack,
    *,
    category: str,
    action_on_hit: str | None,
    birth_dates: Iterable[dict[str, Any]],
    now: datetime,
    first_activated_at: datetime | None = None,
) -> Activation:
    """review_due from category, action code and minor status; expires_at = now + the pack's
    retention cap (a first activation starts the cap). ``first_activated_at`` is set when an
    entry that was active before is approved again after an amendment: its review period is
    bounded from its first activation, as a reviewed extension's would be."""
    minor = is_minor(birth_dates_of(birth_dates), now)
    with policy_errors():
        due = review_due(
            pack,
            category=category,
            action_code=action_code(action_on_hit),
            is_minor=minor,
            period_start=now,
            first_activated_at=first_activated_at or now,
        )
    return Activation(now, due.value, retention_end(pack, now), minor, due.decided_by)
