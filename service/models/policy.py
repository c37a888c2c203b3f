"""Tables of the policies feature: per-entry policy state, review decisions, redress cases,
erasure records and audit-retention checkpoints.

Rows that hold personal data or facts about one listed person (``entry_policy``,
``review_decisions``, ``redress_case_entries``, ``lawfulness_reviews``) reference ``entries.id``
with ``ON DELETE CASCADE``, so erasing the entry erases them. What must outlive an erasure
(``erasure_records``, ``redress_delistings``, ``audit_checkpoints``) holds metadata and digests
only and deliberately has no foreign key to the entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, PortableJSON, UTCDateTime, Uuid36

_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class EntryPolicy(Base):
    """Policy clocks and flags of one entry (one row per entry, created on demand)."""

    __tablename__ = "entry_policy"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str | None] = mapped_column(String(64))
    pack_version: Mapped[str | None] = mapped_column(String(64))
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # RV-advance-warning
    warned_for_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # suspended: review overdue
    majority_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # CH-minor at 18
    minor_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removal_trigger: Mapped[str | None] = mapped_column(String(20))  # purpose_achieved|case_closed
    removal_trigger_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # RV-purpose-achieved: the owner delisted or kept the entry with reasons; the deletion task
    # passed its reply date unanswered (escalated once). RV-removal-latency: breach recorded.
    removal_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removal_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removal_sla_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)  # RD-disputed
    subject_statement: Mapped[str | None] = mapped_column(Text)
    disputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispute_case_id: Mapped[str | None] = mapped_column(Uuid36)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewDecisionRecord(Base):
    """One periodic review decision with its assessment and the pack that decided it."""

    __tablename__ = "review_decisions"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    reviewer_sub: Mapped[str] = mapped_column(String(200))
    reviewer_agency: Mapped[str] = mapped_column(String(100))
    necessity: Mapped[str | None] = mapped_column(Text)
    proportionality: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[str | None] = mapped_column(Text)
    restriction_reassessment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_review_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_review_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_number: Mapped[int] = mapped_column(Integer)
    pack_id: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(64))


class RedressCaseRecord(Base):
    """A redress request. It holds no identity data of the requester: only clocks and reasons."""

    __tablename__ = "redress_cases"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(24), unique=True)
    request_kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(30), index=True)
    profile_name: Mapped[str] = mapped_column(String(64))
    pack_id: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(64))
    milestones: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    extensions: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    escalations: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    decision_outcome: Mapped[str | None] = mapped_column(String(20))
    factual_reasons: Mapped[str | None] = mapped_column(Text)
    legal_reasons: Mapped[str | None] = mapped_column(Text)
    public_summary: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    letter: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_agency: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RedressCaseEntry(Base):
    __tablename__ = "redress_case_entries"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("redress_cases.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_by: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RedressDelistingRecord(Base):
    """RD-no-moot: what is kept after a delisting through redress, digests only.

    ``identity_digests`` are HMAC-SHA256 digests of (name, birth date) pairs under the
    deployment's secret key (``service.policy.relisting``): enough to recognise a re-nomination
    of the same person, useless for reading a name back, even by hashing the public lists.
    """

    __tablename__ = "redress_delistings"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    case_id: Mapped[str] = mapped_column(Uuid36, index=True)
    identity_digests: Mapped[list[str]] = mapped_column(PortableJSON)
    facts_fingerprint: Mapped[str] = mapped_column(String(80))
    material_ids: Mapped[list[str]] = mapped_column(PortableJSON)
    delisted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LawfulnessReview(Base):
    """RD-indirect-access follow-up: an entry to re-check after an indirect access request.
    Internal to the controller: it puts the entry on the review queue, and the next review
    decision closes it. Never shown to the oversight body that asked (which entry was found is
    exactly what the neutral answer withholds); oversight sees aggregate counts only."""

    __tablename__ = "lawfulness_reviews"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    request_reference: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by a review decision
    closed_by: Mapped[str | None] = mapped_column(String(200))


class ErasureRecord(Base):
    """RV-erasure-log: who, when, which id, legal reason; never any erased content."""

    __tablename__ = "erasure_records"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    entry_id: Mapped[str] = mapped_column(Uuid36, unique=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    erased_by: Mapped[str] = mapped_column(String(200))
    legal_reason: Mapped[str] = mapped_column(String(40))
    pack_id: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(64))
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    removal_trigger: Mapped[str | None] = mapped_column(String(20))
    removal_trigger_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rows_erased: Mapped[int] = mapped_column(Integer, default=0)


class AuditCheckpoint(Base):
    """LG-retention: the chain's state at a purge cut; verification restarts from here.

    Signed by the service (``service.audit.cuts``): a cut without a valid signature does not
    account for the events missing below it.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cut_seq: Mapped[int] = mapped_column(_BIGINT, unique=True)
    cut_hash: Mapped[str] = mapped_column(String(64))
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)
    purged_events: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pack_id: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(64))  # NULL only before 0006_audit_integrity
    signature: Mapped[str | None] = mapped_column(String(200))
