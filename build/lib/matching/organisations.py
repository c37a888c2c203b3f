"""Organisation names: legal forms, spelled-out acronyms, number words and abbreviations.

Legal forms are canonicalised (Limited Liability Company, L.L.C., ООО -> one short form each)
and grouped in families whose members render one another across languages; they are kept as
tokens, flagged, because a scorer must weigh them lightly rather than ignore them.
"""

from __future__ import annotations

import re

__all__ = ["LEGAL_FAMILY", "LEGAL_FORM", "organisation_words"]

# Arabic article: Al-Qaida and Qaida are one name.
_ARTICLES = frozenset({"al", "el", "ul"})

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
    ("s p a", "spa"), ("sp zoo", "spzoo"), ("sp z o o", "spzoo"), ("l p", "lp"),
    ("l l p", "llp"), ("a s", "as"), ("a b", "ab"), ("o o o", "ooo"), ("j s c", "jsc"),
    ("p j s c", "pjsc"), ("s a s", "sas"), ("s r o", "sro"), ("d o o", "doo"), ("k g", "kg"),
    ("s a r l", "sarl"), ("g m b h", "gmbh"), ("p t e", "pte"), ("p t y", "pty"),
    ("societatea cu raspundere limitata", "srl"), ("societa a responsabilita limitata", "srl"),
    ("sociedad de responsabilidad limitada", "srl"), ("spolka z ograniczona odpowiedzialnoscia",
                                                     "spzoo"),
    ("tovarystvo z obmezhenoiu vidpovidalnistiu", "tov"),
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
    "establishment": "est", "est": "est",
    "spzoo": "spzoo", "sro": "sro", "doo": "doo", "kft": "kft", "zrt": "zrt",
    "oyj": "oyj", "asa": "asa", "aps": "aps",
}
# Legal forms of one family are interchangeable renderings across languages (OAO / OJSC / AO,
# OOO / LLC / GmbH / TOV); different families are a real difference (AG is not GmbH).
LEGAL_FAMILY = {
    **dict.fromkeys(("jsc", "ojsc", "cjsc", "pjsc", "oao", "zao", "pao", "ao", "ag", "sa", "plc",
                     "nv", "as", "ab", "oy", "oyj", "se", "spa", "asa", "zrt", "bhd"), "stock"),
    **dict.fromkeys(("llc", "ooo", "gmbh", "tov", "srl", "sarl", "ltd", "bv", "spzoo", "sro",
                     "doo", "kft", "pte", "pty", "sdn", "kk", "fzco", "fze", "fzc", "fz", "aps",
                     "llp", "lp", "sas"), "limited"),
    **dict.fromkeys(("inc", "corp", "co"), "corporation"),
}
LEGAL_FORM = frozenset(_LEGAL_FORMS.values())
_ORG_STOPWORDS = frozenset({"the", "and", "of", "for", "et", "und", "y", "i", "a"})


def _apply_phrases(words: list[str]) -> list[str]:
    text = " " + " ".join(words) + " "
    for phrase, short in _LEGAL_FORM_PHRASES:
        if " " + phrase + " " in text:
            text = text.replace(" " + phrase + " ", " " + short + " ")
    return text.split()


# Abbreviated words in organisation names, written out so both spellings meet.
_ORG_ABBREVIATIONS = {"intl": "international", "int": "international", "natl": "national",
                      "assn": "association", "assoc": "association", "dept": "department",
                      "univ": "university", "mfg": "manufacturing", "bros": "brothers",
                      "svcs": "services", "svc": "service", "ctr": "center", "centre": "center",
                      "org": "organization", "organisation": "organization"}


def organisation_words(texts: list[str]) -> list[tuple[str, bool]]:
    """Canonical words of an organisation name, each flagged when it is a legal form.

    Spelled-out letters (A.B.C., L.L.C.) are joined, number words become digits, multi-word
    legal forms are shortened, abbreviations written out, and stopwords and a leading Arabic
    article dropped (Al-Qaida is Qaida).
    """
    # Spelled-out letters first (A.B.C., L.L.C.), then multi-word legal forms.
    texts = _apply_phrases(_numbers_as_digits(_join_letter_runs(texts)))
    texts = [_ORG_ABBREVIATIONS.get(text, text) for text in texts]
    words: list[tuple[str, bool]] = []
    for index, text in enumerate(texts):
        if text in _ORG_STOPWORDS or (text in _ARTICLES and index + 1 < len(texts)):
            continue
        legal = _LEGAL_FORMS.get(text)
        words.append((legal, True) if legal is not None else (text, False))
    return words or [(text, False) for text in texts]


def _join_letter_runs(texts: list[str]) -> list[str]:
    """"a b c" (from A.B.C.) becomes "abc": an acronym spelled with dots or spaces."""
    out: list[str] = []
    run: list[str] = []
    for text in [*texts, ""]:
        if len(text) == 1 and text.isalpha():
            run.append(text)
            continue
        if run:
            out.extend(_split_run("".join(run)))
            run = []
        if text:
            out.append(text)
    return out


def _split_run(letters: str) -> list[str]:
    """A run of single letters as one word, keeping a trailing legal form apart (X L.P.)."""
    if len(letters) == 1 or letters in _LEGAL_FORMS:
        return [letters]
    for size in (4, 3, 2):
        head, tail = letters[:-size], letters[-size:]
        if len(head) >= 1 and tail in _LEGAL_FORMS:
            return [*_split_run(head), tail]
    return [letters]


_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
          "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def _numbers_as_digits(texts: list[str]) -> list[str]:
    """English number words and ordinals become digits: "Forty-Four" and "44" are one token."""
    out: list[str] = []
    for text in texts:
        ordinal = _ORDINAL_DIGITS.match(text)
        if ordinal:
            text = ordinal.group(1)
        value = _UNITS.get(text)
        if value is None and text in _TENS:
            value = _TENS[text]
        if value is None:
            out.append(text)
            continue
        if out and out[-1].isdigit() and int(out[-1]) % 10 == 0 and int(out[-1]) >= 20 \
                and value < 10:
            out[-1] = str(int(out[-1]) + value)
        else:
            out.append(str(value))
    return out
