"""Candidate generation: which indexed names are worth scoring for a query name.

Scoring every name of a million-record list costs far more than a search may take, so the
index first ranks names by the summed rarity weight of the query tokens they share, cheaply,
with numpy over posting lists, and only the best few are scored by ``names-v1``.

A query token reaches the indexed tokens that share any of:
* its skeleton key (consonant classes: Mohammed / Muhamad / Mohamed share one);
* a key one deletion away (symmetric delete: a typo in a rare surname beside a common first
  name still finds the entry, unlike exact-word blocking);
* an equivalence group (Yusuf / Joseph).
Each such indexed token gets a similarity to the query token (vectorised rapidfuzz, floored by
the path that found it); the postings of the similar ones are read.

Posting lists of common keys are long; they are read in full only when the rarer tokens of
the query are not discriminating enough on their own. Otherwise their contribution is added
afterwards for the best candidates only.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from matching.index_store import (
    FULL_WEIGHT_IDF,
    GROUP_KEY_PREFIX,
    MIN_FUZZY_KEY_LENGTH,
    MIN_NAMES_FOR_WEIGHTS,
    MIN_TOKEN_WEIGHT,
    Store,
    writing_code,
)
from matching.index_tokens import deletions, token_factor, token_groups, without_article
from matching.names import (
    CONFLICT_COST,
    OMISSION_COST,
    STRONG_SIMILARITY,
    WEAK_OMISSION_COST,
    PreparedName,
)

__all__ = ["Candidate", "TokenBlock", "candidate_slots", "token_blocks"]

# A token blocked through its skeleton key is at least this similar (same consonant classes).
SAME_KEY_QUALITY = 0.85
# Tokens in one equivalence group (Yusuf / Joseph) are this similar, as in names-v1.
GROUP_QUALITY = 0.95
# A full token against an initial with the same first letter, as in names-v1.
INITIAL_QUALITY = 0.8
# The same name with an attached article or a kunya word on one side (Alzawahiri / Zawahiri,
# Abuhamza / Hamza): names-v1 rates these 0.93 and 0.87; letter similarity says far less.
BARE_QUALITY = 0.85
# Indexed tokens less similar than this to the query token are not used: names-v1 does not
# align token pairs below 0.7, and the estimate is rough.
MIN_TOKEN_QUALITY = 0.65
# Rough similarities from here up to MIN_TOKEN_QUALITY are checked again across kinds of script.
BORDERLINE_QUALITY = 0.3
# The engine's best similarity for a spelling from another kind of script (names-v1: 0.92).
CROSS_SCRIPT_QUALITY = 0.92
# Postings read in full per query name when the rare tokens alone are discriminating enough.
POSTING_BUDGET = 60_000
# Postings read at most, even when every query token is common ("Mohammed Ali").
POSTING_HARD_CAP = 800_000
# Share of the query's rarity weight the read postings must cover before common ones are skipped.
DISCRIMINATING_SHARE = 0.5
# Candidates refined with the skipped tokens and the candidate-side length.
REFINE_POOL = 3000
# Query tokens whose similar indexed tokens are remembered (see _similar_tokens).
TOKEN_CACHE_SIZE = 50_000
# Blocks with at least this many postings are kept gathered (see _postings), up to this many
# postings in all (12 bytes each).
CACHED_POSTINGS_MIN = 5_000
POSTINGS_CACHE_BUDGET = 8_000_000


@dataclass(frozen=True, slots=True)
class TokenBlock:
    """The indexed tokens one query token matches, with their similarity, and its weight."""

    weight: float
    tokens: np.ndarray  # token record ids
    qualities: np.ndarray  # similarity of each to the query token
    size: int  # postings behind them


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name slot worth scoring, with its blocking estimate of the name score."""

    slot: int
    estimate: float


def _token_similarity(query: str, texts: list[str]) -> np.ndarray:
    """Cheap vectorised similarity of one token against many: mean of Jaro-Winkler and Indel,
    the typo rule of names-v1."""
    jaro = process.cdist([query], texts, scorer=JaroWinkler.normalized_similarity,
                         dtype=np.float32)[0]
    indel = process.cdist([query], texts, scorer=Indel.normalized_similarity,
                          dtype=np.float32)[0]
    return 0.5 * (jaro + indel)


def _exact_borderline(store: Store, part, tokens: np.ndarray, qualities: np.ndarray) -> None:
    """Replace rough similarities just under the cut, for tokens spelled by another kind of
    script, by the consonant-key similarity the name engine starts from there (an abjad
    skeleton against a Latin spelling: rapidfuzz on the letters says little). Vectorised and
    optimistic on purpose: the engine's letter-by-letter rules decide when the candidate is
    scored; checking each borderline token with them in Python cost more than the rest of
    candidate generation on large lists. Within one kind of script the rough score follows the
    engine's typo rule closely and is kept."""
    writing = writing_code(getattr(part, "writing", "full"))
    borderline = np.flatnonzero((qualities >= BORDERLINE_QUALITY)
                                & (qualities < MIN_TOKEN_QUALITY)
                                & (store.token_writing.data[tokens] != writing))
    if not len(borderline) or not hasattr(part, "abjad_key"):
        return
    syllabic = writing_code("syllabic")
    involves_syllabic = (store.token_writing.data[tokens[borderline]] == syllabic) \
        | (writing == syllabic)
    for mask, field in ((involves_syllabic, "syllabic_key"), (~involves_syllabic, "abjad_key")):
        positions = borderline[mask]
        if not len(positions):
            continue
        keys = [getattr(candidate, field, "") or "" for candidate
                in store.token_parts.data[tokens[positions]].tolist()]
        similar = process.cdist([getattr(part, field)], keys,
                                scorer=Levenshtein.normalized_similarity, dtype=np.float32)[0]
        qualities[positions] = np.maximum(qualities[positions], CROSS_SCRIPT_QUALITY * similar)


def token_blocks(store: Store, name: PreparedName) -> list[TokenBlock]:
    """One block per distinct query token."""
    blocks = []
    seen: set[tuple] = set()
    parts = getattr(name, "parts", None) or name.tokens
    factors = getattr(name, "weights", None) or [token_factor((part,)) for part in parts]
    for text, key, groups, part, factor in zip(name.tokens, name.keys, token_groups(name), parts,
                                               factors, strict=False):
        signature = (text, key, tuple(sorted(groups)))
        if signature in seen or not key:
            continue
        seen.add(signature)
        found = _similar_tokens(store, text, key, groups, part, signature)
        if found is None:
            continue
        tokens, qualities, skeletons = found
        df = store.key_df.data
        frequency = max(int(df[k]) for k in skeletons) if skeletons else 0
        size = int(store.token_postings.data[tokens].sum())
        weight = store.weight_of_df(frequency) * factor
        blocks.append(TokenBlock(weight, tokens, qualities, size))
    return blocks


def _similar_tokens(store: Store, text: str, key: str, groups, part, signature: tuple):
    """The indexed tokens similar to one query token, their similarity, and the skeleton keys
    whose frequency sets the token's rarity; None if there are none.

    Memoised per store while its vocabulary is unchanged: border traffic repeats the same name
    parts endlessly, and this lookup (fuzzy keys, equivalence groups, vectorised similarity)
    depends only on which tokens exist, never on which records hold them.
    """
    cache_key = (signature, part)
    version = store.vocabulary_size
    cached = store.token_cache.get(cache_key)
    if cached is not None and cached[0] == version:
        return cached[1]
    found = _find_similar_tokens(store, text, key, groups, part)
    if len(store.token_cache) >= TOKEN_CACHE_SIZE:
        store.token_cache.clear()  # a bounded memo, as in the name engine
    store.token_cache[cache_key] = (version, found)
    return found


def _find_similar_tokens(store: Store, text: str, key: str, groups, part):
    fuzzy: set[int] = set()
    if len(key) >= MIN_FUZZY_KEY_LENGTH - 1:
        variants = [key, *deletions(key)] if len(key) >= MIN_FUZZY_KEY_LENGTH else [key]
        for variant in variants:
            fuzzy.update(store.fuzzy.get(variant, ()))
    exact = store.key_ids.get(key)
    fuzzy.discard(exact)
    group_keys = [k for k in (store.key_ids.get(f"{GROUP_KEY_PREFIX}{g}") for g in groups)
                  if k is not None]
    key_tokens = store.key_tokens
    exact_tokens = set(key_tokens[exact]) if exact is not None else set()
    group_tokens = set().union(*(key_tokens[k] for k in group_keys))
    spelling = getattr(part, "folded", text)
    # A full token matches an initial on the other side (Aleksandr S. / Aleksandr Shibli).
    initials = store.initial_tokens(spelling[:1]) if len(text) > 1 else set()
    neighbours = store.spelling_neighbours(spelling)
    bare = without_article(spelling)
    parts = store.token_parts.data
    same_bare = {t for t in neighbours
                 if (candidate := getattr(parts[t], "folded", None)) is not None
                 and candidate != spelling and without_article(candidate) == bare}
    # Floors: the least similarity the path that found a token guarantees, best first.
    segments = [(group_tokens, GROUP_QUALITY), (exact_tokens, SAME_KEY_QUALITY),
                (same_bare, BARE_QUALITY), (initials, INITIAL_QUALITY),
                (set().union(neighbours, *(key_tokens[k] for k in fuzzy)), 0.0)]
    ordered: list[int] = []
    floors: list[float] = []
    taken: set[int] = set()
    for members, quality in segments:
        fresh = members - taken
        taken |= fresh
        ordered.extend(fresh)
        floors.extend([quality] * len(fresh))
    if not ordered:
        return None
    tokens = np.array(ordered, dtype=np.int64)
    floor = np.array(floors, dtype=np.float32)
    texts = store.token_texts.data[tokens]
    qualities = np.maximum(_token_similarity(text, texts), floor)
    qualities[texts == text] = 1.0
    if part is not text:
        _exact_borderline(store, part, tokens, qualities)
    keep = qualities >= MIN_TOKEN_QUALITY
    tokens, qualities = tokens[keep], qualities[keep]
    if not len(tokens):
        return None
    skeletons = [exact] if exact is not None else sorted(fuzzy)
    return tokens, qualities, skeletons


class _Scratch(threading.local):
    """Per-thread accumulators, reused across searches (zeroed after each use)."""

    def __init__(self) -> None:
        self.acc = np.zeros(0, dtype=np.float32)
        self.tmp = np.zeros(0, dtype=np.float32)
        self.mark = np.zeros(0, dtype=np.int32)
        self.strong = np.zeros(0, dtype=np.float32)

    def ensure(self, size: int) -> None:
        if len(self.acc) < size:
            size = max(size, int(len(self.acc) * 1.5), 1024)
            self.acc = np.zeros(size, dtype=np.float32)
            self.tmp = np.zeros(size, dtype=np.float32)
            self.mark = np.zeros(size, dtype=np.int32)
            self.strong = np.zeros(size, dtype=np.float32)


_scratch = _Scratch()


def _postings(store: Store, block: TokenBlock) -> tuple[np.ndarray, np.ndarray]:
    """Slots and qualities of a block, best quality last so it wins when a slot repeats.

    Long blocks (common name parts: hundreds of spellings of Mohammed) are kept while no record
    changes, so a common name is gathered once, not on every search."""
    if block.size < CACHED_POSTINGS_MIN:
        return _gather(store, block)
    cache_key = block.tokens.tobytes()
    version = store.mutations
    cached = store.postings_cache.get(cache_key)
    if cached is not None and cached[0] == version:
        return cached[1], cached[2]
    slots, qualities = _gather(store, block)
    if store.postings_cached + len(slots) > POSTINGS_CACHE_BUDGET:
        store.postings_cache.clear()
        store.postings_cached = 0
    store.postings_cache[cache_key] = (version, slots, qualities)
    store.postings_cached += len(slots)
    return slots, qualities


def _gather(store: Store, block: TokenBlock) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(block.qualities, kind="stable")
    tokens, qualities = block.tokens[order].tolist(), block.qualities[order]
    chunks = [store.postings[t].tobytes() for t in tokens]
    slots = np.frombuffer(b"".join(chunks), dtype=np.int32).astype(np.int64)
    lengths = np.fromiter((len(c) // 4 for c in chunks), dtype=np.int64, count=len(chunks))
    return slots, np.repeat(qualities, lengths)


def _weights(store: Store, df: np.ndarray) -> np.ndarray:
    total = max(store.live_names, MIN_NAMES_FOR_WEIGHTS)
    idf = np.log(total / (df.astype(np.float64) + 1.0)) / FULL_WEIGHT_IDF
    return np.clip(idf, MIN_TOKEN_WEIGHT, 1.0).astype(np.float32)


def candidate_slots(
    store: Store, name: PreparedName, *, min_estimate: float, limit: int
) -> list[Candidate]:
    """Name slots whose blocking estimate reaches ``min_estimate``, best first, at most
    ``limit``. The estimate approximates the ``names-v1`` score from shared weighted keys."""
    blocks = sorted(token_blocks(store, name), key=lambda b: b.size)
    if not blocks:
        return []
    total_weight = sum(b.weight for b in blocks)
    read, skipped = [], []
    read_size = read_weight = 0.0
    for block in blocks:
        within_budget = read_size + block.size <= POSTING_BUDGET
        must_read = (read_weight < DISCRIMINATING_SHARE * total_weight
                     and read_size + block.size <= POSTING_HARD_CAP)
        if not read or within_budget or must_read:
            read.append(block)
            read_size += block.size
            read_weight += block.weight
        else:
            skipped.append(block)

    gathered = [(_postings(store, b), b.weight) for b in read]
    all_slots = np.concatenate([slots for (slots, _), _ in gathered])
    if len(all_slots) == 0:
        return []
    scratch = _scratch
    scratch.ensure(int(all_slots.max()) + 1)
    acc, tmp, mark, strong = scratch.acc, scratch.tmp, scratch.mark, scratch.strong
    for (slots, qualities), weight in gathered:
        tmp[slots] = qualities * weight  # repeated slot: the last (best) quality wins
        acc[slots] += tmp[slots]  # buffered: one addition per distinct slot
        tmp[slots] = qualities >= STRONG_SIMILARITY  # ... and the same for the strong count
        strong[slots] += tmp[slots]
        tmp[slots] = 0.0
    positions = np.arange(len(all_slots), dtype=np.int32)
    mark[all_slots[::-1]] = positions[::-1]
    unique = all_slots[mark[all_slots] == positions]
    partial = acc[unique].astype(np.float32)
    strong_pairs = strong[unique].astype(np.float64)
    acc[all_slots] = 0.0
    strong[all_slots] = 0.0

    if len(unique) > REFINE_POOL:
        keep = np.argpartition(-partial, REFINE_POOL)[:REFINE_POOL]
        unique, partial, strong_pairs = unique[keep], partial[keep], strong_pairs[keep]
    return _refine(store, unique, partial, strong_pairs, skipped, total_weight, min_estimate,
                   limit)


def _refine(store, slots, partial, strong_pairs, skipped, total_weight, min_estimate, limit):
    """Add skipped common tokens and the candidate's own weight, estimate, keep the best.

    The costs of unmatched weight are names-v1's: a conflict when both sides have some left,
    otherwise an omission, dearer when fewer than two query tokens found a strong partner."""
    starts = store.slot_start.data
    first, end = starts[slots], starts[slots + 1]
    lengths = (end - first).astype(np.int64)
    owner = np.repeat(np.arange(len(slots)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    token_ids = store.slot_tokens.data[np.repeat(first, lengths) + offsets]
    key_ids = store.token_record_key.data[token_ids]
    candidate_weights = (_weights(store, store.key_df.data[key_ids])
                         * store.token_factor.data[token_ids])
    candidate_total = np.bincount(owner, candidate_weights, minlength=len(slots))
    matched = partial.astype(np.float64)
    for block in skipped:
        order = np.argsort(block.tokens)
        tokens, quality = block.tokens[order], block.qualities[order]
        where = np.searchsorted(tokens, token_ids).clip(0, len(tokens) - 1)
        hit = tokens[where] == token_ids
        best = np.zeros(len(slots))
        np.maximum.at(best, owner[hit], quality[where[hit]])
        matched += best * block.weight
        strong_pairs = strong_pairs + (best >= STRONG_SIMILARITY)
    unmatched_query = np.maximum(0.0, total_weight - matched)
    unmatched_candidate = np.maximum(0.0, candidate_total - matched)
    both = (unmatched_query > 1e-6) & (unmatched_candidate > 1e-6)
    omission = np.where(strong_pairs >= 2, OMISSION_COST, WEAK_OMISSION_COST)
    cost = np.where(both, CONFLICT_COST, omission) * (unmatched_query + unmatched_candidate)
    estimate = 2 * matched / np.maximum(2 * matched + cost, 1e-9)
    good = np.flatnonzero(estimate >= min_estimate)
    if len(good) > limit:
        good = good[np.argpartition(-estimate[good], limit)[:limit]]
    good = good[np.argsort(-estimate[good], kind="stable")]
    return [Candidate(int(slots[i]), float(estimate[i])) for i in good]


def idf_weight(store: Store, df: int) -> float:
    """Scalar form of the rarity weight (see ``Store.weight_of_df``)."""
    total = max(store.live_names, MIN_NAMES_FOR_WEIGHTS)
    return min(1.0, max(MIN_TOKEN_WEIGHT, math.log(total / (df + 1.0)) / FULL_WEIGHT_IDF))
