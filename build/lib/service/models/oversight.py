"""Oversight and import bookkeeping tables.

``audit_checkpoints_signed``: signed statements "the audit chain had sequence number N and head
hash H at time T" (OV-console, LG-input-control). Anyone holding one can later detect that the
chain was truncated or rewritten at or before N. Distinct from the retention-cut checkpoint used
when old audit events are purged.

``import_runs`` / ``import_records``: which list edition was imported when, with what outcome,
and for every imported subject the content digest of its last imported form, so re-importing
an edition changes nothing that did not change at the source.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, PortableJSON, UTCDateTime, Uuid36


class AuditCheckpointSigned(Base):
    __tablename__ = "audit_checkpoints_signed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(40))  # manual | export | scheduled
    created_by: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[str] = mapped_column(Uuid36, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    edition: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actor_sub: Mapped[str] = mapped_column(String(200))
    # Counts and rejection reasons (record references and rule names only, no personal data).
    summary: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)


class ImportRecord(Base):
    """The entry an external record became, and the digest of its last imported content."""

    __tablename__ = "import_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100))
    source_ref: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    content_digest: Mapped[str] = mapped_column(String(64))
    last_run_id: Mapped[str] = mapped_column(String(36))
    last_edition: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removal_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("source", "source_ref", name="uq_import_records_source"),
        Index("ix_import_records_run", "last_run_id"),
    )
