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

from matching.normalize import clean_text, dominant_script, fold_homoglyphs, script_of
from matching.translit import ABJAD_SCRIPTS, romanize

__all__ = [
    "RawToken",
    "fold",
    "skeleton",
    "name_tokens",
    "LEGAL_FORM",
]

# Words that say who someone is, not what they are called.
_HONORIFICS = frozenset({
    "sheikh", "shaikh", "shaykh", "sheik", "cheikh", "shikh", "shaikha", "sheikha",
    "mullah", "mulla", "molla", "mollah", "maulana", "mawlana", "moulana", "maulvi", "mawlawi",
    "moulvi", "molvi", "maulawi", "qari", "hajji", "haji", "hadji", "hajj", "haj", "alhaj",
    "alhajj", "alhaji", "dr", "doctor", "dktur", "prof", "professor", "mr", "mrs", "ms", "miss",
    "mister", "sir", "madam", "general", "gen", "colonel", "col", "major", "maj", "captain",
    "capt", "lt", "lieutenant", "brigadier", "brig", "admiral", "adm", "sgt", "sergeant",
    "commander", "cmdr", "jr", "sr", "junior", "senior", "ii", "iii", "iv", "hon", "rev",
    "shri", "sri", "smt", "h.e", "his", "her", "excellency", "hrh", "prince", "emir",
})
# Definite articles (Arabic al- and its assimilated forms) and kinship words. They are kept out
# of the tokens that are scored: "Osama bin Laden" and "Usama Ladin" name the same man.
_ARTICLES = frozenset({"al", "el", "ul"})
_SUN_ARTICLES = frozenset({"ad", "an", "ar", "as", "ash", "at", "az", "ath", "adh", "ud", "un",
                           "ur", "us", "uz", "ut", "ush", "ed", "en", "er", "es", "et", "ez"})
_KINSHIP = frozenset({"bin", "ibn", "ben", "bn", "abn", "ibnu", "bint", "binti", "bte", "bt",
                      "ould", "wuld", "abu", "abou", "abo", "aboo", "umm", "oum", "ummu"})
_EUROPEAN_PARTICLES = frozenset({"de", "da", "di", "do", "dos", "das", "del", "della", "du",
                                 "van", "von", "der", "den", "ter", "ten", "la", "le", "zu"})
# Abbreviations that stand for one specific name.
_ABBREVIATIONS = {"mohd": "muhammad", "md": "muhammad", "muhd": "muhammad", "mhd": "muhammad",
                  "mohamad": "muhammad", "moh": "muhammad", "mohd.": "muhammad"}

# Organisation legal forms, mapped to one canonical short form. Multi-word forms first.
_LEGAL_FORM_PHRASES = [
    ("public joint stock company", "pjsc"), ("open joint stock company", "ojsc"),
    ("closed joint stock company", "cjsc"), ("joint stock company", "jsc"),
    ("limited liability company", "llc"), ("limited liability partnership", "llp"),
    ("public limited company", "plc"), ("private limited company", "ltd"),
    ("gesellschaft mit beschrankter haftung", "gmbh"),
    ("obshchestvo s ogranichennoy otvetstvennostyu", "ooo"),
    ("obshchestvo s ogranichennoi otvetstvennostiu", "ooo"),
    ("aktsionernoe obshchestvo", "ao"), ("publichnoe aktsionernoe obshchestvo", "pao"),
    ("societe anonyme", "sa"), ("sociedad anonima", "sa"), ("l l c", "llc"), ("p l c", "plc"),
    ("s a", "sa"), ("a g", "ag"), ("b v", "bv"), ("n v", "nv"), ("s r l", "srl"),
    ("s p a", "spa"), ("co ltd", "co ltd"),
]
_LEGAL_FORMS = {
    "llc": "llc", "ltd": "ltd", "limited": "ltd", "gmbh": "gmbh", "jsc": "jsc", "ojsc": "ojsc",
    "cjsc": "cjsc", "pjsc": "pjsc", "ooo": "ooo", "oao": "oao", "zao": "zao", "pao": "pao",
    "ao": "ao", "tov": "tov", "inc": "inc", "incorporated": "inc", "corp": "corp",
    "corporation": "corp", "co": "co", "company": "co", "plc": "plc", "sa": "sa", "ag": "ag",
    "aktiengesellschaft": "ag", "bv": "bv", "nv": "nv", "srl": "srl", "spa": "spa",
    "sarl": "sarl", "sas": "sas", "kg": "kg", "llp": "llp", "lp": "lp", "pte": "pte",
    "pty": "pty", "ab": "ab", "as": "as", "oy": "oy", "fze": "fze", "fzco": "fzco", "fzc": "fzc",
    "fz": "fz", "dmcc": "dmcc", "sdn": "sdn", "bhd": "bhd", "kk": "kk", "se": "se",
    "establishment": "est", "est": "est", "trading": "trading", "group": "group",
    "holding": "holding", "holdings": "holding", "enterprise": "enterprise",
    "enterprises": "enterprise", "international": "international", "intl": "international",
}
LEGAL_FORM = frozenset(_LEGAL_FORMS.values())
_ORG_STOPWORDS = frozenset({"the", "and", "of", "for", "et", "und", "y", "i", "a"})


class RawToken(tuple):
    """A canonical token with the facts the scorer needs: (text, abjad, initial, legal_form)."""

    __slots__ = ()

    def __new__(cls, text: str, abjad: bool = False, initial: bool = False, legal: bool = False):
        return super().__new__(cls, (text, abjad, initial, legal))

    text = property(lambda self: self[0])
    abjad = property(lambda self: self[1])
    initial = property(lambda self: self[2])
    legal = property(lambda self: self[3])


_FOLD_RULES = [
    (re.compile(r"tsch|tch"), "ch"), (re.compile(r"sch"), "sh"), (re.compile(r"dzh|dj|dsch"), "j"),
    (re.compile(r"zh"), "j"), (re.compile(r"kh"), "h"), (re.compile(r"gh"), "g"),
    (re.compile(r"ph"), "f"), (re.compile(r"th"), "t"), (re.compile(r"dh"), "d"),
    (re.compile(r"ck|q"), "k"), (re.compile(r"c(?![hei])"), "k"), (re.compile(r"(?<!^)x"), "ks"),
    (re.compile(r"w"), "v"), (re.compile(r"gu(?=[ei])"), "g"),
    (re.compile(r"ou|oo|uu"), "u"), (re.compile(r"ee"), "i"),
    (re.compile(r"(?<=[aeiouy])j(?![aeiou])"), "y"),
    (re.compile(r"(?<=...)h$"), ""),
    (re.compile(r"ey|ei|ay|ai"), "ai"),
    (re.compile(r"e"), "i"), (re.compile(r"o"), "u"), (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]
_SKELETON_RULES = [
    (re.compile(r"ch"), "c"), (re.compile(r"sh"), "s"), (re.compile(r"[aiu]"), ""),
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
            if not rest and index + 1 < len(words):
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


def _apply_phrases(words: list[str]) -> list[str]:
    text = " " + " ".join(words) + " "
    for phrase, short in _LEGAL_FORM_PHRASES:
        if " " + phrase + " " in text:
            text = text.replace(" " + phrase + " ", " " + short + " ")
    return text.split()


def _words(text: str, script: str) -> list[tuple[str, bool]]:
    """Romanised words of a cleaned name, each flagged when it came from an abjad script."""
    out: list[tuple[str, bool]] = []
    for position, word in enumerate(text.split()):
        scripts = {script_of(char) for char in word if char.isalpha()}
        if not scripts:
            if word.isdigit():
                out.append((word, False))
            continue
        if "Latin" in scripts and len(scripts) > 1 or (script == "Latin" and scripts != {"Latin"}):
            word = fold_homoglyphs(word)
            scripts = {script_of(char) for char in word if char.isalpha()}
        word_script = max(scripts, key=lambda s: sum(script_of(c) == s for c in word))
        if word_script == "Arabic" and word.startswith("ال") and len(word) > 3:
            # The Arabic article is written attached; Latin renderings often drop it.
            word = word[2:]
        for spelled in romanize(word, word_script, name_position=position):
            spelled = re.sub(r"[^a-z0-9]", "", spelled.lower())
            if spelled:
                out.append((spelled, word_script in ABJAD_SCRIPTS))
    return out


def name_tokens(name: str, *, kind: str) -> tuple[list[RawToken], str]:
    """Canonical tokens of a name and its dominant script.

    Persons: honorifics and kinship/article particles are dropped (kept if nothing else is
    left), "abd al-X" forms are joined, well-known abbreviations expanded, and "SURNAME, Given"
    is reordered to "Given SURNAME". Organisations: legal forms are canonicalised and flagged.
    """
    script = dominant_script(name)
    if kind == "person" and name.count(",") == 1:
        family, given = name.split(",")
        if family.strip() and given.strip():
            name = given + " " + family
    words = _words(clean_text(name), script)
    if not words:
        return [], script
    abjad = {text: is_abjad for text, is_abjad in words}
    texts = [text for text, _ in words]
    if kind == "person":
        texts = [_ABBREVIATIONS.get(t, t) for t in texts]
        texts = _join_abd(texts)
        kept = _drop_person_particles(texts)
        texts = kept or texts
        return [RawToken(t, abjad.get(t, script in ABJAD_SCRIPTS), len(t) == 1) for t in texts], \
            script
    texts = _apply_phrases(texts)
    tokens: list[RawToken] = []
    for index, text in enumerate(texts):
        if text in _ORG_STOPWORDS or (text in _ARTICLES and index + 1 < len(texts)):
            continue
        legal = _LEGAL_FORMS.get(text)
        if legal is not None:
            tokens.append(RawToken(legal, False, False, True))
        else:
            tokens.append(RawToken(text, abjad.get(text, False), len(text) == 1))
    return tokens or [RawToken(t, False, len(t) == 1) for t in texts], script


def _drop_person_particles(texts: list[str]) -> list[str]:
    kept: list[str] = []
    for index, text in enumerate(texts):
        following = texts[index + 1] if index + 1 < len(texts) else ""
        if text in _HONORIFICS or text in _KINSHIP or text in _ARTICLES:
            continue
        if text in _EUROPEAN_PARTICLES and following:
            continue
        if text in _SUN_ARTICLES and following and following[0] == text[-1]:
            continue
        if text.startswith("al") and len(text) >= 6 and text not in _KEEP_AL:
            # Arabic article written attached ("Alzawahiri", "الظواهري").
            text = text[2:]
        kept.append(text)
    return kept


# Common names that start with "al" but are not an article plus a word.
_KEEP_AL = frozenset({"alexander", "alexandr", "aleksandr", "aleksander", "alexandre",
                      "alexandra", "aleksandra", "alexei", "aleksei", "alexey", "aleksey",
                      "alberto", "albert", "alfred", "alfredo", "alessandro", "alessandra",
                      "alejandro", "alejandra", "alison", "allison", "almaz", "alvaro",
                      "altaf", "alamgir", "alisher", "alimov", "aliyev", "aliev", "alekseev",
                      "alekseyev", "alexeev", "alexandru", "alibek", "aliakbar", "alireza",
                      "allaah", "allah", "allahu", "allahdad"})
