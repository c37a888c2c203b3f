"""Retention and erasure: when personal data go, the audit-log purge cut-off, and the
metadata-only erasure record."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from policies import (
    ErasureReason,
    PackRef,
    PolicyError,
    audit_log_purge_cutoff,
    build_erasure_record,
    erasure_due,
    load_builtin_pack,
    nomination_lapses_at,
    retention_end,
)

DEFAULT = load_builtin_pack("default")
SIS = load_builtin_pack("sis-like")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


EXPIRES = at(2031, 1, 31)


@pytest.mark.parametrize(
    ("delisted_at", "review_due", "review_decided", "expected_at", "reason"),
    [
        (None, None, True, EXPIRES, ErasureReason.MAX_RETENTION_REACHED),
        (at(2026, 6, 1), None, True, at(2026, 7, 1), ErasureReason.DELISTED),
        (None, at(2027, 1, 31), False, at(2027, 3, 2), ErasureReason.REVIEW_LAPSED),
        (None, at(2027, 1, 31), True, EXPIRES, ErasureReason.MAX_RETENTION_REACHED),
        (at(2031, 1, 20), None, True, EXPIRES, ErasureReason.MAX_RETENTION_REACHED),  # cap first
    ],
)
def test_erasure_due_and_legal_reason_RV_review_date(delisted_at, review_due, review_decided,
                                                     expected_at, reason):
    """RV-review-date: automatic expiry at expires_at, or delisted/lapsed + grace period."""
    due = erasure_due(DEFAULT, expires_at=EXPIRES, delisted_at=delisted_at,
                      review_due=review_due, review_decided=review_decided)
    assert (due.at, due.reason) == (expected_at, reason)
    assert due.decided_by == DEFAULT.ref
    assert due.is_due(expected_at) and not due.is_due(at(2026, 5, 1))


def test_nomination_never_approved_is_erased_after_limit_and_grace_RV_review_date():
    """RV-review-date: a nomination never approved lapses after the pack's pending limit
    (90 days by default) and is erased a grace period (30 days) later; an earlier rejection
    plus grace still wins."""
    nominated = at(2026, 1, 10)
    assert nomination_lapses_at(DEFAULT, nominated).value == at(2026, 4, 10)
    due = erasure_due(DEFAULT, expires_at=EXPIRES, nominated_at=nominated)
    assert (due.at, due.reason) == (at(2026, 5, 10), ErasureReason.NOMINATION_LAPSED)
    rejected = erasure_due(DEFAULT, expires_at=EXPIRES, nominated_at=nominated,
                           delisted_at=at(2026, 1, 20))
    assert (rejected.at, rejected.reason) == (at(2026, 2, 19), ErasureReason.DELISTED)
    lapsed = erasure_due(DEFAULT, expires_at=EXPIRES, nominated_at=nominated,
                         delisted_at=at(2026, 4, 10))  # rejected as lapsed, on time
    assert lapsed.reason is ErasureReason.NOMINATION_LAPSED


def test_retention_end_is_first_activation_plus_max_retention():
    assert retention_end(DEFAULT, at(2026, 1, 31)) == at(2031, 1, 31)
    assert retention_end(SIS, at(2026, 1, 31)) == at(2036, 1, 31)


@pytest.mark.parametrize(
    ("pack", "now", "cutoff"),
    [
        (DEFAULT, at(2026, 11, 23, 19), at(2025, 1, 1)),  # 2024 events kept to end of 2025
        (DEFAULT, at(2026, 1, 1, 0), at(2025, 1, 1)),
        (DEFAULT, at(2025, 12, 31, 23, 59), at(2024, 1, 1)),  # 2023 events may go in 2025
        (SIS, at(2026, 11, 23, 19), at(2023, 11, 23, 19)),  # 3 years
        (SIS, at(2028, 2, 29), at(2025, 2, 28)),  # leap day, clamped
    ],
)
def test_audit_log_purge_cutoff_LG_retention(pack, now, cutoff):
    """LG-retention: audit events older than the pack's log retention may be purged."""
    decided = audit_log_purge_cutoff(pack, now)
    assert decided.value == cutoff
    assert decided.decided_by == pack.ref


def test_erasure_record_holds_metadata_only_RV_erasure_log():
    """RV-erasure-log: who, when, which id, legal reason; nothing of the erased content."""
    record = build_erasure_record(entry_id="4f1c-entry", erased_by="scheduler",
                                  erased_at=at(2031, 1, 31), legal_reason="max_retention_reached",
                                  decided_by=PackRef("default", "2026.1"))
    assert {f.name for f in dataclasses.fields(record)} == {
        "entry_id", "erased_by", "erased_at", "legal_reason", "decided_by"}
    assert record.as_audit_payload() == {
        "entry_id": "4f1c-entry", "erased_by": "scheduler",
        "erased_at": "2031-01-31T00:00:00+00:00", "legal_reason": "max_retention_reached",
        "decided_by": "default@2026.1",
    }


@pytest.mark.parametrize(
    "extra",
    [{"names": ["Jane Doe"]}, {"birth_dates": ["1990-01-01"]}, {"snapshot": {"x": 1}},
     {"documents": ["P1234567"], "reason_text": "free text"}],
)
def test_erasure_record_refuses_any_other_field_RV_erasure_log(extra):
    """RV-erasure-log: any field beyond the metadata is refused; the error names the key but
    never repeats the erased value."""
    with pytest.raises(PolicyError) as caught:
        build_erasure_record(entry_id="e1", erased_by="u1", erased_at=at(2031, 1, 31),
                             legal_reason=ErasureReason.DELISTED,
                             decided_by=DEFAULT.ref, **extra)
    assert caught.value.code == "erasure_record_content_refused"
    message = str(caught.value)
    for key, value in extra.items():
        assert key in message
        assert str(value) not in message and "Jane" not in message and "P1234567" not in message


def test_erasure_record_requires_known_reason_and_ids_RV_erasure_log():
    """RV-erasure-log: the legal reason is a known code; who and which id are required."""
    with pytest.raises(PolicyError) as caught:
        build_erasure_record(entry_id="e1", erased_by="u1", erased_at=at(2031, 1, 31),
                             legal_reason="because", decided_by=DEFAULT.ref)
    assert caught.value.field == "legal_reason"
    with pytest.raises(PolicyError) as caught:
        build_erasure_record(entry_id=" ", erased_by="u1", erased_at=at(2031, 1, 31),
                             legal_reason="delisted", decided_by=DEFAULT.ref)
    assert caught.value.field == "entry_id"
