"""Hostile Unicode is normalised and never a way to evade a match (issue 3)."""

import pytest

from matching.names import compare_names, prepare_name
from matching.normalize import clean_text, dominant_script, fold_homoglyphs

CLEAN = "Osama bin Laden"

HOSTILE = [
    ("zero-width space", "Osa\u200bma bin La\u200bden"),
    ("zero-width joiner and non-joiner", "Os\u200dama bin Lad\u200cen"),
    ("word joiner and BOM", "\ufeffOsama\u2060 bin Laden"),
    ("bidi override", "\u202eOsama bin Laden\u202c"),
    ("bidi isolates", "\u2067Osama\u2069 bin \u2066Laden\u2069"),
    ("soft hyphen", "Osa\u00adma bin Laden"),
    ("combining marks", "Os\u0301a\u0308ma bin La\u0300den"),
    ("Cyrillic homoglyph a and o", "Os\u0430ma bin L\u0430den"),
    ("Greek homoglyph omicron", "\u039fsama bin Laden"),
    ("full-width letters", "Ｏｓａｍａ ｂｉｎ Ｌａｄｅｎ"),
    ("no-break and ideographic spaces", "Osama\u00a0bin\u3000Laden"),
    ("mixed case and extra spaces", "  oSAMA   BIN   laden "),
    ("Arabic tatweel in the Arabic form", "أسـامـة بن لادن"),
]


@pytest.mark.parametrize(("label", "hostile"), HOSTILE, ids=[label for label, _ in HOSTILE])
def test_hostile_variants_still_match(label, hostile):
    assert compare_names(hostile, CLEAN) >= 0.9, label


LATIN_HOSTILE = HOSTILE[:-1]


@pytest.mark.parametrize(("label", "hostile"), LATIN_HOSTILE, ids=[lb for lb, _ in LATIN_HOSTILE])
def test_hostile_latin_variants_prepare_to_the_same_tokens(label, hostile):
    assert prepare_name(hostile).tokens == prepare_name(CLEAN).tokens, label


def test_clean_text_removes_invisible_characters():
    assert clean_text("A\u200bB\u202eC\u2066D") == "abcd"


def test_homoglyphs_fold_only_inside_a_latin_name():
    assert fold_homoglyphs("P\u0430ris") == "Paris"
    # A genuinely Cyrillic name keeps its letters: it is transliterated later, not folded.
    assert prepare_name("Сергей").tokens == ("sergei",)


@pytest.mark.parametrize(
    ("text", "script"),
    [("Osama", "Latin"), ("أسامة", "Arabic"), ("Сергей", "Cyrillic"), ("习近平", "Han"),
     ("김정은", "Hangul"), ("Αλέξης", "Greek"), ("בנימין", "Hebrew"), ("", "Latin")],
)
def test_dominant_script(text, script):
    assert dominant_script(text) == script


def test_empty_and_symbol_only_names_score_zero():
    assert compare_names("", "Osama bin Laden") == 0.0
    assert compare_names("***", "---") == 0.0


def test_arbitrary_unicode_never_raises_and_stays_in_range():
    """Any string from any block (controls, emoji, private planes) is a valid, scorable name."""
    import random

    rng = random.Random(0)
    blocks = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x4FF), (0x590, 0x6FF),
              (0xFB50, 0xFEFF), (0xAC00, 0xD7A3), (0x4E00, 0x9FFF), (0x3040, 0x30FF),
              (0x2000, 0x206F), (0xFF00, 0xFFEF), (0x1F600, 0x1F64F), (0x900, 0xE7F)]

    def noise() -> str:
        return "".join(chr(rng.randint(*rng.choice(blocks))) for _ in range(rng.randint(0, 25)))

    for _ in range(1500):
        a, b = noise(), noise()
        for kind in ("person", "organisation"):
            assert 0.0 <= compare_names(a, b, kind=kind) <= 1.0
            prepared = prepare_name(a, kind=kind)
            assert len(prepared.keys) == len(prepared.tokens)
