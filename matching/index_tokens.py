"""What the index needs to know about the name engine's prepared names and tokens.

The index stores names as interned token records (see ``matching.index_store``); these helpers
find the per-token fields of ``PreparedName``, read facts from a token record (its equivalence
groups, folded spelling, weight factor), and rebuild what is not stored (``LazyJoins``). They
read the name engine's values by attribute, so fields it adds later do not break the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from matching.names import PreparedName, prepare_name
from matching.similarity import make_part

__all__ = [
    "LazyJoins",
    "deletions",
    "folded_spelling",
    "joins_rule_holds",
    "part_in",
    "per_token_fields",
    "token_factor",
    "token_groups",
    "groups_in",
    "without_article",
]


def per_token_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split ``PreparedName``'s fields into per-name ones and per-token tuples.

    Found by probing names of two and five tokens, so per-token fields the name engine adds
    later are stored without changes here.
    """
    probes = [prepare_name("Abcd Efgh"), prepare_name("Abcd Efgh Ijkl Mnop Qrst")]
    per_token, per_name = [], []
    for field in fields(PreparedName):
        if all(isinstance(getattr(p, field.name), tuple)
               and len(getattr(p, field.name)) == len(p.tokens) for p in probes):
            per_token.append(field.name)
        else:
            per_name.append(field.name)
    return tuple(per_name), tuple(per_token)


class LazyJoins(Sequence):
    """``PreparedName.joins`` rebuilt only when the scorer reads them.

    Joins (adjacent tokens written as one word) are unique to each name, so storing them for a
    million names would cost gigabytes; the scorer reads them only for names that do not align
    token by token. They are rebuilt from the parts by the rule of ``prepare_name`` (spans of two
    and three tokens, a legal form only at the end). ``joins_rule_holds`` checks that rule
    against the name engine when a store is created; if the engine has changed, joins are
    rebuilt by preparing the original name again (slower, always right).
    """

    __slots__ = ("_parts", "_original", "_kind", "_joins")

    def __init__(self, parts: tuple, original: str | None = None, kind: str = "person") -> None:
        self._parts = parts
        self._original = original
        self._kind = kind
        self._joins: tuple | None = None

    def _built(self) -> tuple:
        if self._joins is None:
            if self._original is not None:
                self._joins = tuple(prepare_name(self._original, kind=self._kind).joins)
            else:
                self._joins = _joins_from_parts(self._parts)
        return self._joins

    def __len__(self) -> int:
        return len(self._built())

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _joins_from_parts(parts: tuple) -> tuple:
    return tuple(
        (start, start + size, _joined_part(
            "".join(p.text for p in parts[start: start + size]), parts[start].writing))
        for size in (2, 3)
        for start in range(len(parts) - size + 1)
        if not any(p.legal for p in parts[start: start + size - 1])
    )


_JOINS_PROBES = (("person", "Abd al Rahman Yasin Ahmad"), ("person", "J R Smith"),
                 ("organisation", "Bank Melli Iran Joint Stock Company"),
                 ("organisation", "LLC Alpha Beta Gamma"), ("person", "أسامة بن لادن"))


def joins_rule_holds() -> bool:
    """Whether ``_joins_from_parts`` reproduces the name engine's joins on probe names."""
    try:
        for kind, name in _JOINS_PROBES:
            prepared = prepare_name(name, kind=kind)
            if _joins_from_parts(prepared.parts) != tuple(prepared.joins):
                return False
    except (AttributeError, TypeError):
        return False
    return True


_JOINED_PART_CACHE: dict[tuple[str, str], object] = {}
_JOINED_PART_CACHE_LIMIT = 200_000


def _joined_part(text: str, writing: str):
    cache_key = (text, writing)
    part = _JOINED_PART_CACHE.get(cache_key)
    if part is None:
        if len(_JOINED_PART_CACHE) >= _JOINED_PART_CACHE_LIMIT:
            _JOINED_PART_CACHE.clear()
        part = _JOINED_PART_CACHE[cache_key] = make_part(text, writing=writing, initial=False)
    return part


def token_groups(name: PreparedName) -> tuple[frozenset[int], ...]:
    """The equivalence groups of each token of a prepared name (empty sets if none)."""
    parts = getattr(name, "parts", None)
    if parts:
        return tuple(getattr(p, "groups", None) or frozenset() for p in parts)
    groups = getattr(name, "groups", None)
    return tuple(groups) if groups else (frozenset(),) * len(name.tokens)


def groups_in(values: tuple) -> frozenset[int]:
    """Equivalence groups found among a token record's values (a Part's ``groups``)."""
    for value in values:
        groups = getattr(value, "groups", None)
        if isinstance(groups, frozenset):
            return groups
    for value in values:
        if isinstance(value, frozenset):
            return value
    return frozenset()


def part_in(values: tuple):
    for value in values:
        if hasattr(value, "folded") and hasattr(value, "text"):
            return value
    return None


def folded_spelling(values: tuple, text_index: int) -> str:
    """The folded spelling among a token record's values (a Part's ``folded``), else its text."""
    for value in values:
        folded = getattr(value, "folded", None)
        if isinstance(folded, str):
            return folded
    return values[text_index]


# Arabic articles written attached to the word (Alzawahiri, Elsayed), folded, and the kunya
# words the name engine joins to the name that follows (Abuhamza, Ummhani: "um" once folded).
_ATTACHED_ARTICLES = ("al", "el", "il", "ul")
_KUNYA_PREFIXES = ("abu", "um")
MIN_BARE_LENGTH = 4
# Weight factors of tokens that say less than a full name part, as in names-v1.
INITIAL_FACTOR = 0.5
LEGAL_FORM_FACTOR = 0.3


def without_article(spelling: str) -> str:
    """The spelling without an attached article or kunya word, when what is left is still a
    name (Abu Hamza is found by Hamza, and the other way round)."""
    if spelling[:2] in _ATTACHED_ARTICLES and len(spelling) - 2 >= MIN_BARE_LENGTH:
        return spelling[2:]
    for prefix in _KUNYA_PREFIXES:
        if spelling.startswith(prefix) and len(spelling) - len(prefix) >= MIN_BARE_LENGTH:
            return spelling[len(prefix):]
    return spelling


def token_factor(values: tuple) -> float:
    """How much of a full token's weight a token record carries (initials, legal forms)."""
    factor = 1.0
    for value in values:
        if getattr(value, "initial", False) is True:
            factor *= INITIAL_FACTOR
        if getattr(value, "legal", False) is True:
            factor *= LEGAL_FORM_FACTOR
    return factor


def deletions(key: str) -> list[str]:
    """The strings one deletion away from ``key`` (symmetric-delete fuzzy lookup).

    Keys and folded spellings write doubled letters once, so a deletion that brings two equal
    letters together is collapsed the same way: 'muhamgmad' without its slip is 'muhamad',
    the folded Mohammad, not 'muhammad'.
    """
    out = []
    for i in range(len(key)):
        if 0 < i < len(key) - 1 and key[i - 1] == key[i + 1]:
            out.append(key[:i] + key[i + 2:])
        else:
            out.append(key[:i] + key[i + 1:])
    return out
