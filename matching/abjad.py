"""Names written in an abjad script (Arabic, Persian, Urdu, Hebrew) against Latin spellings.

An abjad writes consonants and long vowels only, so its romanisation (``matching.translit``) is
a skeleton: محمد is "mhmd". Comparing consonant *classes* alone (every k-like letter one class,
d and t one class, vowels ignored) matches far too much: الغامدي ("ghamdi") and "Committee" both
become k-m-d. Here the comparison is letter by letter instead: each letter the abjad spelling
does write must be rendered by one of the Latin spellings that letter really has (غ gh is
gh, g or r; ق q is q, k, g or c; ا a is a or e), in order. The short vowels the abjad does not
write are free on the Latin side; the long vowels it does write must be there.

``abjad_similarity`` is an edit distance over such units with these costs, scaled to [0, 1].
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["abjad_similarity"]

# Letters of the romanised abjad spelling, longest first.
_ABJAD_UNITS = ("kh", "gh", "sh", "th", "dh", "ch", "zh", "ts")
_LATIN_UNITS = ("dsch", "tsch", "sch", "dzh", "kh", "gh", "sh", "ch", "th", "dh", "ph", "ck",
                "dj", "zh", "ts", "tz", "ou", "oo", "ee", "ie", "aa", "ei", "ai")

# The Latin renderings of each letter an abjad spelling writes (cost 0).
_RENDERINGS: dict[str, frozenset[str]] = {
    key: frozenset(values.split()) for key, values in {
        "b": "b p", "p": "p b", "t": "t th", "th": "th s t ss", "j": "j g dj dsch dzh zh",
        "h": "h kh ch", "kh": "kh h ch x j k", "d": "d dh", "dh": "dh z d th", "r": "r",
        "z": "z s dh ts tz", "s": "s c z ts", "sh": "sh ch sch s x", "gh": "gh g r",
        "f": "f ph v", "q": "q k g c ck", "k": "k c ck q ch", "l": "l", "m": "m", "n": "n",
        "w": "w v u o ou oo", "y": "y i j ie ee", "ch": "ch tsch tch c", "zh": "zh j z g",
        "g": "g gh k", "v": "v f w", "ts": "ts tz z c",
        # Long vowels, as the abjad writes them: ا/ى/ة a, و u, ي i.
        "a": "a e aa ai ei", "u": "u o ou oo w", "i": "i e y ee ie ei ai",
    }.items()
}
# Renderings that are plausible but not the usual one (cost _NEAR): Turkish devoicing (Ahmet),
# a vowel letter heard as another (Mohamad for the u of Muhammad's Latin cousins).
_NEAR: frozenset[tuple[str, str]] = frozenset({
    ("d", "t"), ("t", "d"), ("q", "gh"), ("gh", "kh"), ("kh", "g"), ("s", "sh"), ("z", "j"),
    ("a", "o"), ("u", "a"), ("i", "a"), ("a", "i"), ("a", "u"),
})
_NEAR_COST = 0.5
_VOWELS = frozenset("aiu")
_LATIN_VOWELS = frozenset({"a", "e", "i", "o", "u", "y", "ou", "oo", "ee", "ie", "aa", "ei", "ai"})
# Leaving out what the abjad writes: a consonant costs a full edit; a long vowel less (Latin
# spellings shorten them: Mohamed Mustafa); h and a word-final ة/ى vowel least (Fatima).
_MISSING_CONSONANT = 1.0
_MISSING_VOWEL = 0.5
_MISSING_SOFT = 0.3
# Adding on the Latin side: short vowels are free (the abjad never writes them); an h after a
# vowel at the end is a spelling habit (Fatimah); any other consonant is a full edit.
_EXTRA_CONSONANT = 1.0
_EXTRA_H = 0.3


_ABJAD_PATTERN = re.compile("|".join(_ABJAD_UNITS) + "|.")
_LATIN_PATTERN = re.compile("|".join(_LATIN_UNITS) + "|.")


def _units(text: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Letters of a lower-case ASCII spelling, digraphs as one, doubled letters once."""
    out: list[str] = []
    for unit in pattern.findall(text):
        if not out or out[-1] != unit:
            out.append(unit)
    return tuple(out)


@lru_cache(maxsize=131_072)
def abjad_similarity(abjad: str, latin: str) -> float:
    """Similarity in [0, 1] of an abjad romanisation and a Latin spelling of a name.

    >>> abjad_similarity("ghamdi", "ghamidi") == 1.0
    True
    >>> abjad_similarity("ghamdi", "committee") < 0.6
    True
    """
    source = _units(abjad, _ABJAD_PATTERN)
    target = _units(latin, _LATIN_PATTERN)
    if not source or not target:
        return 0.0
    # A word-initial vowel letter (ا أ إ ع) only carries the vowel the Latin side writes, any
    # vowel: أسامة is Usama and Osama.
    carrier = source[0] in _VOWELS
    last = len(source) - 1
    missing = [
        0.0 if (i == 0 and carrier) else
        _MISSING_SOFT if (unit == "h" or (unit in _VOWELS and i == last)) else
        _MISSING_VOWEL if unit in _VOWELS else _MISSING_CONSONANT
        for i, unit in enumerate(source)
    ]
    extra = [
        0.0 if unit in _LATIN_VOWELS else
        _EXTRA_H if (unit == "h" and j == len(target) - 1) else _EXTRA_CONSONANT
        for j, unit in enumerate(target)
    ]
    previous = [0.0]
    for cost in extra:
        previous.append(previous[-1] + cost)
    for i, unit in enumerate(source):
        renderings = _RENDERINGS.get(unit, frozenset())
        lost = missing[i]
        vowel_carrier = i == 0 and carrier
        current = [previous[0] + lost]
        for j, other in enumerate(target):
            if other in renderings or (vowel_carrier and other in _LATIN_VOWELS):
                substitute = 0.0
            elif (unit, other) in _NEAR:
                substitute = _NEAR_COST
            else:  # never cheaper than leaving one out and adding the other
                substitute = lost + extra[j]
            current.append(min(previous[j] + substitute, previous[j + 1] + lost,
                               current[j] + extra[j]))
        previous = current
    weight = sum(_MISSING_VOWEL if u in _VOWELS else _MISSING_CONSONANT for u in source)
    return max(0.0, 1.0 - previous[-1] / max(weight, 1.0))
