"""The append-only, hash-chained audit trail (LG-ops, LG-consult-fields, LG-input-control).

The database refuses UPDATE and DELETE on ``audit_events`` (triggers in the first migration).
``audit_head`` is a single row holding the chain's last sequence number and hash; every writer
updates it first, which takes a row lock and so serialises appends: concurrent writers can never
fork the chain. ``prev_hash`` is also unique, so a fork would be refused by the database itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, PortableJSON, UTCDateTime

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_sub: Mapped[str] = mapped_column(String(200), index=True)
    actor_agency: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(200))  # every role, comma-joined (0005)
    # LED Art 25 operation: collection, alteration, consultation, disclosure, combination, erasure.
    operation: Mapped[str] = mapped_column(String(20), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. entry.create
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(100), index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(40))
    # Metadata only; never names, birth dates or document numbers (they would outlive erasure).
    details: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Set when the free text of ``purpose`` lives in ``audit_texts`` (then ``purpose`` is NULL):
    # the chain hashes this salted digest, so the text can be erased without breaking it.
    purpose_digest: Mapped[str | None] = mapped_column(String(64))


class AuditText(Base):
    """The erasable free text of one audit event (its ``purpose``: a justification or a change
    reason, which can name the person) and the random salt of its digest.

    Erasing an entry deletes the texts of its events (``service.erasure.service``); the event and
    its digest stay, so the chain still verifies and still shows that a reason was recorded.
    The salt keeps a guessed text from being confirmed against the digest once it is erased.
    """

    __tablename__ = "audit_texts"

    # The event's seq (no foreign key: see migration 0006; purged with its event).
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    target_id: Mapped[str | None] = mapped_column(String(100), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(Text)


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))
