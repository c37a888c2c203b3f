"""Screening: the entry change feed, screenings and their hits, human decisions on hits, and
the cleared-persons register.

Personal data of screened travellers lives only in ``screening_queries`` (subject to retention
and erasure); the audit trail refers to it by id and digest. Traveller identities that decisions
and cleared profiles must recognise again are kept as keyed HMAC digests, never in clear.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base, PortableJSON, UTCDateTime, Uuid36

FeedSeq = BigInteger().with_variant(Integer, "sqlite")
STANDING_DECISION_INDEX = "uq_hit_decisions_standing_hit_id"


class EntryChange(Base):
    """One change to an entry, written in the same transaction as the change (the change feed).

    ``seq`` is allocated at insert time, so on PostgreSQL a later seq can commit before an
    earlier one; readers of the feed handle such gaps (see ``service.screening.feed``).
    """

    __tablename__ = "entry_changes"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(FeedSeq, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(Uuid36, index=True)
    change: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScreeningQuery(Base):
    """The data used for one search (LG-consult-fields): personal data, erasable."""

    __tablename__ = "screening_queries"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON, nullable=True)
    digest: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Screening(Base):
    """One traveller screened: who asked, why, on which list version, with what result."""

    __tablename__ = "screenings"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    batch_id: Mapped[str | None] = mapped_column(Uuid36, index=True)
    traveller_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_sub: Mapped[str] = mapped_column(String(200))
    actor_agency: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(Text)
    query_id: Mapped[str | None] = mapped_column(
        ForeignKey("screening_queries.id", ondelete="SET NULL"), index=True
    )
    query_digest: Mapped[str] = mapped_column(String(64))
    list_version: Mapped[int] = mapped_column(FeedSeq)
    data_as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str] = mapped_column(String(30))
    hit_count: Mapped[int] = mapped_column(Integer)
    raised_count: Mapped[int] = mapped_column(Integer)
    # Coarse, non-identifying attributes for oversight statistics (MT-outcome-stats); they
    # outlive the erasable query data. See ``service.screening.demographics``.
    traveller_nationality: Mapped[str | None] = mapped_column(String(2))
    traveller_sex: Mapped[str | None] = mapped_column(String(16))
    traveller_age_band: Mapped[str | None] = mapped_column(String(8))

    # Declared so one flush inserts parents first; never loaded implicitly.
    query: Mapped[ScreeningQuery | None] = relationship(lazy="raise")


class ScreeningHit(Base):
    """One candidate entry found for a screened traveller, with the explanation of the score."""

    __tablename__ = "screening_hits"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    screening_id: Mapped[str] = mapped_column(
        ForeignKey("screenings.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[str] = mapped_column(Uuid36, index=True)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON)
    algorithm: Mapped[str] = mapped_column(String(60))
    algorithm_version: Mapped[str] = mapped_column(String(100))
    list_version: Mapped[int] = mapped_column(FeedSeq)
    cleared_by_decision_id: Mapped[str | None] = mapped_column(Uuid36)
    cleared_person_id: Mapped[str | None] = mapped_column(Uuid36)

    screening: Mapped[Screening] = relationship(lazy="raise")


class HitDecision(Base):
    """A named human's decision on a hit (MT-human-in-loop); revocable, never deleted."""

    __tablename__ = "hit_decisions"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    hit_id: Mapped[str] = mapped_column(ForeignKey("screening_hits.id", ondelete="CASCADE"),
                                        index=True)
    screening_id: Mapped[str] = mapped_column(Uuid36, index=True)
    entry_id: Mapped[str] = mapped_column(Uuid36, index=True)
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_agency: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Keyed digests of the traveller's identity (false positives only): never the raw values.
    document_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    name_birth_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    # At most one standing (not revoked) decision per hit, whatever races past the service's
    # row lock (migration 0007).
    __table_args__ = (
        Index(STANDING_DECISION_INDEX, "hit_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"),
              postgresql_where=text("revoked_at IS NULL")),
    )


class ClearedPerson(Base):
    """Someone repeatedly mistaken for a listed subject, registered with consent (MT-misidentified).

    ``identity`` and the digests are erased when consent is withdrawn; the row stays as a
    metadata-only record that a profile existed.
    """

    __tablename__ = "cleared_persons"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    entry_id: Mapped[str] = mapped_column(Uuid36, index=True)
    consent_ref: Mapped[str] = mapped_column(String(200))
    consent_given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_agency: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    identity: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON, nullable=True)
    document_digests: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    name_birth_digests: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
