"""Erasing an entry for real, leaving only a metadata record (RV-erasure-log)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from policies import ErasureReason, PolicyPack, build_erasure_record
from service.audit.recorder import record_event
from service.auth.principal import Principal, SystemActor
from service.entries import feed
from service.erasure.linked import delete_linked_rows
from service.models.entry import Entry, EntryShare, EntryVersion
from service.models.policy import EntryPolicy, ErasureRecord


@dataclass(frozen=True)
class ErasureOutcome:
    entry_id: str
    legal_reason: str
    rows_erased: int


def erase_entry(
    session: Session,
    actor: Principal | SystemActor,
    entry: Entry,
    *,
    legal_reason: ErasureReason | str,
    pack: PolicyPack,
    now: datetime,
    request_id: str | None = None,
) -> ErasureOutcome:
    """Delete the entry, its versions, shares and every linked row in any table, in the
    caller's transaction; then write the erasure record and its audit event, metadata only.

    The record is built by :func:`policies.build_erasure_record`, which refuses any field
    beyond who, when, which id and why.
    """
    record = build_erasure_record(
        entry_id=entry.id,
        erased_by=actor.sub,
        erased_at=now,
        legal_reason=legal_reason,
        decided_by=pack.ref,
    )
    entry_id = entry.id
    state = session.get(EntryPolicy, entry_id)
    extensions = state.extension_count if state else 0
    # A removal owed after "purpose achieved / case closed" is complete now, at the latest; an
    # entry the owner kept with reasons owed none (RV-removal-latency).
    owed = state is not None and not (state.removal_answered_at and not state.removed_at)
    trigger = (state.removal_trigger, state.removal_trigger_at) if state and owed else (None, None)
    removed_at = (state.removed_at if state and state.removed_at else now) if trigger[0] else None

    # Screening replicas follow the feed: the "erased" change tells them to drop the entry.
    feed.entry_changed(session, entry, "erased")
    session.flush()
    counts = delete_linked_rows(session, entry_id, now)
    counts["entry_versions"] = (
        session.execute(delete(EntryVersion).where(EntryVersion.entry_id == entry_id)).rowcount or 0
    )
    counts["entry_shares"] = (
        session.execute(delete(EntryShare).where(EntryShare.entry_id == entry_id)).rowcount or 0
    )
    session.expunge(entry)
    counts["entries"] = session.execute(delete(Entry).where(Entry.id == entry_id)).rowcount or 0
    if state is not None and state in session:
        session.expunge(state)
    rows = sum(counts.values())

    session.add(
        ErasureRecord(
            id=str(uuid.uuid4()),
            entry_id=entry_id,
            erased_at=now,
            erased_by=actor.sub,
            legal_reason=record.legal_reason.value,
            pack_id=pack.ref.id,
            pack_version=pack.ref.version,
            extension_count=extensions,
            removal_trigger=trigger[0],
            removal_trigger_at=trigger[1],
            removed_at=removed_at,
            rows_erased=rows,
        )
    )
    record_event(
        session,
        actor,
        operation="erasure",
        action="entry.erase",
        target_type="entry",
        target_id=entry_id,
        request_id=request_id,
        purpose=record.legal_reason.value,
        details={
            **record.as_audit_payload(),
            "rows_erased": rows,
            "tables": sorted(name for name, count in counts.items() if count),
        },
    )
    return ErasureOutcome(entry_id, record.legal_reason.value, rows)
