"""Canonical hashing of audit events. Pure: used by the service and by offline verifiers.

Each event's hash covers every recorded field and the previous event's hash, so changing,
removing or reordering any event breaks every link after it. A free-text purpose is covered
through its salted digest (``purpose_digest``), so the text itself can be erased.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_sub",
    "actor_agency",
    "actor_role",
    "operation",
    "action",
    "target_type",
    "target_id",
    "purpose",
    "request_id",
    "outcome",
    "details",
    "prev_hash",
    "purpose_digest",  # hashed only when set: events written before it keep their hashes
)


def canonical_time(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(event: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the hashed fields."""
    material = {field: event.get(field) for field in HASHED_FIELDS}
    if material["purpose_digest"] is None:
        del material["purpose_digest"]
    material["occurred_at"] = canonical_time(material["occurred_at"])
    encoded = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def purpose_digest(salt: str, text: str) -> str:
    """What the chain hashes in place of an erasable free text (``audit_texts``)."""
    return hashlib.sha256(f"{salt}\x00{text}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_seq: int | None
    last_seq: int | None
    head_hash: str | None
    broken_at: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "head_hash": self.head_hash,
            "broken_at": self.broken_at,
            "reason": self.reason,
        }


def verify_chain(
    events: Iterable[Mapping[str, Any]],
    *,
    start_prev_hash: str = GENESIS_HASH,
    start_seq: int = 1,
) -> ChainReport:
    """Recompute the chain and name the first broken link.

    ``start_prev_hash``/``start_seq`` let a verifier start after a trusted checkpoint.
    """
    expected_prev = start_prev_hash
    expected_seq = start_seq
    checked = 0
    first_seq: int | None = None
    for event in events:
        seq = event["seq"]
        if first_seq is None:
            first_seq = seq
        if seq != expected_seq:
            return ChainReport(False, checked, first_seq, seq, expected_prev, seq,
                               f"sequence gap: expected {expected_seq}, found {seq}")
        if event["prev_hash"] != expected_prev:
            return ChainReport(False, checked, first_seq, seq, expected_prev, seq,
                               "prev_hash does not match the hash of the previous event")
        recomputed = event_hash(event)
        if recomputed != event["hash"]:
            return ChainReport(False, checked, first_seq, seq, expected_prev, seq,
                               "event content does not match its hash (altered)")
        expected_prev = recomputed
        expected_seq = seq + 1
        checked += 1
    return ChainReport(
        True, checked, first_seq, expected_seq - 1 if checked else None, expected_prev
    )
