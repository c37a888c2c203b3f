"""The record matcher record-v1 through the public API: matching.compare."""

import pytest

import matching

BASE = {"names": ["Ahmed Khalil Hassan"], "birth_dates": ["1970-03-05"], "gender": "male",
        "nationalities": ["SY"], "documents": [{"number": "N1234567", "country": "SY"}]}


def _with(**changes):
    return {**BASE, **changes}


def test_public_api_names_and_versions():
    match = matching.compare(BASE, BASE)
    assert match.algorithm == "record-v1" == matching.ALGORITHM
    assert "names-v1" in match.version
    assert 0.0 <= match.score <= 1.0
    assert match.band == "strong"
    assert 0.0 < matching.DEFAULT_THRESHOLD < 1.0
    assert matching.compare_names("Ahmed Hassan", "Ahmed Hassan") == pytest.approx(1.0)


def test_names_only_record_scores_as_its_name():
    match = matching.compare({"names": ["Muammar Qaddafi"]}, {"names": ["Moammar Gadhafi"]})
    assert match.score == pytest.approx(matching.compare_names("Muammar Qaddafi",
                                                               "Moammar Gadhafi"))


def test_aliases_are_names_in_their_own_right():
    query = {"names": ["Abu Abdallah"]}
    candidate = {"names": ["Completely Different", "Abu Abdallah"]}
    assert matching.compare(query, candidate).score == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("change", "direction"),
    [
        ({"birth_dates": ["1982-03-05"]}, "lower"),  # birth year far apart
        ({"birth_dates": ["1973"]}, "lower"),
        ({"gender": "female"}, "lower"),
        ({"nationalities": ["IQ"]}, "lower"),
        ({"birth_dates": ["1970-05-03"]}, "lower_or_equal"),  # day/month swap
        ({"birth_dates": ["1971"]}, "lower_or_equal"),  # year ±1 tolerated
        ({"birth_dates": ["1968/1972"]}, "lower_or_equal"),  # a range that covers it
    ],
)
def test_disagreeing_evidence_lowers_the_score(change, direction):
    query = {"names": ["Ahmad Halil Hasan"], "birth_dates": ["1970-03-05"], "gender": "m",
             "nationalities": ["SY"]}
    candidate = {**query, **change, "names": BASE["names"]}
    agreeing = matching.compare(query, {**query, "names": BASE["names"]}).score
    changed = matching.compare(query, candidate).score
    if direction == "lower":
        assert changed < agreeing
    else:
        assert changed <= agreeing
        assert changed > agreeing - 0.05  # tolerated variation costs almost nothing


def test_year_plus_minus_one_is_not_a_disagreement():
    query = {"names": ["Ahmed Hassan"], "birth_dates": ["1970"]}
    base = matching.compare(query, {"names": ["Ahmed Hassan"]}).score
    off_by_one = matching.compare(query, {"names": ["Ahmed Hassan"], "birth_dates": ["1971"]})
    assert off_by_one.score >= base


def test_exact_document_lifts_a_weak_name_match_over_the_threshold():
    query = {"names": ["Ahmed Hassan"], "documents": [{"number": "n-123 4567", "country": "sy"}]}
    candidate = {"names": ["Ahmad Mahmoud Hussein"],
                 "documents": [{"number": "N1234567", "country": "SY"}]}
    without = matching.compare({"names": query["names"]}, candidate).score
    with_document = matching.compare(query, candidate)
    assert without < matching.DEFAULT_THRESHOLD
    assert with_document.score >= matching.DEFAULT_THRESHOLD
    assert with_document.score > without


def test_document_number_with_another_country_still_counts_but_less():
    query = {"names": ["Ahmed Hassan"], "documents": [{"number": "N1234567", "country": "IQ"}]}
    same_country = {"names": ["Ahmed Hassan"], "documents": [{"number": "N1234567",
                                                              "country": "IQ"}]}
    other_country = {"names": ["Ahmed Hassan"], "documents": [{"number": "N1234567",
                                                               "country": "SY"}]}
    names_only = matching.compare({"names": ["Ahmed Hassan"]}, {"names": ["Ahmad Hasan"]})
    assert (matching.compare(query, same_country).score
            >= matching.compare(query, other_country).score
            >= names_only.score)


def test_different_document_numbers_do_not_lower_the_score():
    """People hold several documents: a different number is not proof of another person."""
    query = {"names": ["Ahmed Hassan"], "documents": [{"number": "N1234567", "country": "SY"}]}
    candidate = {"names": ["Ahmed Hassan"], "documents": [{"number": "K7654321",
                                                           "country": "SY"}]}
    assert matching.compare(query, candidate).score == pytest.approx(
        matching.compare({"names": ["Ahmed Hassan"]}, {"names": ["Ahmed Hassan"]}).score)


@pytest.mark.parametrize(
    "protected",
    [
        {"religion": "muslim"},
        {"ethnicity": "arab"},
        {"religion": "christian", "ethnicity": "kurdish", "race": "x", "political_opinion": "y",
         "sexual_orientation": "z", "health": "w"},
    ],
)
def test_LB_no_protected_ground_extra_attributes_have_no_effect(protected):
    """LB-no-protected-ground: protected attributes in a record never change a score."""
    query = {"names": ["Ahmed Hassan"], "birth_dates": ["1970"]}
    candidate = {"names": ["Ahmad Hasan"], "birth_dates": ["1970-01-02"]}
    plain = matching.compare(query, candidate)
    with_query = matching.compare({**query, **protected}, candidate)
    with_both = matching.compare({**query, **protected}, {**candidate, **protected})
    assert plain.score == with_query.score == with_both.score
    assert plain.explanation == with_both.explanation
    features = {line.feature for line in with_both.explanation}
    assert features == {"name", "birth_date", "nationality", "gender", "document"}


def test_explanation_names_each_feature_and_the_matched_parts():
    match = matching.compare(
        {"names": ["Osama bin Laden"], "birth_dates": ["1957"]},
        {"names": ["Usama bin Ladin"], "birth_dates": ["1957-03-10"]},
    )
    text = match.explanation_text()
    assert "usama" in text and "birth years agree" in text
    as_dict = match.to_dict()
    assert as_dict["algorithm"] == "record-v1"
    assert [e["feature"] for e in as_dict["explanation"]] == [
        "name", "birth_date", "nationality", "gender", "document"]


@pytest.mark.parametrize(
    ("score", "band"),
    [(1.0, "strong"), (matching.DEFAULT_THRESHOLD, "possible"),
     (matching.DEFAULT_THRESHOLD - 0.05, "weak"), (0.1, "none")],
)
def test_bands(score, band):
    assert matching.band_for(score) == band


@pytest.mark.parametrize(
    "record",
    [
        {},
        {"names": []},
        {"names": ["   "], "birth_dates": ["not a date"], "documents": [{"no": "number"}]},
        {"names": "Ahmed Hassan"},  # a single string instead of a list
        {"names": ["Ahmed Hassan"], "gender": 3, "nationalities": None},
    ],
)
def test_malformed_records_do_not_raise(record):
    match = matching.compare(record, BASE)
    assert 0.0 <= match.score <= 1.0


def test_organisation_kind_is_used():
    query = {"kind": "organisation", "names": ["Al-Qaida"]}
    assert matching.compare(query, {"kind": "organisation", "names": ["Al Qaeda"]}).score >= (
        matching.DEFAULT_THRESHOLD)
