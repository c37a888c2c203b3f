"""LB-adequacy-gate in the service: the attestation, the duplicate check and the impact
simulation of a nomination (the rules are ``policies.adequacy``; the scores come from the
matching library).

Duplicate check
    Another entry counts when the matching engine scores it at or above its default threshold
    against this one and it is listed (active, suspended) or an earlier nomination awaiting
    review (``policies.adequacy.counts_against``). Active entries are searched in the live
    index the screening runtime already holds (blocking, rarity weights: the scores screening
    would give). Entries off screening (pending review, suspended) are held in a small index of
    their own, brought up to date on each check from their ids and versions, so a check loads
    only the entries that changed since the last one, never the whole table. Without a live
    index (command-line tools) that small index holds the active entries too. The statuses of
    the entries found are read again in the caller's transaction, so neither index lagging
    behind can make a delisted entry count. An entry activated by another replica within the
    last feed poll interval is in neither index yet; the check at approval, which comes later,
    finds it.

Impact simulation
    The newest ``IMPACT_QUERY_LIMIT`` screening queries whose data are still held (not erased,
    younger than the retention period) are searched against an index holding only this entry,
    as screening would search the live list, within ``IMPACT_BUDGET_SECONDS``. Only counts
    leave this module; nothing is logged.

This runs on nominations, amendments, approvals and the adequacy read, never on screenings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.adequacy import (
    DUPLICATE_STATUSES,
    PossibleDuplicate,
    counts_against,
    impact_summary,
    is_possible_duplicate,
)
from service.auth.principal import Principal
from service.entries import repository
from service.models.entry import Entry, EntryAdequacy
from service.models.screening import ScreeningQuery
from service.screening.engine import default_threshold, index_class
from service.screening.live import LiveIndex, entry_record
from service.screening.retention import DEFAULT_RETENTION_DAYS

MAX_DUPLICATES = 10
IMPACT_QUERY_LIMIT = 10_000
IMPACT_BUDGET_SECONDS = 5.0
_OFF_SCREENING = ("pending_review", "suspended")
_LOAD_CHUNK = 500
_RECORD_COLUMNS = (Entry.id, Entry.kind, Entry.names, Entry.birth_dates, Entry.nationalities,
                   Entry.gender, Entry.documents)


def record_of(entry: Any) -> dict[str, Any]:
    """The matching record of an entry (or a row with the same columns)."""
    return entry_record(entry.kind, entry.names, entry.birth_dates, entry.nationalities,
                        entry.gender, entry.documents)


@dataclass(frozen=True, slots=True)
class DuplicateCheck:
    duplicates: list[PossibleDuplicate]
    complete: bool


class DuplicateChecker:
    """One per process (``container.extensions['entry_duplicates']``); thread-safe."""

    def __init__(self, live: LiveIndex | None = None, threshold: float | None = None) -> None:
        self._live = live
        self.threshold = default_threshold() if threshold is None else threshold
        self._statuses = _OFF_SCREENING if live is not None else tuple(sorted(DUPLICATE_STATUSES))
        self._lock = threading.Lock()
        self._index = index_class()()
        self._versions: dict[str, int] = {}

    def _sync(self, session: Session) -> None:
        """Bring the small index to the entries now off screening (committed or in this
        transaction): load the new and changed ones, drop those gone."""
        current = dict(session.execute(
            select(Entry.id, Entry.version).where(Entry.status.in_(self._statuses))).all())
        for gone in [i for i in self._versions if i not in current]:
            self._index.remove(gone)
            del self._versions[gone]
        changed = sorted(i for i, v in current.items() if self._versions.get(i) != v)
        for start in range(0, len(changed), _LOAD_CHUNK):
            chunk = changed[start:start + _LOAD_CHUNK]
            for row in session.execute(
                select(Entry.version, *_RECORD_COLUMNS).where(Entry.id.in_(chunk))
            ):
                if row.id in self._versions:
                    self._index.replace(row.id, record_of(row))
                else:
                    self._index.add(row.id, record_of(row))
                self._versions[row.id] = row.version

    def check(self, session: Session, entry: Entry) -> DuplicateCheck:
        """The possible duplicates of ``entry`` among the other entries, best first."""
        record = record_of(entry)
        found: dict[str, float] = {}
        complete = True

        def gather(hits: Iterable[Any]) -> None:
            for hit in hits:
                if hit.record_id != entry.id:
                    found[hit.record_id] = max(found.get(hit.record_id, 0.0), float(hit.score))

        wanted = MAX_DUPLICATES + 1  # this entry itself may be among them
        if self._live is not None:
            if self._live.synced_at is None:
                complete = False  # the live index is not built yet
            else:
                gather(self._live.similar(record, limit=wanted, threshold=self.threshold))
        with self._lock:
            self._sync(session)
            gather(self._index.search(record, limit=wanted, threshold=self.threshold))
        if not found:
            return DuplicateCheck([], complete)
        rows = session.execute(
            select(Entry.id, Entry.status, Entry.created_at).where(Entry.id.in_(sorted(found)))
        ).all()
        own = (entry.created_at, entry.id)
        duplicates = []
        for row in rows:
            band = _band(found[row.id], self.threshold)
            if is_possible_duplicate(band) and counts_against(row.status, (row.created_at, row.id),
                                                              own):
                duplicates.append(PossibleDuplicate(row.id, round(found[row.id], 4), band))
        duplicates.sort(key=lambda d: (-d.score, d.entry_id))
        return DuplicateCheck(duplicates[:MAX_DUPLICATES], complete)


def _band(score: float, threshold: float) -> str:
    import matching

    return matching.band_for(score, threshold=threshold)


def checker_of(ctx_checker: Any) -> DuplicateChecker:
    return ctx_checker if ctx_checker is not None else _fallback_checker()


_FALLBACK: DuplicateChecker | None = None


def _fallback_checker() -> DuplicateChecker:
    """For callers without a screening runtime (the demo loader, command-line tools)."""
    global _FALLBACK
    if _FALLBACK is None:
        _FALLBACK = DuplicateChecker()
    return _FALLBACK


# --- the stored row ------------------------------------------------------------------------


def as_stored(check: DuplicateCheck) -> list[dict[str, Any]]:
    return [{"entry_id": d.entry_id, "score": d.score, "band": d.band} for d in check.duplicates]


def stored_duplicates(row: EntryAdequacy | None) -> list[PossibleDuplicate]:
    if row is None:
        return []
    return [PossibleDuplicate(d["entry_id"], float(d["score"]), d["band"])
            for d in row.duplicates or ()]


def record_check(session: Session, entry: Entry, check: DuplicateCheck, now: datetime, *,
                 attestation: tuple[str, str | None, str | None] | None = None) -> EntryAdequacy:
    """Store the check's outcome on the entry's row (created with ``attestation`` =
    (attested_as, attested_by, note) when the entry has none yet)."""
    row = session.get(EntryAdequacy, entry.id)
    if row is None:
        attested_as, by, note = attestation or (
            ("source", None, None) if entry.source else ("none", None, None))
        row = EntryAdequacy(entry_id=entry.id, attested_as=attested_as, attested_by=by,
                            attested_at=now if by else None, attestation_note=note)
        session.add(row)
    row.duplicates = as_stored(check)
    row.duplicates_checked_at = now
    row.duplicates_complete = check.complete
    row.resolution = row.resolved_by = row.resolved_at = None
    return row


def current_statuses(session: Session, ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return dict(session.execute(select(Entry.id, Entry.status).where(Entry.id.in_(ids))).all())


def visible_ids(session: Session, principal: Principal, review_agency: str,
                ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` the caller's agency may see (the entries' sharing rules)."""
    ids = sorted(set(ids))
    if not ids:
        return set()
    statement = repository.readable(principal, review_agency).where(Entry.id.in_(ids))
    return set(session.execute(statement.with_only_columns(Entry.id)).scalars())


def shown(duplicates: list[PossibleDuplicate], visible: set[str]) -> list[dict[str, Any]]:
    """Id, score and band of what the caller may see; of the rest, only that it exists."""
    return [
        {"visible": True, "entry_id": d.entry_id, "score": d.score, "band": d.band}
        if d.entry_id in visible else {"visible": False}
        for d in duplicates
    ]


# --- impact simulation ----------------------------------------------------------------------


def simulate_impact(session: Session, entry: Entry, *, now: datetime, threshold: float,
                    limit: int = IMPACT_QUERY_LIMIT,
                    budget_seconds: float = IMPACT_BUDGET_SECONDS,
                    retention_days: int = DEFAULT_RETENTION_DAYS) -> dict[str, Any]:
    """How many of the newest held screening queries would have hit ``entry`` (counts only)."""
    from service.screening.schemas import TravellerIn
    from service.screening.service import query_record

    index = index_class().build([(entry.id, record_of(entry))])
    cutoff = now - timedelta(days=retention_days)
    rows = session.execute(
        select(ScreeningQuery.data)
        .where(ScreeningQuery.data.is_not(None), ScreeningQuery.erased_at.is_(None),
               ScreeningQuery.created_at >= cutoff)
        .order_by(ScreeningQuery.created_at.desc(), ScreeningQuery.id)
        .limit(limit)
        .execution_options(yield_per=1000)
    ).scalars()
    deadline = time.monotonic() + budget_seconds
    bands: list[str] = []
    examined, complete = 0, True
    for data in rows:
        if time.monotonic() > deadline:
            complete = False
            break
        examined += 1
        try:
            stored = (data or {}).get("traveller") or {}
            traveller = TravellerIn.model_validate(
                {k: v for k, v in stored.items() if k in TravellerIn.model_fields})
        except ValidationError:
            continue  # stored under an older shape: counted as examined, cannot hit
        for hit in index.search(query_record(traveller), limit=1, threshold=threshold):
            bands.append(_band(float(hit.score), threshold))
    rows.close()
    return {"threshold": threshold, "window_days": retention_days, "queries_limit": limit,
            **impact_summary(bands, examined=examined, complete=complete)}
