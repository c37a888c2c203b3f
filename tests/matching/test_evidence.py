"""Evidence features: birth dates, nationality, gender, identity documents."""

import pytest

from matching.evidence import (
    compare_birth_dates,
    compare_documents,
    compare_gender,
    compare_nationalities,
    normalise_document_number,
    normalise_gender,
    parse_birth_date,
    parse_document,
)


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("1970", "year", 1970, 1970),
        ("1970-03", "month", 1970, 1970),
        ("1970-03-05", "day", 1970, 1970),
        ("1970/1975", "range", 1970, 1975),
        ("1975/1970", "range", 1970, 1975),
        ("1970-01-01/1972-12-31", "range", 1970, 1972),
    ],
)
def test_parse_birth_date_precision(text, precision, first, last):
    parsed = parse_birth_date(text)
    assert parsed is not None
    assert (parsed.precision, parsed.first_year, parsed.last_year) == (precision, first, last)


@pytest.mark.parametrize("text", ["", "circa 1970", "1970-13", "1970-02-30", "70", None, 1970])
def test_unparseable_birth_dates_are_missing_not_errors(text):
    assert parse_birth_date(text) is None


def _dates(*texts):
    return [parse_birth_date(t) for t in texts]


@pytest.mark.parametrize(
    ("query", "candidate", "outcome", "sign"),
    [
        (["1970-03-05"], ["1970-03-05"], "agree", 1),
        (["1970-03-05"], ["1970-05-03"], "near", 1),  # day/month swap
        (["1970-03-05"], ["1970"], "agree", 1),
        (["1970-03"], ["1970-03-21"], "agree", 1),
        (["1970"], ["1971"], "near", 0),  # year ±1 is tolerated, neither for nor against
        (["1972"], ["1970/1975"], "agree", 1),  # range
        (["1976"], ["1970/1975"], "near", 0),
        (["1970-03-05"], ["1973-03-05"], "disagree", -1),
        (["1950"], ["1980"], "disagree", -1),
        (["1970-03-05"], ["1970-09-21"], "disagree", -1),
        ([], ["1970"], "unknown", 0),
        (["1950", "1970-03-05"], ["1970-03-05"], "agree", 1),  # the best pair counts
    ],
)
def test_birth_date_rules(query, candidate, outcome, sign):
    result = compare_birth_dates(_dates(*query), _dates(*candidate))
    assert result.outcome == outcome
    assert (result.adjustment > 0) - (result.adjustment < 0) == sign
    assert result.detail


def test_birth_years_far_apart_cost_more_than_two_years():
    two = compare_birth_dates(_dates("1970"), _dates("1972"))
    twenty = compare_birth_dates(_dates("1970"), _dates("1990"))
    assert twenty.adjustment < two.adjustment < 0


def test_exact_day_supports_more_than_year_only():
    day = compare_birth_dates(_dates("1970-03-05"), _dates("1970-03-05"))
    year = compare_birth_dates(_dates("1970"), _dates("1970-03-05"))
    assert day.adjustment > year.adjustment > 0


def test_birth_date_explanation_does_not_disclose_the_date():
    result = compare_birth_dates(_dates("1970-03-05"), _dates("1973-03-05"))
    assert "1970" not in result.detail and "1973" not in result.detail
    assert "3 years" in result.detail


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("AB 123-456", "AB123456"),
        ("ab123456", "AB123456"),
        ("ABO12345", "AB012345"),  # letter O read as digit 0
        ("АВ123456", "AB123456"),  # Cyrillic capitals that look Latin
        ("12", None),  # too short to mean anything
        (None, None),
    ],
)
def test_document_number_normalisation(raw, normalised):
    assert normalise_document_number(raw) == normalised


def _docs(*docs):
    return [parse_document(d) for d in docs]


@pytest.mark.parametrize(
    ("query", "candidate", "outcome", "lift_positive"),
    [
        ([{"number": "N1234567", "country": "SY"}], [{"number": "n 123 4567", "country": "sy"}],
         "agree", True),
        ([{"number": "N1234567"}], [{"number": "N1234567", "country": "SY"}], "agree", True),
        ([{"number": "N1234567", "country": "IQ"}], [{"number": "N1234567", "country": "SY"}],
         "near", True),
        ([{"number": "N1234567", "country": "SY"}], [{"number": "N1234576", "country": "SY"}],
         "near", True),  # adjacent digits swapped: a typing error
        ([{"number": "N1234567", "country": "SY"}], [{"number": "K9999999", "country": "SY"}],
         "disagree", False),
        ([], [{"number": "N1234567"}], "unknown", False),
    ],
)
def test_document_rules(query, candidate, outcome, lift_positive):
    result = compare_documents(_docs(*query), _docs(*candidate))
    assert result.outcome == outcome
    assert (result.lift > 0) is lift_positive
    assert result.adjustment == 0.0  # different numbers never count against a match


def test_exact_document_lifts_more_than_country_conflict_or_near_number():
    exact = compare_documents(_docs({"number": "N1234567", "country": "SY"}),
                              _docs({"number": "N1234567", "country": "SY"}))
    conflict = compare_documents(_docs({"number": "N1234567", "country": "IQ"}),
                                 _docs({"number": "N1234567", "country": "SY"}))
    near = compare_documents(_docs({"number": "N1234567", "country": "SY"}),
                             _docs({"number": "N1234568", "country": "SY"}))
    assert exact.lift > conflict.lift > near.lift > 0


def test_document_explanation_does_not_disclose_the_number():
    result = compare_documents(_docs({"number": "N1234567", "type": "passport"}),
                               _docs({"number": "N1234567", "type": "passport"}))
    assert "1234567" not in result.detail
    assert "passport" in result.detail


@pytest.mark.parametrize(
    ("query", "candidate", "outcome", "sign"),
    [
        (["SY"], ["SY", "IQ"], "agree", 1),
        (["SY"], ["IQ"], "disagree", -1),
        ([], ["IQ"], "unknown", 0),
    ],
)
def test_nationality_rules(query, candidate, outcome, sign):
    result = compare_nationalities(query, candidate)
    assert result.outcome == outcome
    assert (result.adjustment > 0) - (result.adjustment < 0) == sign


@pytest.mark.parametrize(
    ("query", "candidate", "outcome", "negative"),
    [
        ("male", "m", "agree", False),
        ("F", "male", "disagree", True),
        (None, "male", "unknown", False),
        ("other", "male", "unknown", False),  # unknown values never count as a mismatch
    ],
)
def test_gender_rules(query, candidate, outcome, negative):
    result = compare_gender(normalise_gender(query), normalise_gender(candidate))
    assert result.outcome == outcome
    assert (result.adjustment < 0) is negative
