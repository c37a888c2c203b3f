"""Readable explanations of a name comparison, for reviewers (never for logs: they hold names)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TokenMatch", "explain", "token_matches"]


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """How one query token was matched (``candidate`` is None when nothing matched it)."""

    query: str
    candidate: str | None
    similarity: float
    rule: str


def token_matches(query_tokens, candidate_tokens, alignment) -> tuple[TokenMatch, ...]:
    """One entry per query token, or per run of query tokens matched as one compound."""
    by_query: dict[int, TokenMatch | None] = {}
    for qi, cj, similarity, rule in alignment:
        q_text = " ".join(query_tokens[i] for i in qi)
        c_text = " ".join(candidate_tokens[j] for j in cj)
        by_query[qi[0]] = TokenMatch(q_text, c_text, round(similarity, 3), rule)
        for i in qi[1:]:
            by_query[i] = None
    out = []
    for i, token in enumerate(query_tokens):
        match = by_query.get(i, TokenMatch(token, None, 0.0, "unmatched"))
        if match is not None:
            out.append(match)
    return tuple(out)


def explain(matches, candidate_tokens, alignment, crossings: int) -> str:
    """E.g. "'mohammed'≈'muhammad' (equivalent name 0.95); 'salman'='salman' (exact)"."""
    if not matches and not candidate_tokens:
        return "no comparable name parts"
    parts = []
    for match in matches:
        if match.candidate is None:
            parts.append(f"'{match.query}' has no counterpart")
        elif match.rule == "exact":
            parts.append(f"'{match.query}'='{match.candidate}' (exact)")
        else:
            rule = match.rule.replace("-", " ")
            parts.append(f"'{match.query}'≈'{match.candidate}' ({rule} {match.similarity:.2f})")
    used = {j for _, cj, _, _ in alignment for j in cj}
    extra = [token for j, token in enumerate(candidate_tokens) if j not in used]
    if extra:
        parts.append("candidate only: " + ", ".join(f"'{token}'" for token in extra))
    if crossings:
        parts.append("name parts in a different order")
    return "; ".join(parts) or "no comparable name parts"
