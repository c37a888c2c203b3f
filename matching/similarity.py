"""Similarity of two name tokens, by the most specific rule that applies.

Rules, strongest first: exact; same folded spelling (transliteration); same equivalent-name
group (Mohammed / Muhammad / محمد); an initial; a kunya against the name it is built on (Abu
Hamza / Hamza, weaker); same consonants across an abjad script; same skeleton within an edit
or two (transliteration); otherwise a typo score from Jaro-Winkler and
the edit distance on the folded spellings relative to their length, so that one slip of the
pen matches but merely similar names (Ghazali / Ghamari) do not.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, Indel, Levenshtein

from matching.abjad import abjad_similarity
from matching.equivalents import groups_of, table_key
from matching.organisations import LEGAL_FAMILY
from matching.tokens import abjad_key, fold, skeleton, syllabic_key

__all__ = ["Part", "make_part", "part_similarity"]


class Part(NamedTuple):
    """Everything the scorer needs about one token, computed once in ``prepare_name``."""

    text: str
    folded: str
    key: str
    abjad_key: str
    syllabic_key: str
    writing: str
    initial: bool
    legal: bool
    groups: frozenset[int]
    native: str = ""  # the Hangul syllable the token was read from (see RawToken)


def make_part(text: str, *, writing: str, initial: bool, legal: bool = False,
              native: str = "") -> Part:
    """Precompute the folded spelling, keys and equivalence groups of a canonical token.

    Memoised: list names repeat the same tokens endlessly, and a ``Part`` is immutable.
    """
    return _make_part(text, writing, initial, legal, native)


@lru_cache(maxsize=262_144)
def _make_part(text: str, writing: str, initial: bool, legal: bool, native: str) -> Part:
    folded = fold(text)
    return Part(text, folded, skeleton(folded), abjad_key(folded), syllabic_key(folded),
                writing, initial, legal, groups_of(table_key(folded, writing)), native)


def same_token(q: Part, c: Part) -> bool:
    """The same canonical token, and not two Hangul syllables that merely read alike."""
    return q.text == c.text and (q.native == c.native or not q.native or not c.native)


# First letters that transliteration systems swap (Yulia / Julia / Iulia, Qadhafi / Gadhafi).
_EQUIVALENT_INITIALS = frozenset({"ij", "ji", "kg", "gk", "hk", "kh", "uv", "vu", "ck", "kc",
                                  "ia", "ai", "iu", "ui", "au", "ua"})
# ... and those an initial standing for a name may differ by (Y. / J. / I. for Yulia, Y. / E.
# for Yevgeny, K. / Q.): no plain vowel swaps, an initial U. is not an A.
_INITIAL_SWAPS = frozenset({"ij", "ji", "iy", "yi", "jy", "yj", "ey", "ye", "kg", "gk", "hk",
                            "kh", "kq", "qk", "ck", "kc", "uv", "vu"})
# An Arabic article written attached to the word ("Alzawahiri", "Elsayed").
_ARTICLE_PREFIXES = frozenset({"al", "il", "ul"})

_KNOWN_DISTINCT_FACTOR = 0.85
_MIN_SKELETON_FOR_VOWEL_SLIPS = 2
_SHORT_NAME_LENGTH = 3
# "Abu Hamza" against "Hamza": lists give a kunya as an alias of the man named in it often
# enough that the pair must still match, but it is a name of its own (the father of Hamza), so
# the pair is weaker than a rendering: with another token on one side only it falls below the
# default threshold (Abu Ruben / Ruben Liu). The "abd" prefix dropped is a stronger change.
_KUNYA_SIMILARITY = 0.87
_KUNYA_PREFIXES = ("abu", "umm")  # canonical forms (see matching.tokens._join_kunya)
_KUNYA_MIN_REST = 3


def _kunya_split(text: str) -> tuple[str, str] | None:
    """("abu", "hamza") for the kunya token "abuhamza"; None for any other token."""
    for prefix in _KUNYA_PREFIXES:
        if text.startswith(prefix) and len(text) >= len(prefix) + _KUNYA_MIN_REST:
            return prefix, text[len(prefix):]
    return None


def _kunya_similarity(q: Part, c: Part) -> tuple[float, str] | None:
    """Kunya tokens are compared by the names they are built on: "Abu Ahmad" and "Abu Mahmud"
    are as different as Ahmad and Mahmud (joined, the longer strings would pass for a typo);
    a kunya against a plain name counts as the name it contains, weakened."""
    qk, ck = _kunya_split(q.text), _kunya_split(c.text)
    if not (qk or ck):
        return None
    if qk and ck:
        if qk[0] != ck[0]:
            return 0.0, "unmatched"  # father of X, mother of Y
        return _rest_similarity(_rest_part(q, qk[1]), _rest_part(c, ck[1]))
    if qk:
        similarity, _rule = _rest_similarity(_rest_part(q, qk[1]), c)
    else:
        similarity, _rule = _rest_similarity(q, _rest_part(c, ck[1]))
    return _KUNYA_SIMILARITY * similarity, "kunya"


def _rest_similarity(q: Part, c: Part) -> tuple[float, str]:
    return (1.0, "exact") if same_token(q, c) else _similarity(q, c)


def _rest_part(part: Part, rest: str) -> Part:
    return make_part(rest, writing=part.writing, initial=False)

_cache: dict[tuple[str, str, bool, str, str, str, bool, str], tuple[float, str]] = {}
_CACHE_LIMIT = 500_000


def part_similarity(q: Part, c: Part) -> tuple[float, str]:
    """Similarity in [0, 1] of two tokens and the name of the rule that gave it."""
    if same_token(q, c):
        return 1.0, "exact"
    # Text, writing, legal flag and native syllable determine everything else about a token
    # (initial = length 1).
    cache_key = (q.text, q.writing, q.legal, q.native, c.text, c.writing, c.legal, c.native)
    found = _cache.get(cache_key)
    if found is None:
        found = _similarity(q, c)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()  # a bounded memo, not an LRU: cheap and good enough for hot tokens
        _cache[cache_key] = found
    return found


def _similarity(q: Part, c: Part) -> tuple[float, str]:
    similarity, rule = _rule_similarity(q, c)
    if rule == "typo" and q.groups and c.groups:
        # Both are names the table knows, and it never saw them as one name: two real names
        # that happen to look alike (Hamid / Hamad), not two renderings of one.
        similarity *= _KNOWN_DISTINCT_FACTOR
    return similarity, rule


def _rule_similarity(q: Part, c: Part) -> tuple[float, str]:
    if q.native and c.native:
        # Both written in Hangul: the syllables are compared, not their merged readings.
        return _hangul_similarity(q.native, c.native), "hangul-syllable"
    if q.writing == c.writing == "syllabic":
        # Both written in Han (or Kana): the readings come from the characters by one fixed
        # table, so different readings are different characters (习近朋 / 习近平), never a
        # spelling variant; a reading or two apart is at most a near miss.
        distance = Levenshtein.distance(q.text, c.text, score_cutoff=3)
        return (0.6 if distance <= 2 else 0.0), "other-characters"
    qf, cf = q.folded, c.folded
    if q.legal or c.legal:
        if q.legal and c.legal and LEGAL_FAMILY.get(q.text, q.text) == LEGAL_FAMILY.get(c.text):
            return 0.9, "legal-form"
        return 0.0, "unmatched"
    if q.initial or c.initial:
        if q.initial and c.initial:
            return (1.0, "exact") if qf[:1] == cf[:1] else (0.0, "unmatched")
        # By the written first letter: folding merges all vowels (e, i, y fold to i), so
        # only the letters transliteration systems swap meet (Y. / J. / I. for Yulia, Y. / E.
        # for Yevgeny, K. / Q.), and a lone letter of an abjad script (ي) meets its own letter
        # only: it does not stand for Evgeny.
        first = q.text[:1] + c.text[:1]
        if first[0] == first[1] or (first in _INITIAL_SWAPS
                                    and "abjad" not in (q.writing, c.writing)):
            return 0.8, "initial"
        return 0.0, "unmatched"
    kunya = _kunya_similarity(q, c)
    if kunya is not None:
        return kunya
    if qf == cf:
        return 0.97, "transliteration"
    if q.groups and not q.groups.isdisjoint(c.groups) and (
        q.writing != c.writing or Levenshtein.normalized_similarity(q.key, c.key) >= 0.3
    ):
        # The sanity check drops links between names that share no consonant at all (a
        # name item's cognates or nicknames, Barack / Hussein), which are not renderings.
        return 0.95, "equivalent-name"
    if q.writing != c.writing:
        # Spellings of different kinds (unvocalised, syllabic, alphabetic): only the order of
        # consonant classes can be compared.
        if "syllabic" in (q.writing, c.writing):
            if q.syllabic_key == c.syllabic_key:
                return 0.92, "transliteration"
            # Transcription drops and adds consonants (final r, l, n) more than it swaps them.
            return 0.92 * Indel.normalized_similarity(q.syllabic_key, c.syllabic_key), \
                "transliteration"
        if "full" in (q.writing, c.writing):
            # An abjad spelling against a Latin one: letter by letter (matching.abjad), since
            # consonant classes alone match far too much (الغامدي / Committee).
            abjad, full = (q, c) if q.writing == "abjad" else (c, q)
            return 0.92 * abjad_similarity(abjad.text, full.text), "transliteration"
        if q.abjad_key == c.abjad_key:
            return 0.92, "transliteration"
        return 0.92 * Levenshtein.normalized_similarity(q.abjad_key, c.abjad_key), \
            "transliteration"
    qt, ct = q.text, c.text
    lqf, lcf, lqt, lct = len(qf), len(cf), len(qt), len(ct)
    folded_gap, text_gap = abs(lqf - lcf), abs(lqt - lct)
    if folded_gap > 3 and text_gap > 3 and lqt + lct < 24:
        return 0.3, "typo"  # more than three letters apart: not a slip of the pen
    if not folded_gap and qf[1:] == cf[1:] and qf[:1] + cf[:1] in _EQUIVALENT_INITIALS \
            and lqf > _SHORT_NAME_LENGTH:  # in a name of three letters (Ali / Uli) it is the name
        return 0.93, "transliteration"
    if folded_gap in (2, 3) or text_gap in (2, 3):
        prefix = _dropped_prefix(qf, cf) or _dropped_prefix(qt, ct)
        if prefix:
            return (0.93, "article") if prefix != "abd" else (0.85, "abd-prefix")
    distance = Levenshtein.distance(qf, cf, score_cutoff=3)
    # Same consonants, a vowel or two apart: a transliteration, if the consonants say enough.
    # A skeleton of one consonant (Ali / Oleh: "l") leaves the vowels to tell the names apart.
    if distance <= 2 and q.key == c.key and len(q.key) >= _MIN_SKELETON_FOR_VOWEL_SLIPS \
            and distance <= (1 if max(lqf, lcf) <= 7 else 2):
        return 0.93, "transliteration"
    if distance >= 2:
        # Optimal string alignment: a swapped pair of letters (Donlad) is one slip, not two.
        distance = min(distance, OSA.distance(qf, cf, score_cutoff=3))
        if distance >= 2 and (qt != qf or ct != cf):
            distance = min(distance, OSA.distance(qt, ct, score_cutoff=3))
    return _typo_similarity(distance, max(lqf, lcf, lqt, lct)), "typo"


def _dropped_prefix(a: str, b: str) -> str:
    """The article or "abd" that one token carries and the other lacks, if that is all."""
    extra = len(a) - len(b)
    if extra < 0:
        a, b, extra = b, a, -extra
    if extra not in (2, 3) or len(b) < 3 or not a.endswith(b):
        return ""
    prefix = a[:extra]
    return prefix if prefix in ("al", "il", "ul", "abd") else ""


def _typo_similarity(distance: int, longest: int) -> float:
    """One edit is a typo in any name of four letters or more; two only in a long name."""
    if distance == 0:
        return 0.97
    if distance == 1:
        return 0.9 if longest >= 5 else 0.85 if longest == 4 else 0.6
    if distance == 2:
        return 0.8 if longest >= 9 else 0.72 if longest >= 7 else 0.5 if longest >= 5 else 0.3
    return max(0.0, 0.6 - 0.1 * (distance - 3)) if longest >= 12 else 0.3


def _jamo(syllable: str) -> tuple[int, int, int]:
    """Initial consonant, vowel and final consonant of a Hangul syllable."""
    code = ord(syllable) - 0xAC00
    initial, rest = divmod(code, 588)
    vowel, final = divmod(rest, 28)
    return initial, vowel, final


def _hangul_similarity(a: str, b: str) -> float:
    """Two different Hangul syllables are two different name parts; one letter apart (정 / 종)
    is only a near miss (a slip of the keyboard, or another name)."""
    if a == b:
        return 1.0
    if not (0xAC00 <= ord(a) < 0xAC00 + 11172 and 0xAC00 <= ord(b) < 0xAC00 + 11172):
        return 0.0
    same = sum(x == y for x, y in zip(_jamo(a), _jamo(b), strict=True))
    return 0.6 if same == 2 else 0.0
