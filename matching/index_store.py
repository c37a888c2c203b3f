"""Compact, append-only storage of a watchlist's prepared names, for ``matching.Index``.

A million records with several names each do not fit in 2 GB as Python objects, so names are
stored as columns: each distinct *token record* (a token with its folded spelling, key, flags
and equivalence groups) is interned once, and a name is a run of token-record ids in one numpy
column. ``PreparedName`` objects are rebuilt only for the few candidates a search scores.

Concurrency contract (the writer holds ``Index``'s lock; readers take no lock):
* columns only grow; a full column is copied into a larger one and the reference swapped, so a
  reader holding the old reference still sees every element it can know about;
* a record's names and postings are written before the record is marked alive, and it is
  marked dead before its postings are removed, so a reader sees a record whole or not at all.
"""

from __future__ import annotations

import array
import bisect
import math
import warnings

import numpy as np

from matching.index_tokens import (
    LazyJoins,
    deletions,
    folded_spelling,
    groups_in,
    joins_rule_holds,
    part_in,
    per_token_fields,
    token_factor,
    without_article,
)
from matching.names import PreparedName

__all__ = ["Column", "Store", "WRITINGS", "writing_code"]

WRITINGS = ("full", "abjad", "syllabic")


def writing_code(writing: str) -> int:
    """Small integer of a token's writing (``WRITINGS``); unknown kinds count as full."""
    return WRITINGS.index(writing) if writing in WRITINGS else 0


# Keys shorter than this are not expanded to their deletion neighbours: a one-letter change in
# a two-consonant skeleton ("sd", "hsn") is a different name, and the neighbourhood would be huge.
MIN_FUZZY_KEY_LENGTH = 4
# Idf at which a token counts as fully rare: tokens in 1 name out of 1,000 or fewer.
FULL_WEIGHT_IDF = math.log(1000.0)
MIN_TOKEN_WEIGHT = 0.2
# Below this many names, frequencies say little: weights are computed as if the list were this big.
MIN_NAMES_FOR_WEIGHTS = 1000
GROUP_KEY_PREFIX = "#"
MIN_FUZZY_SPELLING_LENGTH = 4


class Column:
    """A growable numpy column that readers can use while the writer appends."""

    __slots__ = ("data", "size")

    def __init__(self, dtype, capacity: int = 1024) -> None:
        self.data = np.zeros(capacity, dtype=dtype)
        self.size = 0

    def _reserve(self, extra: int) -> None:
        needed = self.size + extra
        if needed > len(self.data):
            grown = np.zeros(max(needed, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown  # swap last: readers holding the old array stay valid

    def append(self, value) -> int:
        self._reserve(1)
        self.data[self.size] = value
        self.size += 1
        return self.size - 1

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=self.data.dtype)
        self._reserve(len(values))
        self.data[self.size: self.size + len(values)] = values
        self.size += len(values)

    def view(self) -> np.ndarray:
        return self.data[: self.size]


class Store:
    """Columns of names and records, key postings and key frequencies. Writer: one thread."""

    def __init__(self) -> None:
        self.name_fields, self.token_fields = per_token_fields()
        self._key_field_index = self.token_fields.index("keys")
        self._text_field_index = self.token_fields.index("tokens")
        # The name engine's own per-token weight factor (initials, patronymics, legal forms),
        # when it publishes one; otherwise it is inferred from the token's flags.
        self._weight_field_index = (self.token_fields.index("weights")
                                    if "weights" in self.token_fields else None)
        # Token records: interned tuples of per-token values.
        self.token_record_ids: dict[tuple, int] = {}
        self.token_records: list[tuple] = []
        self.token_record_key = Column(np.int32)  # token record -> its skeleton key id
        self.token_texts = Column(object)  # token record -> canonical token
        self.token_postings = Column(np.int32)  # token record -> length of its postings
        self.token_factor = Column(np.float32)  # token record -> weight factor (initials...)
        self.initials: dict[str, array.array] = {}  # letter -> token records of that initial
        # Search-side memos (matching.blocking): valid while the vocabulary, respectively the
        # records, are unchanged. Each counter is bumped after its change is complete, and a
        # memo is tagged with the value read before it was computed, so a memo computed while
        # a change was in progress is never reused after that change.
        self.vocabulary_size = 0
        self.mutations = 0
        self.token_cache: dict = {}
        self.postings_cache: dict = {}
        self.postings_cached = 0
        self.token_parts = Column(object)  # token record -> the name engine's Part, if any
        # token record -> how its script spelled it (WRITINGS index): the blocking's rough
        # similarity is only a poor guide across kinds of script.
        self.token_writing = Column(np.uint8)
        self.postings: list[array.array] = []  # token record -> name slots containing it
        # Block keys: skeleton keys and equivalence-group keys, each with its token records.
        self.key_ids: dict[str, int] = {}
        self.key_strings: list[str] = []
        self.key_tokens: list[array.array] = []
        self.key_df = Column(np.int32)  # live names containing the key
        self.fuzzy: dict[str, tuple[int, ...]] = {}  # deletion variant -> skeleton key ids
        # Folded spelling (or its deletion variant) -> token records: a one-letter slip in a
        # consonant changes a short skeleton completely but the spelling only a little.
        self.spelling_fuzzy: dict[str, int | tuple[int, ...]] = {}
        self.text_key: dict[str, int] = {}  # canonical token text -> skeleton key id
        # Name slots.
        self.slot_record = Column(np.int32)
        self.slot_start = Column(np.int64)  # offsets into slot_tokens; one more than slots
        self.slot_start.append(0)
        self.slot_tokens = Column(np.int32)
        self.slot_original: list[str] = []
        self.slot_script: list[str] = []
        self.scripts: dict[str, str] = {}
        # Per-name fields the name engine may add beyond these are kept as they are; joins are
        # rebuilt on demand (see LazyJoins).
        self.lazy_joins = "joins" in self.name_fields and "parts" in self.token_fields
        self.joins_from_parts = self.lazy_joins and joins_rule_holds()
        if self.lazy_joins and not self.joins_from_parts:
            warnings.warn("index: the name engine's joins rule changed; candidate names are "
                          "re-prepared when compounds are needed (slower searches)",
                          RuntimeWarning, stacklevel=2)
        self.extra_name_fields = tuple(
            f for f in self.name_fields
            if f not in ("original", "kind", "script") and not (f == "joins" and self.lazy_joins))
        self.slot_extra: list[tuple] = []
        # Values of those extra fields are interned: equal values are stored once.
        self.interned: dict = {}
        # Records.
        self.record_ids: list[str] = []
        self.record_alive = Column(np.uint8)
        self.record_kind: list[str] = []
        self.record_evidence: list[str | None] = []
        self.record_first_slot = Column(np.int32)
        self.record_end_slot = Column(np.int32)
        self.live: dict[str, int] = {}
        self.live_names = 0
        # Document numbers -> record numbers, for the document evidence to find its record.
        self.documents: dict[str, list[int]] = {}

    # --- interning ------------------------------------------------------------------------

    def _key_id(self, key: str) -> int:
        key_id = self.key_ids.get(key)
        if key_id is None:
            key_id = len(self.key_strings)
            self.key_strings.append(key)
            self.key_tokens.append(array.array("i"))
            self.key_df.append(0)
            if not key.startswith(GROUP_KEY_PREFIX):
                if len(key) >= MIN_FUZZY_KEY_LENGTH - 1:
                    self._add_fuzzy(key, key_id, key)
                if len(key) >= MIN_FUZZY_KEY_LENGTH:
                    for variant in deletions(key):
                        self._add_fuzzy(variant, key_id, key)
            self.key_ids[key] = key_id  # published last: the key is complete when visible
        return key_id

    def _add_fuzzy(self, variant: str, key_id: int, key: str) -> None:
        existing = self.fuzzy.get(variant, ())
        if key_id not in existing:
            self.fuzzy[variant] = existing + (key_id,)

    def _add_spelling(self, variant: str, token_id: int) -> None:
        existing = self.spelling_fuzzy.get(variant)
        if existing is None:
            self.spelling_fuzzy[variant] = token_id  # most variants have one token: no tuple
        elif isinstance(existing, int):
            self.spelling_fuzzy[variant] = (existing, token_id)
        else:
            self.spelling_fuzzy[variant] = existing + (token_id,)

    def initial_tokens(self, letter: str) -> set[int]:
        """Token records that are the initial ``letter``."""
        return set(self.initials.get(letter, ()))

    def spelling_neighbours(self, spelling: str) -> set[int]:
        """Token records whose folded spelling is within one deletion of ``spelling``'s, with
        or without an attached Arabic article on either side."""
        found: set[int] = set()
        variants = {spelling, without_article(spelling)}
        if len(spelling) >= MIN_FUZZY_SPELLING_LENGTH - 1:
            variants.update(deletions(spelling))
        for variant in variants:
            hit = self.spelling_fuzzy.get(variant)
            if hit is None:
                continue
            if isinstance(hit, int):
                found.add(hit)
            else:
                found.update(hit)
        return found

    def _token_record_id(self, values: tuple) -> int:
        record_id = self.token_record_ids.get(values)
        if record_id is None:
            key = values[self._key_field_index]
            key_id = self._key_id(key)
            block = [key_id]
            block.extend(self._key_id(f"{GROUP_KEY_PREFIX}{g}")
                         for g in sorted(groups_in(values)))
            record_id = len(self.token_records)
            self.token_records.append(values)
            self.token_texts.append(values[self._text_field_index])
            spelling = folded_spelling(values, self._text_field_index)
            if len(spelling) >= MIN_FUZZY_SPELLING_LENGTH:
                for variant in {spelling, *deletions(spelling)}:
                    self._add_spelling(variant, record_id)
            text = values[self._text_field_index]
            if len(text) == 1:
                self.initials.setdefault(text, array.array("i")).append(record_id)
            bare = without_article(spelling)
            if bare != spelling:
                self._add_spelling(bare, record_id)
            self.token_factor.append(token_factor(values) if self._weight_field_index is None
                                     else values[self._weight_field_index])
            part = part_in(values)
            self.token_parts.append(part)
            self.token_writing.append(writing_code(getattr(part, "writing", "full")))
            self.token_postings.append(0)
            self.postings.append(array.array("i"))
            self.token_record_key.append(key_id)
            for block_key in block:
                self.key_tokens[block_key].append(record_id)
            self.text_key.setdefault(values[self._text_field_index], key_id)
            self.token_record_ids[values] = record_id
            self.vocabulary_size += 1  # after the record is complete: memos built on it are valid
        return record_id

    def _intern(self, value):
        if type(value) is tuple:  # a plain tuple of values; named tuples are values themselves
            value = tuple(self._intern(v) for v in value)
        try:
            return self.interned.setdefault(value, value)
        except TypeError:  # unhashable: kept as it is
            return value

    # --- writing --------------------------------------------------------------------------

    def append_record(self, record_id: str, kind: str, names: list[PreparedName],
                      evidence: str | None, documents: list[str]) -> int:
        """Append a record (not yet alive) with its names and postings; return its number."""
        number = len(self.record_ids)
        first_slot = self.slot_record.size
        for name in names:
            slot = self.slot_record.size
            columns = [getattr(name, f) for f in self.token_fields]
            token_ids = [self._token_record_id(values) for values in zip(*columns, strict=True)]
            self.slot_tokens.extend(token_ids)
            self.slot_original.append(name.original)
            self.slot_script.append(self.scripts.setdefault(name.script, name.script))
            if self.extra_name_fields:
                self.slot_extra.append(tuple(self._intern(getattr(name, f))
                                             for f in self.extra_name_fields))
            self.slot_record.append(number)
            self.slot_start.append(self.slot_tokens.size)
            for token_id in set(token_ids):
                self.postings[token_id].append(slot)
                self.token_postings.data[token_id] += 1
            for key_id in {int(self.token_record_key.data[t]) for t in token_ids}:
                self.key_df.data[key_id] += 1
        self.record_ids.append(record_id)
        self.record_kind.append(kind)
        self.record_evidence.append(evidence)
        self.record_first_slot.append(first_slot)
        self.record_end_slot.append(self.slot_record.size)
        self.record_alive.append(0)
        for number_text in documents:
            self.documents.setdefault(number_text, []).append(number)
        self.live_names += len(names)
        return number

    def publish(self, number: int) -> None:
        """Make an appended record visible to searches."""
        self.record_alive.data[number] = 1
        self.live[self.record_ids[number]] = number
        self.mutations += 1  # after the change is complete: see the search memos

    def retire(self, number: int, documents: list[str]) -> None:
        """Hide a record from searches, then drop its postings and frequencies."""
        self.record_alive.data[number] = 0
        if self.live.get(self.record_ids[number]) == number:
            del self.live[self.record_ids[number]]
        first = int(self.record_first_slot.data[number])
        end = int(self.record_end_slot.data[number])
        for slot in range(first, end):
            token_ids = set(self.slot_token_ids(slot).tolist())
            for token_id in token_ids:
                postings = self.postings[token_id]
                at = bisect.bisect_left(postings, slot)
                if at < len(postings) and postings[at] == slot:
                    del postings[at]
                    self.token_postings.data[token_id] -= 1
            for key_id in {int(self.token_record_key.data[t]) for t in token_ids}:
                self.key_df.data[key_id] -= 1
        for number_text in documents:
            owners = self.documents.get(number_text)
            if owners and number in owners:
                owners.remove(number)
                if not owners:
                    del self.documents[number_text]
        self.live_names -= end - first
        self.mutations += 1

    # --- reading --------------------------------------------------------------------------

    def slot_token_ids(self, slot: int) -> np.ndarray:
        starts = self.slot_start.data
        return self.slot_tokens.data[starts[slot]: starts[slot + 1]]

    def prepared(self, slot: int) -> PreparedName:
        """Rebuild the ``PreparedName`` of a slot from its interned token records."""
        records = [self.token_records[t] for t in self.slot_token_ids(slot).tolist()]
        values = {f: tuple(r[i] for r in records) for i, f in enumerate(self.token_fields)}
        number = int(self.slot_record.data[slot])
        per_name = {"original": self.slot_original[slot], "kind": self.record_kind[number],
                    "script": self.slot_script[slot]}
        if self.extra_name_fields:
            per_name.update(zip(self.extra_name_fields, self.slot_extra[slot], strict=True))
        if self.lazy_joins:
            per_name["joins"] = (LazyJoins(values["parts"]) if self.joins_from_parts else
                                 LazyJoins((), per_name["original"], per_name["kind"]))
        return PreparedName(**{f: per_name[f] for f in self.name_fields}, **values)

    def weight_of_df(self, df: int) -> float:
        """Rarity weight of a key found in ``df`` live names: idf scaled to [0.2, 1]."""
        total = max(self.live_names, MIN_NAMES_FOR_WEIGHTS)
        idf = math.log(total / (df + 1.0))
        return min(1.0, max(MIN_TOKEN_WEIGHT, idf / FULL_WEIGHT_IDF))
