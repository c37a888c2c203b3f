"""RD-disputed: an entry whose accuracy the subject contests carries their statement.

LED Art 16(1) allows rectification "by means of providing a supplementary statement". While
accuracy is contested the entry is flagged ``disputed``; the subject's statement travels with
every hit so the officer who sees the hit also sees the other side, and every recipient of the
entry is told (LED Art 7(3)).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from policies.durations import require_utc
from policies.errors import PolicyError


@dataclass(frozen=True)
class DisputeMark:
    """What the service writes on the entry, and whom it must notify."""

    disputed: bool
    subject_statement: str
    marked_at: datetime
    notify_recipients: tuple[str, ...]


def mark_disputed(
    *, subject_statement: str, recipients: Iterable[str], now: datetime
) -> DisputeMark:
    """Flag an entry as disputed with the subject's statement; all recipients are to be notified."""
    statement = (subject_statement or "").strip()
    if not statement:
        raise PolicyError("subject_statement_required", "subject_statement is required: a "
                          "disputed entry carries the subject's statement",
                          field="subject_statement")
    return DisputeMark(True, statement, require_utc(now), tuple(sorted(set(recipients))))


def hit_dispute_notice(*, disputed: bool, subject_statement: str | None) -> dict[str, object]:
    """The fields every hit on the entry must carry. A disputed entry without its statement is
    refused rather than shown half-told."""
    if not disputed:
        return {"disputed": False}
    if not (subject_statement or "").strip():
        raise PolicyError("subject_statement_missing", "a disputed entry has no subject "
                          "statement; it must not be shown without it", field="subject_statement")
    return {"disputed": True, "subject_statement": subject_statement}
