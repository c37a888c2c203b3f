"""Governance switches read from the pack (GV-purpose-config): allowed purposes, which import
sources are binding, and small-number suppression in published transparency reports."""

from __future__ import annotations

from enum import StrEnum

from policies.errors import PolicyError
from policies.pack import Decided, PolicyPack

# The purposes the service's routes declare (GV-purpose-config). A pack lists in
# ``[purposes] allowed`` the ones its state's law configures (it may name others too); a route
# whose purpose is not listed is refused.
COUNTER_TERRORISM_SCREENING = "counter_terrorism_screening"  # the list: entries, reviews, imports
BORDER_SCREENING = "border_screening"  # screenings, hit decisions, the cleared-persons register
OVERSIGHT = "oversight"  # audit trail, oversight reports, transparency, subject access reports
REDRESS = "redress"  # every redress route; a new case's own purpose is checked as well
SERVICE_PURPOSES: tuple[str, ...] = (
    COUNTER_TERRORISM_SCREENING, BORDER_SCREENING, OVERSIGHT, REDRESS
)


class ImportDisposition(StrEnum):
    AUTO_ACTIVATE = "auto_activate"  # a binding source, e.g. the UN Security Council list
    REVIEW_QUEUE = "review_queue"  # everything else goes through the two-stage review


def check_purpose(pack: PolicyPack, purpose: str) -> Decided[str]:
    """Refuse processing for a purpose the pack does not configure (GV-purpose-config)."""
    if purpose not in pack.allowed_purposes:
        raise PolicyError("purpose_not_allowed", f"purpose {purpose!r} is not configured in "
                          f"pack {pack.ref}; allowed: {', '.join(sorted(pack.allowed_purposes))}",
                          field="purpose")
    return Decided(purpose, pack.ref)


def import_disposition(pack: PolicyPack, source: str) -> Decided[ImportDisposition]:
    """Binding sources are activated on import; any other source waits in the review queue."""
    binding = source in pack.binding_sources
    return Decided(ImportDisposition.AUTO_ACTIVATE if binding else ImportDisposition.REVIEW_QUEUE,
                   pack.ref)


def publishable_count(pack: PolicyPack, count: int) -> Decided[int | None]:
    """A count for a published report, or None ("fewer than N") when it is small enough to
    single people out. Zero is published: it identifies nobody."""
    if count < 0:
        raise PolicyError("invalid_count", "count cannot be negative", field="count")
    hidden = 0 < count < pack.min_published_count
    return Decided(None if hidden else count, pack.ref)
