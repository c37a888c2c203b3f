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

from matching.similarity import Part, make_part, part_similarity
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
# Cost of a token present on one side only (a missing middle name), relative to a conflict.
_OMISSION_COST = 0.4
# ... unless the names share only one token: that is weak evidence, so omissions cost more.
_WEAK_OMISSION_COST = 0.6
# Pairs less similar than this are not aligned at all.
_MIN_PAIR_SIMILARITY = 0.7
# A compound (two tokens against one) must be a near-certain rendering to be used.
_COMPOUND_SIMILARITY = 0.88
# Initials standing for a whole name: usual for organisations (PLA), rarer for persons (JC).
_ACRONYM_SIMILARITY = {"organisation": 0.9, "person": 0.8}
# Names made of initials only (N.N.) cannot identify anyone on their own.
_INITIALS_ONLY_CAP = 0.6
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
    joins: tuple[tuple[int, int, Part], ...] = ()
    legal: tuple[bool, ...] = ()
    segments: tuple[int, ...] = ()
    acronym: str = ""


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
    parts = tuple(
        make_part(token.text, writing=token.writing, initial=token.initial, legal=token.legal)
        for token in raw
    )
    joins = tuple(
        (start, start + size, make_part(
            "".join(token.text for token in raw[start: start + size]),
            writing=raw[start].writing, initial=False))
        for size in (2, 3)
        for start in range(len(raw) - size + 1)
        # A legal form may end a compound (SiemensAG), never start or sit inside one.
        if not any(token.legal for token in raw[start: start + size - 1])
    )
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
    )


def _weights(name: PreparedName, token_weight: Callable[[str], float] | None) -> list[float]:
    out = []
    for index, part in enumerate(name.parts):
        weight = token_weight(part.text) if token_weight is not None else 1.0
        if part.initial:
            weight *= _INITIAL_FACTOR
        if name.legal[index]:
            weight *= _LEGAL_FORM_FACTOR
        out.append(weight)
    return out


def _align(
    query: PreparedName, candidate: PreparedName
) -> list[tuple[tuple[int, ...], tuple[int, ...], float, str]]:
    """Greedy one-to-one alignment, most similar pair first; then compounds for the leftovers."""
    scored = []
    for i, qp in enumerate(query.parts):
        for j, cp in enumerate(candidate.parts):
            similarity, rule = part_similarity(qp, cp)
            if similarity >= _MIN_PAIR_SIMILARITY:
                scored.append((similarity, (i,), (j,), rule))
    aligned = _greedy(scored)
    if _needs_compounds(aligned, len(query.parts), len(candidate.parts)):
        scored.extend(_compound_pairs(query, candidate))
        aligned = _greedy(scored)
    return aligned


def _greedy(scored):
    scored.sort(key=lambda item: (-item[0], len(item[1]) + len(item[2])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    aligned = []
    for similarity, qi, cj, rule in scored:
        if used_q.isdisjoint(qi) and used_c.isdisjoint(cj):
            used_q.update(qi)
            used_c.update(cj)
            aligned.append((qi, cj, similarity, rule))
    return aligned


def _needs_compounds(aligned, nq: int, nc: int) -> bool:
    matched_q = sum(len(qi) for qi, _, _, _ in aligned)
    matched_c = sum(len(cj) for _, cj, _, _ in aligned)
    return matched_q < nq or matched_c < nc or any(s < 0.9 for _, _, s, _ in aligned)


def _compound_pairs(query: PreparedName, candidate: PreparedName):
    """One token of a name against several adjacent tokens of the other written as one word,
    or against their initials (an acronym)."""
    out = []
    for start, end, joined in candidate.joins:
        for i, qp in enumerate(query.parts):
            similarity, _rule = part_similarity(qp, joined)
            if similarity >= _COMPOUND_SIMILARITY:
                out.append((similarity, (i,), tuple(range(start, end)), "compound"))
    for start, end, joined in query.joins:
        for j, cp in enumerate(candidate.parts):
            similarity, _rule = part_similarity(joined, cp)
            if similarity >= _COMPOUND_SIMILARITY:
                out.append((similarity, tuple(range(start, end)), (j,), "compound"))
    out.extend(_acronym_pairs(query, candidate, flipped=False))
    out.extend(_acronym_pairs(candidate, query, flipped=True))
    return out


def _acronym_pairs(short: PreparedName, long: PreparedName, *, flipped: bool):
    """A token of ``short`` that spells the initials of a run of tokens of ``long``."""
    out = []
    if len(long.acronym) < 2:
        return out
    for i, part in enumerate(short.parts):
        text = part.text
        if part.legal or not 2 <= len(text) <= 6 or not text.isalpha():
            continue
        start = long.acronym.find(text)
        if start < 0:
            continue
        plain = [j for j, legal in enumerate(long.legal) if not legal]
        run = tuple(plain[start: start + len(text)])
        if run != tuple(range(run[0], run[-1] + 1)):
            continue
        similarity = _ACRONYM_SIMILARITY[short.kind]
        out.append((similarity, run, (i,), "acronym") if flipped
                   else (similarity, (i,), run, "acronym"))
    return out


def score_prepared(
    query: PreparedName,
    candidate: PreparedName,
    *,
    token_weight: Callable[[str], float] | None = None,
) -> NameScore:
    """Score two prepared names: weighted token alignment with costs for unmatched tokens.

    Each query token is aligned with at most one candidate token (greedy, most similar pair
    first; two adjacent tokens may align with one compound token). Aligned pairs contribute
    their similarity; tokens left unmatched on both sides are conflicts and cost their full
    weight; tokens present on one side only (a missing middle name) cost less, unless the names
    share a single token, which is weak evidence on its own. ``token_weight`` gives rarer
    tokens more weight (None: uniform).
    """
    nq, nc = len(query.parts), len(candidate.parts)
    if nq == 0 or nc == 0:
        return NameScore(0.0, (), "no comparable name parts")
    aligned = _align(query, candidate)
    wq = _weights(query, token_weight)
    wc = _weights(candidate, token_weight)
    matched = total = 0.0
    used_q: set[int] = set()
    used_c: set[int] = set()
    for qi, cj, similarity, _rule in aligned:
        weight = sum(wq[i] for i in qi) + sum(wc[j] for j in cj)
        matched += weight * similarity
        total += weight
        used_q.update(qi)
        used_c.update(cj)
    legal_q = sum(w for i, w in enumerate(wq) if i not in used_q and query.legal[i])
    legal_c = sum(w for j, w in enumerate(wc) if j not in used_c and candidate.legal[j])
    unmatched_q = sum(w for i, w in enumerate(wq) if i not in used_q) - legal_q
    unmatched_c = sum(w for j, w in enumerate(wc) if j not in used_c) - legal_c
    strong = sum(1 for qi, _, s, _ in aligned if s >= 0.85 and not query.parts[qi[0]].initial)
    omission_cost = _OMISSION_COST if strong >= 2 else _WEAK_OMISSION_COST
    if unmatched_q and unmatched_c:
        total += unmatched_q + unmatched_c
    else:
        total += omission_cost * (unmatched_q + unmatched_c)
    total += _OMISSION_COST * (legal_q + legal_c)  # legal forms are often left out
    score = matched / total if total else 0.0
    order = sorted((qi[0], cj[0]) for qi, cj, _, _ in aligned)
    crossings = sum(
        1 for a in range(len(order)) for b in range(a + 1, len(order)) if order[a][1] > order[b][1]
    )
    if crossings:
        score -= _ORDER_PENALTY * crossings / max(1, len(order) - 1)
        if _filiation_swapped(query, candidate, order):
            score -= _FILIATION_SWAP_PENALTY
    if all(p.initial for p in query.parts) or all(p.initial for p in candidate.parts):
        score = min(score, _INITIALS_ONLY_CAP)
    score = min(1.0, max(0.0, score))
    return NameScore(round(score, 4), *_explain(query, candidate, aligned, crossings))


def _filiation_swapped(query: PreparedName, candidate: PreparedName, order) -> bool:
    """True when two aligned tokens are on opposite sides of "bin" in the two names."""
    qs, cs = query.segments, candidate.segments
    for a in range(len(order)):
        for b in range(a + 1, len(order)):
            (qa, ca), (qb, cb) = order[a], order[b]
            if qs[qa] < qs[qb] and cs[ca] > cs[cb]:
                return True
    return False


def _explain(query, candidate, aligned, crossings) -> tuple[tuple[TokenMatch, ...], str]:
    by_query = {}
    for qi, cj, similarity, rule in aligned:
        q_text = " ".join(query.tokens[i] for i in qi)
        c_text = " ".join(candidate.tokens[j] for j in cj)
        by_query[qi[0]] = TokenMatch(q_text, c_text, round(similarity, 3), rule)
        for i in qi[1:]:
            by_query[i] = None
    matches = []
    parts = []
    for i, token in enumerate(query.tokens):
        match = by_query.get(i, TokenMatch(token, None, 0.0, "unmatched"))
        if match is None:
            continue
        matches.append(match)
        if match.candidate is None:
            parts.append(f"'{match.query}' has no counterpart")
        elif match.rule == "exact":
            parts.append(f"'{match.query}'='{match.candidate}' (exact)")
        else:
            rule = match.rule.replace("-", " ")
            parts.append(f"'{match.query}'≈'{match.candidate}' ({rule} {match.similarity:.2f})")
    used_c = {j for _, cj, _, _ in aligned for j in cj}
    extra = [token for j, token in enumerate(candidate.tokens) if j not in used_c]
    if extra:
        parts.append("candidate only: " + ", ".join(f"'{token}'" for token in extra))
    if crossings:
        parts.append("name parts in a different order")
    return tuple(matches), "; ".join(parts)


def compare_names(a: str, b: str, *, kind: str = "person") -> float:
    """Similarity in [0, 1] of two names under ``ALGORITHM``.

    >>> compare_names("Mohammed bin Salman", "Muhammad bin Salman") >= DEFAULT_THRESHOLD
    True
    """
    return score_prepared(prepare_name(a, kind=kind), prepare_name(b, kind=kind)).score
