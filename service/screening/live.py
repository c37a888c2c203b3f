"""The live screening index: built from the active entries at start-up, then kept current by
following the entry change feed (``entry_changes``).

Following the feed
    A background thread reads the feed every ``index_poll_interval_seconds``; a change
    committed in this process is applied right after its commit, and one committed by another
    replica within a poll interval. A screening reads the feed itself only when the follower
    has fallen behind (or stale answers are allowed; see ``runtime.current_state``).
    Applying a change re-reads the entry's *current* row: active entries are (re)indexed,
    anything else is removed. Re-applying a change is therefore harmless, and the order in
    which changes are applied does not matter.

Gaps
    ``seq`` is taken when a row is inserted, not when it commits, so on PostgreSQL seq 11 can
    become visible before seq 10. When the follower jumps over a seq it remembers it as a gap
    and looks for it again on every read, until it appears or ``GAP_TIMEOUT_SECONDS`` pass (a
    rolled-back transaction leaves a gap for ever). At start-up every seq missing from the
    last ``STARTUP_GAP_WINDOW`` is treated as a gap in the same way, for transactions still
    open while the index was built.

List version
    The feed position (highest seq applied) is the list version reported with every hit.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, event, func, or_, select
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.base import utcnow
from service.entries.feed import FEED_MOVED
from service.logging import get_logger
from service.models.entry import Entry, EntryShare
from service.models.policy import EntryPolicy
from service.models.screening import EntryChange
from service.screening.engine import index_class

log = get_logger("watchlist.screening.index")

GAP_TIMEOUT_SECONDS = 60.0
STARTUP_GAP_WINDOW = 10_000
MAX_TRACKED_GAP = 10_000
_LOAD_BATCH = 5_000
_NO_SHARES: frozenset[str] = frozenset()

_RECORD_COLUMNS = (Entry.id, Entry.kind, Entry.names, Entry.birth_dates, Entry.nationalities,
                   Entry.gender, Entry.documents, Entry.originating_agency, Entry.action_on_hit,
                   Entry.handling_code, Entry.contact_point, Entry.review_due, Entry.expires_at)


# Indexes of at least this many entries are frozen out of the cyclic collector after start-up.
FREEZE_MIN_ENTRIES = 50_000


def _freeze_if_large(entries: int) -> float | None:
    """Move everything alive now, the new index included, out of the cyclic collector's sight.

    The index's millions of objects live as long as the process; frozen, a full collection
    while serving no longer walks them (1.4 s for a 300 k-entry index, measured: a pause every
    screening in flight would wait for). Reference counting still frees them when the index is
    replaced; only cycles among what is alive now would never be collected, which is why a small
    index (tests, a first run) is not frozen. Returns the seconds it took, None if not done.
    """
    if entries < FREEZE_MIN_ENTRIES:
        return None
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    return round(time.perf_counter() - started, 2)


@dataclass(frozen=True, slots=True)
class EntryMeta:
    """What a screening answer needs about an indexed entry, without a database read."""

    originating_agency: str
    shares: frozenset[str]
    action_on_hit: str
    handling_code: str
    contact_point: str
    review_due: datetime | None = None
    expires_at: datetime | None = None
    # RD-disputed: the listed person contests the entry's accuracy; their supplementary
    # statement (LED Art 16(1)) goes with every hit.
    disputed: bool = False
    subject_statement: str | None = None

    def readable_by(self, agency: str, review_agency: str) -> bool:
        """Mirror of ``service.entries.repository.readable`` for one entry."""
        return agency in (review_agency, self.originating_agency) or agency in self.shares

    def in_force(self, now: datetime) -> bool:
        """False once the review is overdue or the retention period has ended (RV-review-date).

        The policy run suspends or erases such an entry, with an audit record, but it may run
        only now and then: until it does, the entry must not raise a hit. Overdue from the
        moment ``review_due`` is reached, as ``policies.review_status`` counts it.
        """
        return ((self.review_due is None or now < self.review_due)
                and (self.expires_at is None or now < self.expires_at))


def entry_record(kind: str, names: list[dict[str, Any]], birth_dates: list[dict[str, Any]],
                 nationalities: list[str], gender: str | None,
                 documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The matching record of an entry (only identity features: LB-no-protected-ground)."""
    return {
        "kind": kind,
        "names": [name["full_name"] for name in names],
        "birth_dates": [item["date"] + (f"/{item['date_to']}" if item.get("date_to") else "")
                        for item in birth_dates],
        "nationalities": list(nationalities),
        "gender": gender if gender in ("male", "female") else None,
        "documents": [{"number": doc["number"], "country": doc.get("issuing_country"),
                       "type": doc.get("type")} for doc in documents],
    }


# The live index of each engine in this process, for the after-commit hook below.
_BY_ENGINE: weakref.WeakKeyDictionary[Engine, LiveIndex] = weakref.WeakKeyDictionary()


@event.listens_for(Session, "after_commit")
def _apply_own_changes(session: Session) -> None:
    """A transaction of this process changed entries: apply it before the next screening.

    Other processes see the change through the follower thread within one poll interval; this
    process sees it at once, so an officer who delists someone is never answered from the list
    as it was before their own change.
    """
    if not session.info.pop(FEED_MOVED, False):
        return
    bind = session.get_bind()
    live = _BY_ENGINE.get(bind) if isinstance(bind, Engine) else None
    if live is None:
        return
    try:
        with bind.connect() as connection:
            live.refresh(connection)
            connection.rollback()
    except Exception as error:  # noqa: BLE001 - the follower thread will catch up
        log.warning("screening_index_refresh_after_commit_failed",
                    error_type=type(error).__name__)


class LiveIndex:
    """One per process (``container.extensions['live_index']``)."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings
        self._index = index_class()()
        self._meta: dict[str, EntryMeta] = {}
        self._lock = threading.Lock()
        self._position = 0
        self._gaps: dict[int, float] = {}
        self._synced_at: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.build_seconds: float | None = None
        self.last_error: str | None = None
        # Run by the follower thread after each successful read of the feed (e.g. storing
        # answers spooled while the database was unreachable).
        self.after_sync: list[Callable[[Engine], object]] = []

    # --- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        """Build the index from the active entries, then follow the feed in the background."""
        self.build()
        _BY_ENGINE[self._engine] = self
        self._stop.clear()
        self._thread = threading.Thread(target=self._follow, name="screening-index-feed",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if _BY_ENGINE.get(self._engine) is self:
            del _BY_ENGINE[self._engine]
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def build(self) -> None:
        started = time.perf_counter()
        index = index_class()()
        meta: dict[str, EntryMeta] = {}
        with self._engine.connect() as connection:
            # Read the feed position first: changes committed during the load are then applied
            # again afterwards, which is harmless.
            top = connection.execute(select(func.max(EntryChange.seq))).scalar() or 0
            window_start = max(0, top - STARTUP_GAP_WINDOW)
            present = set(connection.execute(
                select(EntryChange.seq).where(EntryChange.seq > window_start)).scalars())
            shares: dict[str, set[str]] = {}
            for entry_id, agency in connection.execute(
                select(EntryShare.entry_id, EntryShare.agency)
                .join(Entry, Entry.id == EntryShare.entry_id).where(Entry.status == "active")
            ):
                shares.setdefault(entry_id, set()).add(agency)
            rows = connection.execution_options(yield_per=_LOAD_BATCH).execute(
                _with_dispute(select(*_RECORD_COLUMNS)).where(Entry.status == "active"))
            index.add_many(self._records(rows, meta, shares))
        now = time.monotonic()
        with self._lock:
            self._index = index
            self._meta = meta
            self._position = top
            self._gaps = {seq: now for seq in range(window_start + 1, top + 1)
                          if seq not in present}
            self._synced_at = utcnow()
        self.build_seconds = time.perf_counter() - started
        frozen_seconds = _freeze_if_large(len(meta))
        # Logged once the index is ready to serve, freeze included (the load benchmark waits
        # for this line from every worker).
        log.info("screening_index_built", entries=len(meta), list_version=top,
                 seconds=round(self.build_seconds, 2), gc_freeze_seconds=frozen_seconds)

    @staticmethod
    def _records(rows: Any, meta: dict[str, EntryMeta],
                 shares: Mapping[str, set[str]]) -> Iterator[tuple[str, dict[str, Any]]]:
        for row in rows:
            meta[row.id] = _meta_of(row, shares.get(row.id))
            yield row.id, entry_record(row.kind, row.names, row.birth_dates, row.nationalities,
                                       row.gender, row.documents)

    def _follow(self) -> None:
        interval = max(0.05, float(self._settings.index_poll_interval_seconds))
        while not self._stop.wait(interval):
            try:
                with self._engine.connect() as connection:
                    self.refresh(connection)
                    connection.rollback()
                for hook in self.after_sync:
                    hook(self._engine)
            except Exception as error:  # noqa: BLE001 - keep following; report the type only
                if self.last_error != type(error).__name__:
                    log.warning("screening_feed_unreachable", error_type=type(error).__name__)
                self.last_error = type(error).__name__

    # --- following the feed ---------------------------------------------------------------

    def refresh(self, connection: Connection) -> int:
        """Apply every change not yet applied; returns the list version now served.

        Raises whatever the driver raises when the database cannot be read.
        """
        with self._lock:
            condition = EntryChange.seq > self._position
            now = time.monotonic()
            for seq, seen in list(self._gaps.items()):
                if now - seen > GAP_TIMEOUT_SECONDS:
                    del self._gaps[seq]
            if self._gaps:
                condition = or_(condition, EntryChange.seq.in_(sorted(self._gaps)))
            changes = connection.execute(
                select(EntryChange.seq, EntryChange.entry_id).where(condition)
                .order_by(EntryChange.seq)
            ).all()
            if changes:
                self._apply(connection, {entry_id for _, entry_id in changes})
                for seq, _ in changes:
                    self._gaps.pop(seq, None)
                    if seq > self._position:
                        if seq - self._position <= MAX_TRACKED_GAP:
                            for missing in range(self._position + 1, seq):
                                self._gaps[missing] = now
                        self._position = seq
            self._synced_at = utcnow()
            self.last_error = None
            return self._position

    def _apply(self, connection: Connection, entry_ids: set[str]) -> None:
        ids = sorted(entry_ids)
        current: dict[str, Any] = {}
        shares: dict[str, set[str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for row in connection.execute(
                _with_dispute(select(Entry.status, *_RECORD_COLUMNS)).where(Entry.id.in_(chunk))
            ):
                current[row.id] = row
            for entry_id, agency in connection.execute(
                select(EntryShare.entry_id, EntryShare.agency).where(EntryShare.entry_id.in_(chunk))
            ):
                shares.setdefault(entry_id, set()).add(agency)
        # Everything is read before the index changes, so a failed read leaves it untouched.
        for entry_id in ids:
            row = current.get(entry_id)
            if row is not None and row.status == "active":
                record = entry_record(row.kind, row.names, row.birth_dates, row.nationalities,
                                      row.gender, row.documents)
                self._meta[entry_id] = _meta_of(row, shares.get(entry_id))
                self._index.replace(entry_id, record)
            elif entry_id in self._index:
                # Not active (pending, suspended, expired, delisted, erased): never matches.
                self._index.remove(entry_id)
                self._meta.pop(entry_id, None)

    # --- reading ----------------------------------------------------------------------------

    @property
    def list_version(self) -> int:
        return self._position

    @property
    def synced_at(self) -> datetime | None:
        """When the index was last confirmed to hold every committed change."""
        return self._synced_at

    def age_seconds(self) -> float | None:
        if self._synced_at is None:
            return None
        return max(0.0, (utcnow() - self._synced_at).total_seconds())

    def __len__(self) -> int:
        return len(self._meta)

    def search(self, query: Mapping[str, Any], *, limit: int, threshold: float,
               now: datetime) -> list[Any]:
        """Hits on active entries in force at ``now``, best first (``matching.index.Hit``).

        Entries out of force are skipped, and the search widened by as many, so they never
        take the place of an entry that is in force.
        """
        wanted = limit
        while True:
            found = self._index.search(query, limit=wanted, threshold=threshold)
            hits = [hit for hit in found
                    if (meta := self._meta.get(hit.record_id)) is not None and meta.in_force(now)]
            if len(hits) >= limit or len(found) < wanted:
                return hits[:limit]
            wanted += limit - len(hits)

    def similar(self, record: Mapping[str, Any], *, limit: int,
                threshold: float) -> list[Any]:
        """Active entries like ``record``, in force or not: the duplicate check of a nomination
        (LB-adequacy-gate, ``service.entries.adequacy``), never a screening."""
        return [hit for hit in self._index.search(record, limit=limit, threshold=threshold)
                if hit.record_id in self._meta]

    def meta(self, entry_id: str) -> EntryMeta | None:
        return self._meta.get(entry_id)


def _with_dispute(statement: Select[Any]) -> Select[Any]:
    """The entry rows with their dispute flag and statement (redress keeps them on the entry's
    policy row; recording a dispute appends to the feed, so the index follows it)."""
    return statement.add_columns(EntryPolicy.disputed, EntryPolicy.subject_statement).outerjoin(
        EntryPolicy, EntryPolicy.entry_id == Entry.id)


def _meta_of(row: Any, shares: set[str] | None) -> EntryMeta:
    return EntryMeta(
        originating_agency=row.originating_agency,
        shares=frozenset(shares) if shares else _NO_SHARES,
        action_on_hit=row.action_on_hit,
        handling_code=row.handling_code,
        contact_point=row.contact_point,
        review_due=row.review_due,
        expires_at=row.expires_at,
        disputed=bool(row.disputed),
        subject_statement=row.subject_statement if row.disputed else None,
    )
