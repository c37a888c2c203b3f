"""Name comparison: prepare a name once, then score it against many candidates quickly.

``prepare_name`` does all the expensive work (Unicode clean-up, romanisation, particles,
folding, keys); ``score_prepared`` only aligns the tokens of two prepared names and is the hot
path of the index. Scores are in [0, 1] and rank: an exact rendering scores 1.0, a
transliteration variant a little less, a name with a missing middle name less again, and a
name with a conflicting part (Kim Jong Un / Kim Jong Il) falls below ``DEFAULT_THRESHOLD``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from matching.tokens import fold, name_tokens, skeleton

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
# Cost of a token present on one side only (a missing middle name), relative to a conflict.
_OMISSION_COST = 0.4
# Pairs less similar than this are not aligned at all.
_MIN_PAIR_SIMILARITY = 0.7
# Small penalty for each crossing of aligned tokens: order matters a little, not much.
_ORDER_PENALTY = 0.04


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name reduced to what the scorer compares. ``original`` must never be logged."""

    original: str
    kind: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    script: str
    folded: tuple[str, ...] = ()
    abjad: tuple[bool, ...] = ()
    initial: tuple[bool, ...] = ()
    legal: tuple[bool, ...] = ()
    groups: tuple[frozenset[int], ...] = ()


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """How one query token was matched (``candidate`` is None when nothing matched it)."""

    query: str
    candidate: str | None
    similarity: float
    rule: str


@dataclass(frozen=True, slots=True)
class NameScore:
    """Similarity of two names with the token alignment that produced it."""

    score: float
    matches: tuple[TokenMatch, ...]
    explanation: str


def prepare_name(name: str, *, kind: str = "person") -> PreparedName:
    """Normalise, romanise and key a name once, for any number of comparisons.

    >>> prepare_name("Sheikh Usama bin Ladin").tokens
    ('usama', 'ladin')
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    raw, script = name_tokens(name, kind=kind)
    from matching.equivalents import groups_of  # local: the table loads lazily

    folded = tuple(fold(token.text) for token in raw)
    return PreparedName(
        original=name,
        kind=kind,
        tokens=tuple(token.text for token in raw),
        keys=tuple(skeleton(f) for f in folded),
        script=script,
        folded=folded,
        abjad=tuple(token.abjad for token in raw),
        initial=tuple(token.initial for token in raw),
        legal=tuple(token.legal for token in raw),
        groups=tuple(groups_of(token.text) for token in raw),
    )


def _token_similarity(q: PreparedName, i: int, c: PreparedName, j: int) -> tuple[float, str]:
    """Similarity in [0, 1] of query token i and candidate token j, with the rule that gave it."""
    qt, ct = q.tokens[i], c.tokens[j]
    if qt == ct:
        return 1.0, "exact"
    qf, cf = q.folded[i], c.folded[j]
    if q.initial[i] or c.initial[j]:
        if qf[0] == cf[0] or qt[0] == ct[0]:
            return 0.8, "initial"
        return 0.0, "unmatched"
    if qf == cf:
        return 0.97, "transliteration"
    if q.groups[i] and not q.groups[i].isdisjoint(c.groups[j]):
        return 0.95, "equivalent-name"
    qk, ck = q.keys[i], c.keys[j]
    if q.abjad[i] != c.abjad[j]:
        # An unvocalised romanisation against a vocalised one: consonants carry the evidence.
        if qk == ck:
            return 0.92, "transliteration"
        similarity = 0.92 * Levenshtein.normalized_similarity(qk, ck)
        return similarity, "transliteration" if similarity >= 0.8 else "typo"
    longest = max(len(qf), len(cf))
    if qk == ck and Levenshtein.distance(qf, cf, score_cutoff=2) <= (1 if longest <= 7 else 2):
        return 0.93, "transliteration"
    similarity = 0.5 * (
        JaroWinkler.normalized_similarity(qf, cf) + Indel.normalized_similarity(qf, cf)
    )
    return similarity, "typo"


def _weights(name: PreparedName, token_weight: Callable[[str], float] | None) -> list[float]:
    out = []
    for index, token in enumerate(name.tokens):
        weight = token_weight(token) if token_weight is not None else 1.0
        if name.initial[index]:
            weight *= _INITIAL_FACTOR
        if name.legal[index]:
            weight *= _LEGAL_FORM_FACTOR
        out.append(weight)
    return out


def score_prepared(
    query: PreparedName,
    candidate: PreparedName,
    *,
    token_weight: Callable[[str], float] | None = None,
) -> NameScore:
    """Score two prepared names: weighted token alignment with costs for unmatched tokens.

    Each query token is aligned with at most one candidate token (greedy, most similar pair
    first). Aligned pairs contribute their similarity; a token left unmatched on both sides is
    a conflict and costs its full weight; a token present on one side only (a missing middle
    name, a dropped surname) costs ``_OMISSION_COST`` of its weight. ``token_weight`` gives
    rarer tokens more weight (None: uniform).
    """
    nq, nc = len(query.tokens), len(candidate.tokens)
    if nq == 0 or nc == 0:
        return NameScore(0.0, (), "no comparable name parts")
    pairs = []
    for i in range(nq):
        for j in range(nc):
            similarity, rule = _token_similarity(query, i, candidate, j)
            if similarity >= _MIN_PAIR_SIMILARITY:
                pairs.append((similarity, i, j, rule))
    pairs.sort(reverse=True)
    used_q: dict[int, tuple[int, float, str]] = {}
    used_c: set[int] = set()
    for similarity, i, j, rule in pairs:
        if i not in used_q and j not in used_c:
            used_q[i] = (j, similarity, rule)
            used_c.add(j)
    wq = _weights(query, token_weight)
    wc = _weights(candidate, token_weight)
    matched = total = 0.0
    for i, (j, similarity, _rule) in used_q.items():
        matched += (wq[i] + wc[j]) * similarity
        total += wq[i] + wc[j]
    unmatched_q = sum(w for i, w in enumerate(wq) if i not in used_q)
    unmatched_c = sum(w for j, w in enumerate(wc) if j not in used_c)
    if unmatched_q and unmatched_c:
        total += unmatched_q + unmatched_c
    else:
        total += _OMISSION_COST * (unmatched_q + unmatched_c)
    score = matched / total if total else 0.0
    order = sorted(used_q.items())
    crossings = sum(
        1
        for a in range(len(order))
        for b in range(a + 1, len(order))
        if order[a][1][0] > order[b][1][0]
    )
    if crossings:
        score -= _ORDER_PENALTY * crossings / max(1, len(order) - 1)
    score = min(1.0, max(0.0, score))
    matches = tuple(
        TokenMatch(query.tokens[i], candidate.tokens[used_q[i][0]], used_q[i][1], used_q[i][2])
        if i in used_q
        else TokenMatch(query.tokens[i], None, 0.0, "unmatched")
        for i in range(nq)
    )
    return NameScore(round(score, 4), matches, _explain(matches, candidate, used_c, crossings))


def _explain(
    matches: tuple[TokenMatch, ...], candidate: PreparedName, used_c: set[int], crossings: int
) -> str:
    parts = []
    for match in matches:
        if match.candidate is None:
            parts.append(f"'{match.query}' has no counterpart")
        elif match.rule == "exact":
            parts.append(f"'{match.query}'='{match.candidate}' (exact)")
        else:
            rule = match.rule.replace("-", " ")
            parts.append(f"'{match.query}'≈'{match.candidate}' ({rule} {match.similarity:.2f})")
    extra = [token for j, token in enumerate(candidate.tokens) if j not in used_c]
    if extra:
        parts.append("candidate only: " + ", ".join(f"'{token}'" for token in extra))
    if crossings:
        parts.append("name parts in a different order")
    return "; ".join(parts)


def compare_names(a: str, b: str, *, kind: str = "person") -> float:
    """Similarity in [0, 1] of two names under ``ALGORITHM``.

    >>> compare_names("Mohammed bin Salman", "Muhammad bin Salman") >= DEFAULT_THRESHOLD
    True
    """
    return score_prepared(prepare_name(a, kind=kind), prepare_name(b, kind=kind)).score
