"""Token alignment of two prepared names: which token of one name renders which of the other.

Greedy one-to-one alignment, most similar pair first. When tokens are left over, adjacent
tokens written as one word on the other side (Abdel Aziz / Abdelaziz, 习近平 / Xi Jinping) and
acronyms (PLA / People's Liberation Army) are tried too. Kept apart from ``names`` so that
the scoring rules and the search for an alignment can be read separately.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from matching.similarity import part_similarity, same_token

if TYPE_CHECKING:
    from matching.names import PreparedName

__all__ = ["Aligned", "align"]

# (query token indexes, candidate token indexes, similarity, rule)
Aligned = tuple[tuple[int, ...], tuple[int, ...], float, str]

# Pairs less similar than this are not aligned at all.
MIN_PAIR_SIMILARITY = 0.7
# Below that, a leftover pair this similar is weak evidence, not a flat conflict: it counts for
# a fraction of its similarity (Hassan / Hussein still differ).
NEAR_MISS_SIMILARITY = 0.5
NEAR_MISS_CREDIT = 0.5
# A compound (two or three tokens against one) must be a near-certain rendering to be used;
# within one kind of script also at most one letter away once folded: two slips across a
# joined word are two words that merely look alike (Martin Aziz / Martinez).
COMPOUND_SIMILARITY = 0.88
COMPOUND_MAX_SLIPS = 1
# Initials standing for a whole name: usual for organisations (PLA), rarer for persons (JC).
ACRONYM_SIMILARITY = {"organisation": 0.9, "person": 0.8}


def align(query: PreparedName, candidate: PreparedName) -> list[Aligned]:
    """Best-first one-to-one alignment of the tokens of two names, compounds included."""
    scored = []
    near = []
    cparts = candidate.parts
    for i, qp in enumerate(query.parts):
        qtext, qlen, qgroups = qp.text, len(qp.folded), qp.groups
        plain = not (qp.initial or qp.legal)
        for j, cp in enumerate(cparts):
            if qtext == cp.text and same_token(qp, cp):
                scored.append((1.0, (i,), (j,), "exact"))
                continue
            if plain and qp.writing == cp.writing and not (cp.initial or cp.legal):
                gap = qlen - len(cp.folded)
                if (gap > 3 or gap < -3) and abs(len(qtext) - len(cp.text)) > 3 \
                        and len(qtext) + len(cp.text) < 24 and qgroups.isdisjoint(cp.groups):
                    continue  # the same early reject as similarity's, without a memo lookup
            similarity, rule = part_similarity(qp, cp)
            if similarity >= MIN_PAIR_SIMILARITY:
                scored.append((similarity, (i,), (j,), rule))
            elif similarity >= NEAR_MISS_SIMILARITY:
                near.append((similarity * NEAR_MISS_CREDIT, (i,), (j,), "near-miss"))
    aligned = _greedy(scored)
    # Tokens a compound may still claim: unmatched, or matched only weakly.
    open_q = set(range(len(query.parts)))
    open_c = set(range(len(cparts)))
    for qi, cj, similarity, _rule in aligned:
        if similarity >= 0.9:
            open_q.difference_update(qi)
            open_c.difference_update(cj)
    # (A name of one token has no joins: its ``joins`` is empty and never built.)
    # A compound or acronym uses several tokens on one side against one on the other, so it
    # can only help when one side has tokens left over to join and the other a token to meet
    # them: different numbers left over, or two or more on each side (Patr ushev against
    # Platonovich Patrushev).
    if open_q and open_c and (len(open_q) != len(open_c) or len(open_q) > 1) and (
        len(query.parts) > 1 or len(cparts) > 1
    ):
        extra = _compound_pairs(query, candidate, open_q, open_c)
        if extra:
            scored += extra
            aligned = _greedy(scored)
    if near:
        # Leftover tokens that are alike without being renderings of each other (Muserref /
        # Musharraf) are weak evidence rather than a flat conflict.
        used_q = {i for qi, _, _, _ in aligned for i in qi}
        used_c = {j for _, cj, _, _ in aligned for j in cj}
        near = [item for item in near if item[1][0] not in used_q and item[2][0] not in used_c]
        if near:
            aligned += _greedy(near)
    return aligned


def _greedy(scored: list) -> list[Aligned]:
    # Most similar first; among equals, the simpler pairing (fewer tokens) first.
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


def _joined_matches(singles, joins, open_singles, open_joined, *, single_is_query: bool) -> list:
    """Single tokens against runs of adjacent tokens of the other name written as one word."""
    out = []
    for start, end, joined in joins:
        if open_joined.isdisjoint(range(start, end)):
            continue
        jfirst, jsecond = joined.folded[:1], joined.folded[1:2]
        jlen, jwriting = len(joined.folded), joined.writing
        for i in open_singles:
            single = singles[i]
            # Cheap filter: similar length and the same first letter (give or take one elided
            # letter, 'Ndrangheta), unless the spellings come from different kinds of script.
            folded = single.folded
            if single.writing == jwriting and (
                (folded[:1] != jfirst and folded[1:2] != jfirst and jsecond != folded[:1])
                or 3 * abs(len(folded) - jlen) > len(folded) + jlen
            ):
                continue
            similarity, _rule = part_similarity(single, joined) if single_is_query \
                else part_similarity(joined, single)
            if similarity >= COMPOUND_SIMILARITY and (
                single.writing != jwriting or similarity >= 0.95
                or Levenshtein.distance(folded, joined.folded, score_cutoff=COMPOUND_MAX_SLIPS + 1)
                <= COMPOUND_MAX_SLIPS
            ):
                run = tuple(range(start, end))
                out.append((similarity, (i,), run, "compound") if single_is_query
                           else (similarity, run, (i,), "compound"))
    return out


def _compound_pairs(query: PreparedName, candidate: PreparedName, open_q: set[int],
                    open_c: set[int]) -> list:
    out = []
    # A compound needs its first letter on the other side (same kind of script only).
    mixed = query.writings != candidate.writings or len(query.writings) > 1
    if len(candidate.parts) > 1 and (
        mixed or not query.firsts.isdisjoint(candidate.join_firsts)
    ):
        out = _joined_matches(query.parts, candidate.joins, open_q, open_c, single_is_query=True)
    if len(query.parts) > 1 and (mixed or not candidate.firsts.isdisjoint(query.join_firsts)):
        out += _joined_matches(candidate.parts, query.joins, open_c, open_q,
                               single_is_query=False)
    if candidate.acronym and query.short_tokens:
        out.extend(_acronym_pairs(query, candidate, flipped=False))
    if query.acronym and candidate.short_tokens:
        out.extend(_acronym_pairs(candidate, query, flipped=True))
    return out


def _acronym_pairs(short: PreparedName, long: PreparedName, *, flipped: bool) -> list:
    """A token of ``short`` that spells the initials of a run of tokens of ``long``."""
    out: list = []
    if len(long.acronym) < 2:
        return out
    for i in short.short_tokens:
        text = short.parts[i].text
        start = long.acronym.find(text)
        if start < 0:
            continue
        plain = [j for j, legal in enumerate(long.legal) if not legal]
        run = tuple(plain[start: start + len(text)])
        if run != tuple(range(run[0], run[-1] + 1)):
            continue
        similarity = ACRONYM_SIMILARITY[short.kind]
        out.append((similarity, run, (i,), "acronym") if flipped
                   else (similarity, (i,), run, "acronym"))
    return out
