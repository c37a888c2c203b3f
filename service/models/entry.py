"""Watchlist entries, their sharing list and their version history.

Identity and derogatory data are stored as validated JSON documents on the entry row: they are
always read and written as a whole, the matching index loads them in one pass, and erasure
removes them with the row. The API layer (``service.entries.schemas``) validates their shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base, PortableJSON, UTCDateTime, Uuid36

ENTRY_STATUSES = ("pending_review", "active", "suspended", "expired", "delisted", "rejected")


class Entry(Base):
    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # person | organisation
    status: Mapped[str] = mapped_column(String(20), index=True)

    # Identity (personal data).
    names: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON)
    birth_dates: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    birth_places: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    gender: Mapped[str | None] = mapped_column(String(16))
    nationalities: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)

    # Listing.
    legal_basis_instrument: Mapped[str] = mapped_column(String(300))
    legal_basis_article: Mapped[str] = mapped_column(String(200))
    decision_ref: Mapped[str] = mapped_column(String(200))
    listing_standard: Mapped[str] = mapped_column(String(200))
    articulable_facts: Mapped[str] = mapped_column(Text)
    data_subject_category: Mapped[str] = mapped_column(String(20), index=True)
    derogatory_items: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON)
    originating_agency: Mapped[str] = mapped_column(String(100), index=True)
    nominating_officer: Mapped[str] = mapped_column(String(200))
    action_on_hit: Mapped[str] = mapped_column(String(40))
    handling_code: Mapped[str] = mapped_column(String(40))
    contact_point: Mapped[str] = mapped_column(String(300))
    warning_flags: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    best_interests_justification: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(100))
    source_ref: Mapped[str | None] = mapped_column(String(200))

    # Lifecycle.
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_due: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    status_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    shares: Mapped[list[EntryShare]] = relationship(
        back_populates="entry", lazy="selectin", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (Index("ix_entries_source_ref", "source", "source_ref"),)


class EntryShare(Base):
    """An agency other than the originating one that may see the entry."""

    __tablename__ = "entry_shares"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    agency: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)

    entry: Mapped[Entry] = relationship(back_populates="shares", lazy="raise")


class EntryVersion(Base):
    """One immutable past state of an entry: who changed it, when, why and what changed."""

    __tablename__ = "entry_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    changed_fields: Mapped[list[str]] = mapped_column(PortableJSON)
    change: Mapped[str] = mapped_column(String(40))  # nominated, approved, updated, ...
    reason: Mapped[str] = mapped_column(Text)
    actor_sub: Mapped[str] = mapped_column(String(200))
    actor_agency: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("entry_id", "version"),)


class EntryAdequacy(Base):
    """LB-adequacy-gate: the nominator's attestation and the duplicate check of one entry.

    ``attested_as`` says who attested: ``nominator`` (an API nomination), or ``source`` /
    ``none`` for an entry found without a row at approval (an import, whose official source
    attests; an entry nominated before the gate). ``duplicates`` holds ids, scores and bands
    only, never another entry's data. The note and the resolution are free text and may name
    the person: the row is erased with the entry (``service.erasure.linked``).
    """

    __tablename__ = "entry_adequacy"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    attested_as: Mapped[str] = mapped_column(String(20))
    attested_by: Mapped[str | None] = mapped_column(String(200))
    attested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attestation_note: Mapped[str | None] = mapped_column(Text)
    duplicates: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    duplicates_checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duplicates_complete: Mapped[bool] = mapped_column(Boolean)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
