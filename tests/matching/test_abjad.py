"""Abjad spellings against Latin ones, letter by letter (matching.abjad).

Written by hand from textbook romanisations; none is taken from the benchmark files.
"""

import pytest

from matching import compare_names
from matching.abjad import abjad_similarity
from matching.names import DEFAULT_THRESHOLD

RENDERINGS = [
    ("غامدي", "Ghamidi"), ("محمد", "Mohammed"), ("محمد", "Muhammad"), ("أسامة", "Osama"),
    ("أسامة", "Usama"), ("عثمان", "Othman"), ("عثمان", "Osman"), ("قاسم", "Kasim"),
    ("خالد", "Khalid"), ("خالد", "Chalid"), ("جمال", "Djamel"), ("جمال", "Gamal"),
    ("يوسف", "Youssef"), ("فاطمة", "Fatimah"), ("مصطفى", "Moustapha"), ("شريف", "Cherif"),
    ("ظاهر", "Dhaher"), ("عبد الرحمن", "Abderrahmane"), ("נתניהו", "Netanyahu"),
]
DIFFERENT = [
    # the same consonant classes (k-m-d), different letters and long vowels
    ("الغامدي", "Committee"), ("الغامدي", "Kim Do"), ("وفيق جان", "Evgeny"),
    ("جميل", "Kamil"), ("طارق", "Dorak"),
]


@pytest.mark.parametrize(("abjad", "latin"), RENDERINGS)
def test_abjad_spellings_meet_their_latin_renderings(abjad, latin):
    assert compare_names(abjad, latin) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("abjad", "latin"), DIFFERENT)
def test_shared_consonant_classes_are_not_enough(abjad, latin):
    assert compare_names(abjad, latin) < DEFAULT_THRESHOLD


def test_short_vowels_are_free_and_long_ones_count():
    assert abjad_similarity("mhmd", "muhammad") == 1.0  # محمد writes no vowel
    assert abjad_similarity("jmal", "jamal") > abjad_similarity("jmal", "jml")  # ا is written
