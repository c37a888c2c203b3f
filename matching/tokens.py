"""From cleaned text to canonical name tokens, their folded spelling and skeleton keys.

Three forms of a token are used by the scorer:

* the *canonical* token: lower-case ASCII after romanisation, with particles, honorifics and
  legal forms handled (what a reviewer sees in an explanation);
* the *folded* spelling: transliteration-insensitive (kh/h, ou/u, dj/j, e/i, o/u, doubled
  letters...), so Mohammed and Muhamed fold to the same letters;
* the *skeleton*: consonant classes only, the key that blocks candidates and that compares an
  unvocalised (Arabic, Hebrew) romanisation with a vocalised Latin one.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from matching.normalize import clean_text, dominant_script, fold_homoglyphs, script_of
from matching.organisations import LEGAL_FAMILY, LEGAL_FORM, organisation_words
from matching.translit import ABJAD_SCRIPTS, romanize

__all__ = [
    "RawToken",
    "fold",
    "skeleton",
    "name_tokens",
    "LEGAL_FORM",
    "LEGAL_FAMILY",
    "abjad_key",
    "syllabic_key",
    "writing_of",
]

# Words that say who someone is, not what they are called.
_HONORIFICS = frozenset({
    "sheikh", "shaikh", "shaykh", "sheik", "cheikh", "shikh", "shaikha", "sheikha",
    "mullah", "mulla", "molla", "mollah", "maulana", "mawlana", "moulana", "maulvi", "mawlawi",
    "moulvi", "molvi", "maulawi", "mla", "qari", "hajji", "haji", "hadji", "hajj", "haj", "alhaj",
    "alhajj", "alhaji", "dr", "doctor", "dktur", "prof", "professor", "mr", "mrs", "ms", "miss",
    "mister", "sir", "madam", "general", "gen", "colonel", "col", "major", "maj", "captain",
    "capt", "lt", "lieutenant", "brigadier", "brig", "admiral", "adm", "sgt", "sergeant",
    "commander", "cmdr", "jr", "sr", "junior", "senior", "ii", "iii", "iv", "hon", "rev",
    "shri", "sri", "smt", "h.e", "his", "her", "excellency", "hrh", "prince", "emir",
    "president", "ayatollah", "ayatolla", "hojatoleslam", "hojjatoleslam", "chairman",
    "senator", "minister", "marshal", "judge",
})
# Definite articles (Arabic al- and its assimilated forms) and kinship words. They are kept out
# of the tokens that are scored: "Osama bin Laden" and "Usama Ladin" name the same man.
_ARTICLES = frozenset({"al", "el", "ul"})
_SUN_ARTICLES = frozenset({"ad", "an", "ar", "as", "ash", "at", "az", "ath", "adh", "ud", "un",
                           "ur", "us", "uz", "ut", "ush", "ed", "en", "er", "es", "et", "ez"})
# "Abu X" / "Umm X" (father / mother of X) is a kunya: a name of its own, not the name X. Its two
# words are written as one token ("abu bakr" = "abubakr"), so "Abu Ruben" does not become the
# name "Ruben", which every Ruben on a manifest would then match.
_KUNYA = {"abu": "abu", "abou": "abu", "abo": "abu", "aboo": "abu", "abul": "abu",
          "umm": "umm", "oum": "umm", "ummu": "umm"}
# "X bin Y": Y is X's father, so the order across these words tells two people apart.
_FILIATION = frozenset({"bin", "ibn", "ben", "bn", "abn", "ibnu", "bint", "binti", "bte", "bt",
                        "ould", "wuld", "walad", "bar"})
_BOUNDARY = "|"
_EUROPEAN_PARTICLES = frozenset({"de", "da", "di", "do", "dos", "das", "del", "della", "du",
                                 "van", "von", "der", "den", "ter", "ten", "la", "le", "zu"})
# Abbreviations that stand for one specific name.
_ABBREVIATIONS = {"mohd": "muhammad", "md": "muhammad", "muhd": "muhammad", "mhd": "muhammad",
                  "mohamad": "muhammad", "moh": "muhammad", "mohd.": "muhammad"}

class RawToken(NamedTuple):
    """A canonical token and what the scorer must know about where it came from."""

    text: str
    writing: str = "full"  # "abjad": no short vowels written; "syllabic": Han/Kana transcription
    initial: bool = False  # a single letter standing for a name
    legal: bool = False  # an organisation's legal form (LLC, GmbH, ...)
    segment: int = 0  # how many kinship particles (bin, ibn, ould) precede it
    # The Hangul syllable a token was read from: the romanisation merges syllables (정 and 종
    # both read "jong") that are different names when both sides are written in Hangul.
    native: str = ""


# Order matters: longer spellings first. Several Latin transliteration systems of Cyrillic are
# brought together (German tsch/sch, Swedish tj/sj, Polish cz/sz, j for й and я/ю/е).
_FOLD_RULES = [
    (re.compile(r"tsch|tsh|tch|tj|cz"), "ch"), (re.compile(r"sch|sj|sz"), "sh"),
    (re.compile(r"dzh|dj|dsch|zj"), "j"),
    (re.compile(r"(?<=[bcdfgklmnprstvz])j(?=[aeiou])|^j(?=[eiou][a-z]*(?:vich|vna|ov|ev|in|ij)$)"),
     "y"),
    (re.compile(r"zh"), "j"), (re.compile(r"kh"), "h"), (re.compile(r"gh"), "g"),
    (re.compile(r"ph"), "f"), (re.compile(r"th"), "t"), (re.compile(r"dh"), "d"),
    (re.compile(r"ck|q"), "k"), (re.compile(r"c(?=[aoulr])"), "k"),
    (re.compile(r"(?<!^)x|^x(?=[aeo])"), "ks"),
    (re.compile(r"w"), "v"), (re.compile(r"gu(?=[ei])"), "g"),
    (re.compile(r"ou|oo|uu"), "u"), (re.compile(r"ee"), "i"),
    (re.compile(r"(?<=[aeiouy])j(?![aeiou])"), "y"),
    (re.compile(r"(?<=...)h$"), ""),
    (re.compile(r"ey|ei|ay|ai"), "ai"),
    (re.compile(r"e"), "i"), (re.compile(r"o"), "u"), (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]
_SKELETON_RULES = [
    # ch and sh share a class: French and English spell one Arabic sound both ways (Bachir).
    (re.compile(r"ch|sh"), "s"), (re.compile(r"[aiu]"), ""),
    (re.compile(r"[kgq]"), "k"), (re.compile(r"[dt]"), "d"), (re.compile(r"[sz]"), "s"),
    (re.compile(r"[bp]"), "b"), (re.compile(r"[fv]"), "f"), (re.compile(r"(.)\1+"), r"\1"),
]


def fold(token: str) -> str:
    """Transliteration-insensitive spelling of a canonical token (see module docstring)."""
    for pattern, replacement in _FOLD_RULES:
        token = pattern.sub(replacement, token)
    return token


def skeleton(folded: str) -> str:
    """Consonant-class key of a folded token; the folded token itself if it has no consonant."""
    key = folded
    for pattern, replacement in _SKELETON_RULES:
        key = pattern.sub(replacement, key)
    return key or folded


# A consonant-only key for comparing an unvocalised (Arabic, Hebrew) romanisation with a Latin
# spelling: vowels and the glides w/y are dropped (Arabic writes و for o/u/w and ي for i/e/y),
# and consonants that Arabic script merges or renders one way are put in one class.
_ABJAD_KEY_RULES = [
    (re.compile(r"tsh|tch|ch|sh|ts"), "s"), (re.compile(r"[aeiouyw]"), ""),
    (re.compile(r"[kgqjc]"), "k"), (re.compile(r"[dt]"), "d"), (re.compile(r"[sz]"), "s"),
    (re.compile(r"[bp]"), "b"), (re.compile(r"[fv]"), "f"), (re.compile(r"(.)\1+"), r"\1"),
]


def abjad_key(folded: str) -> str:
    """Consonant classes of a folded token, for comparisons across an abjad script."""
    key = folded
    for pattern, replacement in _ABJAD_KEY_RULES:
        key = pattern.sub(replacement, key)
    return key or folded


# Han and Kana transcriptions of foreign names add vowels to every consonant (Crewson ->
# ke-lu-sen), merge r and l, and spell sibilants and affricates many ways (Wade-Giles hs/ch/ts,
# pinyin x/zh/c; j and q mostly render g/k before i): only the order of broad consonant
# classes survives.
_SYLLABIC_KEY_RULES = [
    (re.compile(r"tsh|tch|ch|sh|zh|hs|ts|dz|[xcz]"), "s"), (re.compile(r"ng"), "n"),
    (re.compile(r"[jq]"), "k"),
    (re.compile(r"[aeiouyw]"), ""), (re.compile(r"[kg]"), "k"), (re.compile(r"[dt]"), "d"),
    (re.compile(r"[bp]"), "b"), (re.compile(r"[fv]"), "f"), (re.compile(r"r"), "l"),
    (re.compile(r"(.)\1+"), r"\1"),
]


def syllabic_key(folded: str) -> str:
    """Consonant classes of a folded token, for comparisons with a Han or Kana transcription."""
    key = folded
    for pattern, replacement in _SYLLABIC_KEY_RULES:
        key = pattern.sub(replacement, key)
    return key or folded


# Second elements of theophoric and "of the faith" compounds, written apart or joined:
# Salah al-Din / Salahuddin / Salah Eddine, Ehsan Ullah / Ehsanullah / احسان الله.
_DIN_WORDS = frozenset({"din", "deen", "dine", "ddin", "uddin", "eddin", "eddine", "edine", "addin",
                        "aldin", "uldin", "udin", "edin", "idin", "iddin", "ud", "d"})
_ALLAH_WORDS = frozenset({"allah", "ullah", "ulla", "alla", "lah", "llah", "lh", "llh", "ollah",
                          "olla", "ullahi", "illah"})
_DIN_SUFFIX = re.compile(r"(?<=..)(?:[aeiou]+(?:l|d(?=d)))?d+(?:in|een|ine)$")
_ALLAH_SUFFIX = re.compile(r"(?<=...)(?:[auo]ll(?:ah|a|ahi)|[aeiou]?lah)$")


def _join_compounds(words: list[str]) -> list[str]:
    """Join "X al-Din" and "X Allah" compounds and give both one canonical ending."""
    out: list[str] = []
    for word in words:
        if word == _BOUNDARY:
            out.append(word)
        elif out and out[-1] != _BOUNDARY and len(out[-1]) >= 2 and (
            word in _DIN_WORDS or (word in _ALLAH_WORDS and not out[-1].startswith("abd"))
        ):
            out[-1] = out[-1] + ("din" if word in _DIN_WORDS else "lah")
        else:
            out.append(word)
    canonical = []
    for word in out:
        if len(word) > 5 and word != _BOUNDARY:
            word = _DIN_SUFFIX.sub("din", word)
            if not word.startswith("abd"):
                word = _ALLAH_SUFFIX.sub("lah", word)
            elif len(word) > 8:  # "abd" + a theophoric name: Abdul Saifullah
                word = "abd" + _ALLAH_SUFFIX.sub("lah", word[3:])
        canonical.append(word)
    return canonical


_ABD = re.compile(r"^abd(?:[aeiou]([lrsnztd]))?(.*)$")


def _join_abd(words: list[str]) -> list[str]:
    """Write every "abd al-X / abdul X / abdel X / abdulX / abdurrahman" as "abdX"."""
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        match = _ABD.match(word)
        if match and word not in ("abdi",):
            article, rest = match.group(1), match.group(2)
            if article and rest and rest[0] != article and article != "l":
                # "abdur" + "rahman" written with a vowel: the consonant was not an article.
                rest = article + rest
            if not rest and index + 1 < len(words) and words[index + 1] != _BOUNDARY:
                nxt = words[index + 1]
                index += 1
                if nxt in _ARTICLES | _SUN_ARTICLES and index + 1 < len(words):
                    nxt = words[index + 1]
                    index += 1
                elif nxt.startswith(("al", "el", "ul")) and len(nxt) > 4:
                    nxt = nxt[2:]
                rest = nxt
            out.append("abd" + rest)
        else:
            out.append(word)
        index += 1
    return out


def _join_kunya(words: list[str]) -> list[str]:
    """Write "abu X", "abou al-X", "umm X" as one token "abuX" / "ummX" (see ``_KUNYA``).

    A kinship word with nothing after it (a name ending in "Abu") is kept as it is.
    """
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        prefix = _KUNYA.get(word)
        following = words[index + 1] if index + 1 < len(words) else _BOUNDARY
        if prefix and following in _ARTICLES | _SUN_ARTICLES and index + 2 < len(words) \
                and words[index + 2] != _BOUNDARY:
            index += 1  # "abu al-walid": the article is not part of the name
            following = words[index + 1]
        if prefix and following != _BOUNDARY and following not in _KUNYA \
                and following not in _FILIATION:
            if following.startswith(("al", "el")) and len(following) > 4 and word != "abul":
                following = following[2:]  # "abu al-walid" written "abu alwalid"
            out.append(prefix + following)
            index += 2
            continue
        out.append(word)
        index += 1
    return out


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def writing_of(script: str) -> str:
    """How a script spells names: all sounds ("full"), consonants only, or by syllables."""
    if script in ABJAD_SCRIPTS:
        return "abjad"
    if script in ("Han", "Kana"):
        return "syllabic"
    return "full"


def _words(text: str, script: str) -> list[tuple[str, str, str]]:
    """Romanised words of a cleaned name, each with how its script spelled it and, for Hangul,
    the syllable it was read from."""
    out: list[tuple[str, str, str]] = []
    for position, word in enumerate(text.split()):
        if word.isascii():
            # Fast path: an ASCII word is Latin and needs no romanisation.
            spelled = _NOT_ALNUM.sub("", word)
            if spelled and (not spelled.isdigit() or word.isdigit()):
                out.append((spelled, "full", ""))
            continue
        scripts = {script_of(char) for char in word if char.isalpha()}
        if not scripts:
            if word.isdigit():
                out.append((word, "full", ""))
            continue
        if "Latin" in scripts and len(scripts) > 1 or (script == "Latin" and scripts != {"Latin"}):
            word = fold_homoglyphs(word)
            scripts = {script_of(char) for char in word if char.isalpha()}
        word_script = max(scripts, key=lambda s: sum(script_of(c) == s for c in word))
        if word_script == "Arabic" and word.startswith("ال") and len(word) > 3:
            # The Arabic article is written attached; Latin renderings often drop it.
            word = word[2:]
        spellings = romanize(word, word_script, name_position=position)
        # Hangul is read one syllable a token; other scripts carry no native form.
        natives = word if word_script == "Hangul" and len(spellings) == len(word) else ""
        for index, spelled in enumerate(spellings):
            spelled = _NOT_ALNUM.sub("", spelled.lower())
            if spelled:
                out.append((spelled, writing_of(word_script), natives[index] if natives else ""))
    return out


def name_tokens(name: str, *, kind: str) -> tuple[list[RawToken], str]:
    """Canonical tokens of a name and its dominant script.

    Persons: honorifics, articles and filiation words (bin, ibn) are dropped (kept if nothing
    else is left), "abd al-X" and kunya forms ("abu X", "umm X") are joined into one token,
    well-known abbreviations expanded, and "SURNAME, Given"
    is reordered to "Given SURNAME". Organisations: legal forms are canonicalised and flagged,
    spelled-out letters (A.B.C.) joined and number words written as digits.
    """
    script = dominant_script(name)
    if kind == "person" and name.count(",") == 1:
        family, given = name.split(",")
        if family.strip() and given.strip():
            name = given + " " + family
    words = _words(clean_text(name), script)
    if not words:
        return [], script
    writing = {text: spelled_as for text, spelled_as, _ in words}
    # A romanised text read from two different syllables in one name keeps no native form.
    natives: dict[str, str] = {}
    for text, _, native in words:
        natives[text] = native if natives.get(text, native) == native else ""
    default_writing = writing_of(script)
    texts = [text for text, _, _ in words]
    if kind == "person":
        texts = [_ABBREVIATIONS.get(t, t) for t in texts]
        texts = _join_kunya(_join_abd(texts))
        kept = _drop_person_particles(texts)
        texts = _join_compounds(kept) if any(t != _BOUNDARY for t in kept) else texts
        tokens = []
        segment = 0
        for text in texts:
            if text == _BOUNDARY:
                segment += 1 if tokens else 0
                continue
            tokens.append(RawToken(text, writing.get(text, default_writing), _is_initial(text),
                                   False, segment, natives.get(text, "")))
        return tokens, script
    tokens = [RawToken(text, writing.get(text, "full"), _is_initial(text), legal)
              for text, legal in organisation_words(texts)]
    return tokens, script


def _is_initial(text: str) -> bool:
    return len(text) == 1 and text.isalpha()


def _drop_person_particles(texts: list[str]) -> list[str]:
    kept: list[str] = []
    for index, text in enumerate(texts):
        following = texts[index + 1] if index + 1 < len(texts) else ""
        if text in _FILIATION and following:
            kept.append(_BOUNDARY)
            continue
        if text in _HONORIFICS or text in _ARTICLES or text in _FILIATION:
            continue
        if text in _EUROPEAN_PARTICLES and following:
            continue
        if text in _SUN_ARTICLES and following and following[0] == text[-1]:
            continue
        kept.append(text)
    return kept
