"""``Index``: a whole watchlist held in memory for fast, explained, thread-safe searches.

Records are added, replaced and removed one at a time (cheap: no rebuild) or in bulk. A search
generates candidates from the names (``matching.blocking``) and from document numbers, then
scores each candidate record with ``record-v1``, using token rarity weights learned from the
indexed list itself, so "Mohammed" or "Ali" weigh less than a rare family name.

Writers take a lock; searches take none. A record becomes visible only once it is complete
(see ``matching.index_store``), and each mutation bumps a generation counter twice (a seqlock):
a search that overlaps a mutation is run again, and after a few tries it runs under the writers'
lock, so it always sees the index as it was between two mutations, a replaced record in its old
or its new version, never neither nor both.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from matching.blocking import candidate_slots, idf_weight
from matching.index_store import MIN_FUZZY_KEY_LENGTH, Store
from matching.index_tokens import deletions
from matching.names import PreparedName
from matching.record import (
    ALGORITHM,
    DEFAULT_THRESHOLD,
    VERSION,
    FeatureExplanation,
    Match,
    ParsedRecord,
    decode_evidence,
    encode_evidence,
    parse_record,
    score_parsed,
)

__all__ = ["Hit", "Index"]

# Records per writer-lock acquisition in bulk loads: searches wait at most one batch.
BULK_BATCH = 256
OPTIMISTIC_SEARCH_ATTEMPTS = 3
# Names scored in full per query name, at most.
SCORED_NAMES_PER_QUERY_NAME = 40
# Candidates whose blocking estimate is this far below the threshold are not scored: the
# estimate undervalues fuzzy matches, and birth date or nationality agreement can still add a
# little. Candidates found by a document number are always scored.
ESTIMATE_MARGIN = 0.15


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked search result: which record, how well it matched and why."""

    record_id: str
    score: float
    band: str
    explanation: tuple[FeatureExplanation, ...]
    algorithm: str = ALGORITHM
    version: str = VERSION

    def explanation_text(self) -> str:
        """The explanation as lines a reviewer can read."""
        return "\n".join(str(line) for line in self.explanation)

    def to_dict(self) -> dict:
        """A JSON-ready form, for the service's responses."""
        return {"record_id": self.record_id, **_match_of(self).to_dict()}


def _match_of(hit: Hit) -> Match:
    return Match(hit.score, hit.band, hit.explanation, hit.algorithm, hit.version)


def _document_keys(parsed: ParsedRecord) -> list[str]:
    return sorted({d.number for d in parsed.evidence.documents})


class Index:
    """A watchlist index. Record ids are opaque strings chosen by the caller."""

    def __init__(self) -> None:
        self._store = Store()
        self._lock = threading.Lock()
        self._generation = 0  # odd while a mutation is in progress

    @classmethod
    def build(cls, records: Iterable[tuple[str, Mapping]]) -> Index:
        """A new index holding ``records`` (pairs of record id and record)."""
        index = cls()
        index.add_many(records)
        return index

    # --- writing --------------------------------------------------------------------------

    def add(self, record_id: str, record: Mapping) -> None:
        """Index a new record. Raises ``KeyError`` if the id is already indexed."""
        parsed = parse_record(record)  # the expensive part, outside the lock
        with self._mutation():
            if record_id in self._store.live:
                raise KeyError("record id already indexed; use replace()")
            self._publish(record_id, parsed)

    def add_many(self, records: Iterable[tuple[str, Mapping]]) -> int:
        """Index many new records (the bulk path for building a whole list); returns how many.

        Each record is visible to searches as soon as it is complete.
        """
        count = 0
        batch: list[tuple[str, ParsedRecord]] = []
        with _cyclic_gc_paused():
            for record_id, record in records:
                batch.append((record_id, parse_record(record)))
                if len(batch) >= BULK_BATCH:
                    count += self._publish_batch(batch)
                    batch = []
            return count + self._publish_batch(batch)

    def _publish_batch(self, batch: list[tuple[str, ParsedRecord]]) -> int:
        with self._mutation():
            for record_id, parsed in batch:
                if record_id in self._store.live:
                    raise KeyError("record id already indexed; use replace()")
                self._publish(record_id, parsed)
        return len(batch)

    def replace(self, record_id: str, record: Mapping) -> None:
        """Replace a record (or add it if absent); searches see the old or the new version."""
        parsed = parse_record(record)
        with self._mutation():
            store = self._store
            old = store.live.get(record_id)
            number = store.append_record(record_id, parsed.kind, list(parsed.names),
                                         encode_evidence(parsed.evidence),
                                         _document_keys(parsed))
            store.publish(number)
            if old is not None:
                store.retire(old, self._documents_of(old))

    def remove(self, record_id: str) -> None:
        """Remove a record. Raises ``KeyError`` if it is not indexed."""
        with self._mutation():
            number = self._store.live.get(record_id)
            if number is None:
                raise KeyError("record id not indexed")
            self._store.retire(number, self._documents_of(number))

    @contextmanager
    def _mutation(self):
        with self._lock:
            self._generation += 1
            try:
                yield
            finally:
                self._generation += 1

    def _publish(self, record_id: str, parsed: ParsedRecord) -> None:
        store = self._store
        number = store.append_record(record_id, parsed.kind, list(parsed.names),
                                     encode_evidence(parsed.evidence), _document_keys(parsed))
        store.publish(number)

    def _documents_of(self, number: int) -> list[str]:
        evidence = decode_evidence(self._store.record_evidence[number])
        return sorted({d.number for d in evidence.documents})

    def __len__(self) -> int:
        return len(self._store.live)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._store.live

    # --- searching ------------------------------------------------------------------------

    def search(
        self,
        query: Mapping,
        *,
        limit: int = 10,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> list[Hit]:
        """Records scoring at or above ``threshold`` against ``query``, best first.

        ``query`` is a record mapping (``names``, and optionally ``birth_dates``,
        ``nationalities``, ``gender``, ``documents``, ``kind``).
        """
        parsed = parse_record(query)
        for _ in range(OPTIMISTIC_SEARCH_ATTEMPTS):
            start = self._generation
            if start % 2 == 0:
                try:
                    hits = self._search_once(parsed, limit, threshold)
                except Exception:
                    if self._generation == start:
                        raise
                else:
                    if self._generation == start:
                        return hits
            time.sleep(0)  # let the writer finish
        with self._lock:  # writers excluded: the view is consistent
            return self._search_once(parsed, limit, threshold)

    def _search_once(self, parsed: ParsedRecord, limit: int, threshold: float) -> list[Hit]:
        candidates = self.candidates(parsed, threshold=threshold)
        token_weight = self._token_weight(parsed)
        hits = []
        for number, slots in candidates.items():
            match = self._score(parsed, number, slots, token_weight, threshold)
            if match is not None and match.score >= threshold:
                hits.append(Hit(self._store.record_ids[number], match.score, match.band,
                                match.explanation, match.algorithm, match.version))
        hits.sort(key=lambda h: (-h.score, h.record_id))
        return hits[:limit]

    def candidates(
        self, query: ParsedRecord | Mapping, *, threshold: float = DEFAULT_THRESHOLD
    ) -> dict[int, list[int]]:
        """Candidate generation only: record number -> name slots worth scoring.

        Public so the benchmark can measure candidate recall against a brute-force scan.
        """
        parsed = query if isinstance(query, ParsedRecord) else parse_record(query)
        store = self._store
        found: dict[int, list[int]] = {}
        for name in parsed.names:
            for candidate in candidate_slots(store, name,
                                             min_estimate=threshold - ESTIMATE_MARGIN,
                                             limit=SCORED_NAMES_PER_QUERY_NAME):
                number = int(store.slot_record.data[candidate.slot])
                found.setdefault(number, []).append(candidate.slot)
        for document in parsed.evidence.documents:
            for number in list(store.documents.get(document.number, ())):
                found.setdefault(number, [])
        alive = store.record_alive.data
        return {n: s for n, s in found.items() if n < len(alive) and alive[n]}

    def _score(self, parsed: ParsedRecord, number: int, slots: list[int], token_weight,
               threshold: float) -> Match | None:
        store = self._store
        if not slots:  # found by a document only: compare every name of the record
            first = int(store.record_first_slot.data[number])
            slots = list(range(first, int(store.record_end_slot.data[number])))
        names: list[PreparedName] = [store.prepared(slot) for slot in slots]
        evidence = decode_evidence(store.record_evidence[number])
        if not store.record_alive.data[number]:
            return None  # removed while we were reading it
        return score_parsed(parsed, names, evidence, token_weight=token_weight,
                            threshold=threshold)

    def _token_weight(self, parsed: ParsedRecord):
        """Rarity weight of a canonical token, from the live frequency of its skeleton key."""
        store = self._store
        query_keys = {t: k for name in parsed.names for t, k in zip(name.tokens, name.keys,
                                                                      strict=True)}
        cache: dict[str, float] = {}

        def token_weight(token: str) -> float:
            weight = cache.get(token)
            if weight is None:
                key_id = store.text_key.get(token)
                if key_id is None and token in query_keys:
                    key_id = store.key_ids.get(query_keys[token])
                if key_id is not None:
                    df = int(store.key_df.data[key_id])
                else:
                    # A spelling the list does not hold (a slip: Mohamgmad) is as common as
                    # the names one slip away, as the candidate generation counts it.
                    df = _neighbour_frequency(store, query_keys.get(token, ""))
                weight = cache[token] = idf_weight(store, df)
            return weight

        return token_weight



@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector during a bulk load.

    A load allocates millions of objects that live as long as the index, and each full
    collection walks all of them: 30 % of a 300 k-record build here (75.5 s with collections,
    52.5 s without). The objects the index holds form no reference cycles, so nothing
    collectable accumulates; reference counting frees everything else as usual. Loads that
    overlap (two indexes built at once) leave the collector off until the last one ends.
    """
    global _bulk_loads
    with _bulk_loads_lock:
        if _bulk_loads == 0:
            _bulk_loads_restore[0] = gc.isenabled()
            gc.disable()
        _bulk_loads += 1
    try:
        yield
    finally:
        with _bulk_loads_lock:
            _bulk_loads -= 1
            if _bulk_loads == 0 and _bulk_loads_restore[0]:
                gc.enable()


_bulk_loads = 0
_bulk_loads_restore = [True]
_bulk_loads_lock = threading.Lock()


def _neighbour_frequency(store, key: str) -> int:
    """The highest frequency among the skeleton keys one deletion away from ``key``."""
    if len(key) < MIN_FUZZY_KEY_LENGTH:
        return 0
    found = {k for variant in (key, *deletions(key)) for k in store.fuzzy.get(variant, ())}
    return max((int(store.key_df.data[k]) for k in found), default=0)
