"""Name comparison: prepare a name once, then score it against many candidates quickly.

``prepare_name`` does all the expensive work (Unicode clean-up, romanisation, particles,
folding, keys); ``score_prepared`` only aligns the tokens of two prepared names and is the hot
path of the index. Scores are in [0, 1] and rank: an exact rendering scores 1.0, a
transliteration variant a little less, a name with a missing middle name less again, and a
name with a conflicting part (Kim Jong Un / Kim Jong Il) falls below ``DEFAULT_THRESHOLD``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from matching.alignment import Aligned, align
from matching.explain import TokenMatch, explain, token_matches
from matching.similarity import Part, make_part
from matching.tokens import name_tokens

__all__ = [
    "ALGORITHM",
    "DEFAULT_THRESHOLD",
    "NameScore",
    "PreparedName",
    "TokenMatch",
    "compare_names",
    "prepare_name",
    "score_prepared",
]

ALGORITHM = "names-v1"
# At and above this score two names are a possible match (chosen on the scale described in the
# module docstring: one conflicting token in a three-token name falls below it).
DEFAULT_THRESHOLD = 0.8

KINDS = ("person", "organisation")

# Weight factors of tokens that carry less identity than a full name part.
_INITIAL_FACTOR = 0.5
_LEGAL_FORM_FACTOR = 0.3
# Cost of two tokens that name different things (Mansour / Mohammed), relative to their weight:
# a conflict is evidence against the match, not only missing evidence for it, so one conflict
# in a name of five tokens still falls below the threshold.
CONFLICT_COST = 1.1
# Cost of a token present on one side only (a missing middle name), relative to its weight.
OMISSION_COST = 0.4
# ... unless the names share only one token: that is weak evidence, so omissions cost more.
WEAK_OMISSION_COST = 0.6
# An aligned pair at least this similar counts as a strong one for that rule.
STRONG_SIMILARITY = 0.85
# Patronymics (Viktorovich, Ivanovna, Petrovych) say whose child someone is, and lists and
# travel documents drop them freely: half the weight of a given or family name.
_PATRONYMIC_FACTOR = 0.5
# (-ović/-ević are South Slavic family names, not patronymics.)
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovych|evych|ovitch|evitch|ovna|evna|ivna|ichna|"
                         r"ogly|oglu|ugli)$")
# Names made of initials only (N.N.) cannot identify anyone on their own.
_INITIALS_ONLY_CAP = 0.6
_LETTERS_ONLY_RULES = frozenset({"initial", "acronym", "near-miss"})
# Tokens that swap sides of "bin" (Omar bin Abdullah / Abdullah bin Omar) name another person.
_FILIATION_SWAP_PENALTY = 0.25
# Small penalty for each crossing of aligned tokens: order matters a little, not much.
_ORDER_PENALTY = 0.04


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name reduced to what the scorer compares. ``original`` must never be logged.

    ``parts`` and ``joins`` are the scorer's precomputed views of each token and of each pair of
    adjacent tokens written as one word (for compounds split on one side only).
    """

    original: str
    kind: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    script: str
    parts: tuple[Part, ...] = ()
    joins: Sequence[tuple[int, int, Part]] = ()
    legal: tuple[bool, ...] = ()
    segments: tuple[int, ...] = ()
    acronym: str = ""
    weights: tuple[float, ...] = ()  # per-token weights without rarity: initials, legal forms
    initials_only: bool = False
    # Cheap filters for the compound and acronym search (see matching.alignment): the first two
    # letters of the tokens and of the joined runs.
    writings: frozenset[str] = frozenset()
    firsts: frozenset[str] = frozenset()
    join_firsts: frozenset[str] = frozenset()
    short_tokens: frozenset[int] = frozenset()  # a set: not one value per token


@dataclass(frozen=True, slots=True)
class NameScore:
    """Similarity of two names with the token alignment that produced it.

    ``matches`` and ``explanation`` are built on first use only: the index scores hundreds of
    candidates per query and explains only the few it returns.
    """

    score: float
    query_tokens: tuple[str, ...] = field(default=(), repr=False)
    candidate_tokens: tuple[str, ...] = field(default=(), repr=False)
    alignment: tuple[Aligned, ...] = field(default=(), repr=False)
    crossings: int = 0

    @property
    def matches(self) -> tuple[TokenMatch, ...]:
        """For each query token (or run of tokens), what it matched and by which rule."""
        return token_matches(self.query_tokens, self.candidate_tokens, self.alignment)

    @property
    def explanation(self) -> str:
        """Human-readable account, e.g. "'mohammed'≈'muhammad' (equivalent name 0.95)"."""
        return explain(self.matches, self.candidate_tokens, self.alignment, self.crossings)


def prepare_name(name: str, *, kind: str = "person") -> PreparedName:
    """Normalise, romanise and key a name once, for any number of comparisons.

    >>> prepare_name("Sheikh Usama bin Ladin").tokens
    ('usama', 'ladin')
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    raw, script = name_tokens(name, kind=kind)
    parts = tuple(
        make_part(token.text, writing=token.writing, initial=token.initial, legal=token.legal,
                  native=token.native)
        for token in raw
    )
    joins = LazyJoins(tuple(raw)) if len(raw) > 1 else ()
    acronym = "".join(token.text[0] for token in raw if not token.legal)
    return PreparedName(
        original=name,
        kind=kind,
        tokens=tuple(part.text for part in parts),
        keys=tuple(part.key for part in parts),
        script=script,
        parts=parts,
        joins=joins,
        legal=tuple(token.legal for token in raw),
        segments=tuple(token.segment for token in raw),
        acronym=acronym if len(acronym) >= 2 else "",
        initials_only=all(token.initial for token in raw),
        writings=frozenset(token.writing for token in raw),
        firsts=frozenset(c for part in parts for c in part.folded[:2]),
        # Joined runs start like their first token, romanised or folded (a superset is fine).
        join_firsts=frozenset(c for part in parts[:-1] for c in part.folded[:2] + part.text[:2]),
        short_tokens=frozenset(i for i, token in enumerate(raw)
                               if not token.legal and 2 <= len(token.text) <= 6
                               and token.text.isalpha()),
        weights=tuple(_base_weight(token, kind == "person" and index > 0 and len(raw) > 2)
                      for index, token in enumerate(raw)),
    )


class LazyJoins(Sequence):
    """Adjacent tokens written as one word (spans of two and three tokens; a legal form only at
    the end), built on first use: the scorer needs them only for names that do not align token
    by token, and building them for every prepared name would double the preparation time."""

    __slots__ = ("_raw", "_built")

    def __init__(self, raw: tuple) -> None:
        self._raw = raw
        self._built: tuple | None = None

    def _joins(self) -> tuple:
        if self._built is None:
            raw = self._raw
            # Racing threads build equal tuples; the assignment is atomic.
            self._built = tuple(
                (start, start + size, make_part(
                    "".join(token.text for token in raw[start: start + size]),
                    writing=raw[start].writing, initial=False))
                for size in (2, 3)
                for start in range(len(raw) - size + 1)
                if not any(token.legal for token in raw[start: start + size - 1])
            )
        return self._built

    def __len__(self) -> int:
        return len(self._joins())

    def __getitem__(self, index):
        return self._joins()[index]

    def __iter__(self):
        return iter(self._joins())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyJoins({len(self._raw)} tokens)"


def _base_weight(token, patronymic_position: bool) -> float:
    """Initials, patronymics and legal forms say less about who or what is named than a given
    or family name. A patronymic follows a given name, in a name of three parts or more."""
    if token.initial:
        return _INITIAL_FACTOR
    if token.legal:
        return _LEGAL_FORM_FACTOR
    if patronymic_position and len(token.text) > 6 and _PATRONYMIC.search(token.text):
        return _PATRONYMIC_FACTOR
    return 1.0


def _weights(name: PreparedName, token_weight: Callable[[str], float] | None) -> Sequence[float]:
    if token_weight is None:
        return name.weights
    return [token_weight(text) * base for text, base in zip(name.tokens, name.weights, strict=True)]


def score_prepared(
    query: PreparedName,
    candidate: PreparedName,
    *,
    token_weight: Callable[[str], float] | None = None,
) -> NameScore:
    """Score two prepared names: weighted token alignment with costs for unmatched tokens.

    Each query token is aligned with at most one candidate token (greedy, most similar pair
    first; two adjacent tokens may align with one compound token). Aligned pairs contribute
    their similarity; tokens left unmatched on both sides are conflicts and cost a little more
    than their weight; tokens present on one side only (a missing middle name) cost less,
    unless the names share a single token, which is weak evidence on its own.
    ``token_weight`` gives rarer tokens more weight (None: uniform).
    """
    nq, nc = len(query.parts), len(candidate.parts)
    if nq == 0 or nc == 0:
        return NameScore(0.0, query.tokens, candidate.tokens)
    aligned = align(query, candidate)
    wq = _weights(query, token_weight)
    wc = _weights(candidate, token_weight)
    matched = total = 0.0
    left_q = list(wq)  # weight still unmatched, per token
    left_c = list(wc)
    strong = 0
    for qi, cj, similarity, _rule in aligned:
        weight = 0.0
        for i in qi:
            weight += wq[i]
            left_q[i] = 0.0
        for j in cj:
            weight += wc[j]
            left_c[j] = 0.0
        matched += weight * similarity
        total += weight
        if similarity >= STRONG_SIMILARITY and not query.parts[qi[0]].initial:
            strong += 1
    legal = 0.0
    for i in range(nq):
        if left_q[i] and query.legal[i]:
            legal += left_q[i]
            left_q[i] = 0.0
    for j in range(nc):
        if left_c[j] and candidate.legal[j]:
            legal += left_c[j]
            left_c[j] = 0.0
    unmatched_q, unmatched_c = sum(left_q), sum(left_c)
    if unmatched_q and unmatched_c:
        total += CONFLICT_COST * (unmatched_q + unmatched_c)
    else:
        cost = OMISSION_COST if strong >= 2 else WEAK_OMISSION_COST
        total += cost * (unmatched_q + unmatched_c)
    total += OMISSION_COST * legal  # legal forms are often left out
    score = matched / total if total else 0.0
    crossings = 0
    if len(aligned) > 1:
        order = sorted((qi[0], cj[0]) for qi, cj, _, _ in aligned)
        crossings = sum(1 for a in range(len(order)) for b in range(a + 1, len(order))
                        if order[a][1] > order[b][1])
        if crossings:
            score -= _ORDER_PENALTY * crossings / (len(order) - 1)
            if _filiation_swapped(query, candidate, order):
                score -= _FILIATION_SWAP_PENALTY
    if query.initials_only or candidate.initials_only or (
        query.kind == "person" and all(rule in _LETTERS_ONLY_RULES for _, _, _, rule in aligned)
    ):
        # Initials and acronyms alone (N.N., "ES" for Evgeny Sad) cannot identify a person.
        score = min(score, _INITIALS_ONLY_CAP)
    score = min(1.0, max(0.0, score))
    return NameScore(round(score, 4), query.tokens, candidate.tokens, tuple(aligned), crossings)


def _filiation_swapped(query: PreparedName, candidate: PreparedName, order) -> bool:
    """True when two aligned tokens are on opposite sides of "bin" in the two names."""
    qs, cs = query.segments, candidate.segments
    for a in range(len(order)):
        for b in range(a + 1, len(order)):
            (qa, ca), (qb, cb) = order[a], order[b]
            if qs[qa] < qs[qb] and cs[ca] > cs[cb]:
                return True
    return False


def compare_names(a: str, b: str, *, kind: str = "person") -> float:
    """Similarity in [0, 1] of two names under ``ALGORITHM``.

    >>> compare_names("Mohammed bin Salman", "Muhammad bin Salman") >= DEFAULT_THRESHOLD
    True
    """
    return score_prepared(prepare_name(a, kind=kind), prepare_name(b, kind=kind)).score
