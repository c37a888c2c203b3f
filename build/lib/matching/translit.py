"""Romanisation of one cleaned word into lower-case ASCII Latin.

Generic letters go through ``anyascii``. Scripts where anyascii's output is far from how names
are actually written in Latin on watchlists get their own rules:

* Arabic script (Arabic, Persian, Urdu, Pashto letters): short vowels are not written, so the
  long-vowel letters become vowels (و -> u, ي -> i) and the comparison later relies mostly on
  the consonant skeleton; ayn and hamza vanish as they do in most Latin renderings.
* Hebrew: vowel letters as vowels, word-initial ב/כ/פ as b/k/p.
* Hangul: a McCune-Reischauer-like reading without diacritics (Kim Jong Un, not Gim Jeong Eun),
  because that is how Korean names appear on sanctions lists.
* Han: Mandarin pinyin syllables (via anyascii) without tones.
"""

from __future__ import annotations

from anyascii import anyascii

__all__ = ["ABJAD_SCRIPTS", "romanize", "split_syllables"]

# Scripts that do not write short vowels: their romanisation is a skeleton, not a spelling.
ABJAD_SCRIPTS = frozenset({"Arabic", "Hebrew"})

_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "", "ئ": "",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a",
    # Persian / Urdu / Pashto / Sindhi / Kurdish letters
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ے": "e", "ۓ": "e",
    "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ھ": "h", "ہ": "h", "ۃ": "a", "ۀ": "e",
    "ټ": "t", "ډ": "d", "ړ": "r", "ږ": "zh", "ښ": "sh", "ځ": "dz", "څ": "ts", "ڼ": "n",
    "ۍ": "ay", "ې": "e", "ګ": "g", "ڭ": "ng", "ڤ": "v", "ڨ": "g", "ۆ": "o", "ێ": "e",
    "ڵ": "l", "ڕ": "r", "ۇ": "u", "ۋ": "v", "ٶ": "u", "ٸ": "y",
}
_HEBREW = {
    "א": "a", "ב": "v", "ג": "g", "ד": "d", "ה": "h", "ו": "w", "ז": "z", "ח": "kh",
    "ט": "t", "י": "y", "כ": "kh", "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
    "ן": "n", "ס": "s", "ע": "", "פ": "f", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k",
    "ר": "r", "ש": "sh", "ת": "t", "װ": "v", "ױ": "oy", "ײ": "ey",
}
_INITIAL_VOWEL_CARRIERS = frozenset("عءאע")
_HEBREW_INITIAL = {"ב": "b", "כ": "k", "פ": "p", "ו": "v"}


def _romanize_abjad(word: str, table: dict[str, str]) -> str:
    """Romanise an abjad word; w/y between consonants are read as the vowels u/i."""
    parts = [table.get(char, anyascii(char).lower()) for char in word]
    if word and word[0] in _HEBREW_INITIAL and table is _HEBREW:
        parts[0] = _HEBREW_INITIAL[word[0]]
    if word and word[0] in _INITIAL_VOWEL_CARRIERS:
        # A word-initial ayn or hamza is heard as a vowel: Latin writes Abd, Ali, Umar.
        parts[0] = "a"
    out: list[str] = []
    for index, part in enumerate(parts):
        if part in ("w", "y") and index > 0:
            previous = next((p[-1] for p in reversed(out) if p), "")
            following = next((p[0] for p in parts[index + 1:] if p), "")
            # After a consonant and before a consonant (or at the end) it is a long vowel.
            if previous not in ("a", "e", "i", "o", "u", "") and following not in ("a", "i", "u"):
                part = "u" if part == "w" else "i"
        out.append(part)
    return "".join(out)


# --- Hangul ------------------------------------------------------------------------------------
_HANGUL_INITIAL = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj",
                   "ch", "kh", "th", "ph", "h"]
_HANGUL_INITIAL_VOICED = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j",
                          "jj", "ch", "kh", "th", "ph", "h"]
_HANGUL_VOWEL = ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u",
                 "wo", "we", "wi", "yu", "u", "ui", "i"]
_HANGUL_FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
                 "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# Surnames whose list spelling is fixed by convention rather than by the letter rules.
_HANGUL_SURNAMES = {"이": "ri", "리": "ri", "박": "pak", "최": "choe", "김": "kim", "정": "jong",
                    "조": "jo", "강": "kang", "윤": "yun", "임": "rim", "오": "o", "한": "han",
                    "신": "sin", "서": "so", "권": "kwon", "황": "hwang", "안": "an", "송": "song",
                    "류": "ryu", "유": "yu", "홍": "hong", "전": "jon", "고": "ko", "문": "mun",
                    "양": "yang", "손": "son", "배": "pae", "백": "paek", "허": "ho", "노": "ro",
                    "남": "nam", "심": "sim", "주": "ju", "우": "u", "구": "ku", "민": "min",
                    "장": "jang", "현": "hyon", "방": "pang", "림": "rim", "로": "ro", "라": "ra"}


def _romanize_hangul_syllable(char: str, *, word_initial: bool) -> str:
    code = ord(char) - 0xAC00
    if not 0 <= code < 11172:
        return anyascii(char).lower()
    initial, rest = divmod(code, 588)
    vowel, final = divmod(rest, 28)
    onset = (_HANGUL_INITIAL if word_initial else _HANGUL_INITIAL_VOICED)[initial]
    return onset + _HANGUL_VOWEL[vowel] + _HANGUL_FINAL[final]


def _romanize_hangul(word: str) -> list[str]:
    """A Korean name word becomes one Latin word per syllable (Kim Jong Un style)."""
    return [_romanize_hangul_syllable(char, word_initial=True) for char in word]


def split_syllables(word: str) -> list[str]:
    """Pinyin syllables of a Han word, as anyascii writes them (capitalised, concatenated)."""
    spelled = anyascii(word)
    syllables: list[str] = []
    for char in spelled:
        if char.isupper() or not syllables:
            syllables.append(char.lower())
        else:
            syllables[-1] += char.lower()
    return [syllable for syllable in syllables if syllable.isalpha()]


def romanize(word: str, script: str, *, name_position: int = 0) -> list[str]:
    """Latin ASCII spelling of one cleaned word: usually one word, several for Hangul and Han.

    ``name_position`` is the index of the word in the name; for Hangul the first word starts
    with a surname syllable that has a conventional spelling.
    """
    if script == "Arabic":
        return [_romanize_abjad(word, _ARABIC)]
    if script == "Hebrew":
        return [_romanize_abjad(word, _HEBREW)]
    if script == "Hangul":
        syllables = _romanize_hangul(word)
        if name_position == 0 and len(word) <= 4 and word[0] in _HANGUL_SURNAMES:
            syllables[0] = _HANGUL_SURNAMES[word[0]]
        return syllables
    if script == "Han":
        # One word: a Chinese name written without spaces (习近平) meets "Xi Jinping" as a
        # compound; a transcribed foreign name (克魯森, Crewson) is one word anyway.
        syllables = split_syllables(word)
        return ["".join(syllables)] if syllables else []
    spelled = anyascii(word).lower()
    return [spelled] if spelled else []
