"""Unicode clean-up that runs before anything else looks at a name.

Hostile input must never be a way to evade a match: zero-width characters, bidi controls,
compatibility forms (full-width letters, ligatures) and mixed-script look-alikes are all reduced
to one canonical spelling here, so every later step sees the same text for the same name.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "fold_homoglyphs", "script_of", "dominant_script", "strip_marks"]

# Letters of other scripts that render like a Latin letter. Used only inside a name whose dominant
# script is Latin, where a Cyrillic "а" is an evasion (or a copy-paste accident), not Russian.
_CONFUSABLE_TO_LATIN = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ζ": "z",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n",
}

# Separators that carry no letters: hyphens of all kinds, slashes, dots and brackets become spaces.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_/\\.,;:()\[\]{}\"“”«»|+*#~·・‧•&]+")
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# Apostrophe-like marks (ayn, hamza, quotes) are dropped so that "Ba'asyir" == "Baasyir".
_APOSTROPHES = re.compile(r"['`´‘’‛′ʹʻʼʽʾʿˈˊˋ˴ʺ″]")


def script_of(char: str) -> str:
    """Name of the writing system of one character ("Latin", "Arabic", ...; "Other" if none)."""
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code < 0x1F00:
        return "Latin" if char.isalpha() else "Other"
    if 0x370 <= code < 0x400 or 0x1F00 <= code < 0x2000:
        return "Greek"
    if 0x400 <= code < 0x530 or 0x1C80 <= code < 0x1C90 or 0x2DE0 <= code < 0x2E00 \
            or 0xA640 <= code < 0xA6A0:
        return "Cyrillic"
    if 0x530 <= code < 0x590:
        return "Armenian"
    if 0x590 <= code < 0x600 or 0xFB1D <= code < 0xFB50:
        return "Hebrew"
    if 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0x8A0 <= code < 0x900 \
            or 0xFB50 <= code < 0xFE00 or 0xFE70 <= code < 0xFF00:
        return "Arabic"
    if 0x10A0 <= code < 0x1100:
        return "Georgian"
    if 0x1100 <= code < 0x1200 or 0x3130 <= code < 0x3190 or 0xAC00 <= code < 0xD7B0:
        return "Hangul"
    if 0x3040 <= code < 0x3100:
        return "Kana"
    if 0x4E00 <= code < 0xA000 or 0x3400 <= code < 0x4DC0 or 0x20000 <= code < 0x2FA20 \
            or 0xF900 <= code < 0xFB00:
        return "Han"
    if 0x900 <= code < 0xE00:
        return "Indic"
    if 0xE00 <= code < 0xE80:
        return "Thai"
    return "Other"


def dominant_script(text: str) -> str:
    """The script that most letters of ``text`` belong to ("Latin" for a name without letters)."""
    if text.isascii():
        return "Latin"
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = script_of(char)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "Latin"
    return max(counts.items(), key=lambda item: item[1])[0]


def strip_marks(text: str) -> str:
    """Remove combining marks (accents, Arabic harakat) after canonical decomposition.

    Hangul is recomposed afterwards, because NFD splits its syllables into jamo which are not
    marks and must stay together for romanisation.
    """
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", kept)


def _is_invisible(char: str) -> bool:
    # Cf = format characters: zero-width space/joiners, bidi embeddings and isolates, soft hyphen,
    # Arabic tatweel is Lm but pure decoration, so it goes too.
    return unicodedata.category(char) in ("Cf", "Cc", "Mn", "Me") or char == "\u0640"


def fold_homoglyphs(token: str) -> str:
    """Map look-alike Cyrillic/Greek letters in a mainly-Latin token to the Latin letters."""
    if not any(char in _CONFUSABLE_TO_LATIN for char in token):
        return token
    return "".join(_CONFUSABLE_TO_LATIN.get(char, char) for char in token)


# Letters whose diacritic is a whole sound in Slavic and Baltic transliterations (Olegovič is
# Olegovich, not Olegovic); mapped before the marks are stripped.
_DIGRAPH_LETTERS = str.maketrans({"č": "ch", "Č": "ch", "š": "sh", "Š": "sh", "ž": "zh",
                                  "Ž": "zh", "ć": "ch", "Ć": "ch", "ǩ": "k"})


def clean_text(text: str) -> str:
    """Canonical, lower-case, mark-free text with single spaces between words.

    NFKC first (full-width letters, ligatures, presentation forms of Arabic letters), then
    invisible characters and combining marks are removed, apostrophes dropped, and every kind of
    separator becomes one space. Letters of every script are kept: transliteration comes later.
    """
    if text.isascii():
        # Fast path for most list names: nothing to decompose, only control characters to drop.
        text = _ASCII_CONTROLS.sub("", text)
    else:
        text = unicodedata.normalize("NFKC", text).translate(_DIGRAPH_LETTERS)
        text = strip_marks(text)
        text = "".join(char for char in text if not _is_invisible(char))
    text = _APOSTROPHES.sub("", text)
    text = text.casefold()
    text = _SEPARATORS.sub(" ", text)
    return text.strip()
