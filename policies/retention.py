"""Retention and erasure: when personal data must go, why, and what may be kept about it.

Requirements: RV-review-date (automatic expiry), RV-erasure-log, LG-retention.

Erasure is due at the earliest of: the retention cap (``expires_at``), delisting plus the pack's
grace period, a lapsed review (``review_due`` passed with no decision) plus the grace period,
or, for a nomination never approved, its pending limit plus the grace period.
The grace period exists so the service can notify recipients and write the audit record; it
is never a way to keep screening: a delisted or lapsed entry stops matching at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from policies.durations import require_utc
from policies.errors import PolicyError
from policies.pack import Decided, PackRef, PolicyPack


class ErasureReason(StrEnum):
    """Legal reason codes written in the erasure record."""

    MAX_RETENTION_REACHED = "max_retention_reached"  # LED Art 5; SIS Art 53(7) automatic deletion
    DELISTED = "delisted"  # review decision, redress or purpose achieved
    REVIEW_LAPSED = "review_lapsed"  # no extension recorded before review_due (RV-review-date)
    NOMINATION_LAPSED = "nomination_lapsed"  # never approved within the pack's pending limit
    COURT_ORDER = "court_order"  # ordered by a court or the supervisory authority
    REDRESS_ERASURE = "redress_erasure"  # granted erasure request (RD-*)


@dataclass(frozen=True)
class ErasureDue:
    """When the entry's personal data must be erased, and the legal reason."""

    at: datetime
    reason: ErasureReason
    decided_by: PackRef

    def is_due(self, now: datetime) -> bool:
        return require_utc(now) >= self.at


def erasure_due(
    pack: PolicyPack,
    *,
    expires_at: datetime,
    delisted_at: datetime | None = None,
    review_due: datetime | None = None,
    review_decided: bool = True,
    nominated_at: datetime | None = None,
) -> ErasureDue:
    """The earliest erasure date and its reason.

    ``review_decided=False`` means ``review_due`` is the current, unanswered due date: if it
    passes, the entry lapses and is erased after the grace period, whether it was active or
    suspended. ``nominated_at`` is given for an entry that was never approved: a nomination
    pending past ``review.nomination_pending_limit`` lapses the same way.
    """
    candidates = [(require_utc(expires_at, "expires_at"), ErasureReason.MAX_RETENTION_REACHED)]
    if nominated_at is not None:
        lapses = pack.nomination_pending_limit.after(require_utc(nominated_at, "nominated_at"))
        candidates.append((pack.erasure_grace_period.after(lapses),
                           ErasureReason.NOMINATION_LAPSED))
    if delisted_at is not None:
        candidates.append((pack.erasure_grace_period.after(require_utc(delisted_at, "delisted_at")),
                           ErasureReason.DELISTED))
    if review_due is not None and not review_decided:
        candidates.append((pack.erasure_grace_period.after(require_utc(review_due, "review_due")),
                           ErasureReason.REVIEW_LAPSED))
    at, reason = min(candidates, key=lambda item: item[0])
    return ErasureDue(at, reason, pack.ref)


def audit_log_purge_cutoff(pack: PolicyPack, now: datetime) -> Decided[datetime]:
    """LG-retention: audit events written strictly before the returned moment may be purged.

    ``end_of_following_year``: an event from year Y is kept until 31 December of Y+1, so in
    year N everything before 1 January of N-1 may go. The service must record a checkpoint hash
    at the cut so the remaining chain still verifies.
    """
    now = require_utc(now)
    rule = pack.audit_log_retention
    if rule.profile == "end_of_following_year":
        return Decided(datetime(now.year - 1, 1, 1, tzinfo=UTC), pack.ref)
    assert rule.duration is not None
    return Decided(rule.duration.before(now), pack.ref)


# -- the erasure record --------------------------------------------------------------------------

ERASURE_RECORD_FIELDS = ("entry_id", "erased_by", "erased_at", "legal_reason", "decided_by")


@dataclass(frozen=True)
class ErasureRecord:
    """RV-erasure-log: metadata only. There is deliberately no field for any erased content."""

    entry_id: str
    erased_by: str
    erased_at: datetime
    legal_reason: ErasureReason
    decided_by: PackRef

    def as_audit_payload(self) -> dict[str, str]:
        """The JSON-ready payload for the audit event."""
        return {
            "entry_id": self.entry_id,
            "erased_by": self.erased_by,
            "erased_at": self.erased_at.isoformat(),
            "legal_reason": self.legal_reason.value,
            "decided_by": str(self.decided_by),
        }


def build_erasure_record(
    *,
    entry_id: str,
    erased_by: str,
    erased_at: datetime,
    legal_reason: ErasureReason | str,
    decided_by: PackRef,
    **other_fields: object,
) -> ErasureRecord:
    """Build the erasure audit record, refusing anything beyond who, when, which id and why.

    Passing any other field (``names=...``, ``snapshot=...``) raises: "do not record the data
    itself in your logs of erasure" (ICO guidance on LED logging). The error names the refused
    keys, never their values.
    """
    if other_fields:
        raise PolicyError("erasure_record_content_refused", "an erasure record holds metadata "
                          f"only ({', '.join(ERASURE_RECORD_FIELDS)}); refused fields: "
                          f"{', '.join(sorted(other_fields))}", field=sorted(other_fields)[0])
    for name, value in (("entry_id", entry_id), ("erased_by", erased_by)):
        if not isinstance(value, str) or not value.strip():
            raise PolicyError(f"{name}_required", f"{name} is required", field=name)
    try:
        reason = ErasureReason(legal_reason)
    except ValueError:
        raise PolicyError("unknown_legal_reason", "legal_reason must be one of "
                          f"{', '.join(r.value for r in ErasureReason)}",
                          field="legal_reason") from None
    return ErasureRecord(entry_id, erased_by, require_utc(erased_at, "erased_at"), reason,
                         decided_by)
