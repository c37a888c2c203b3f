"""What may lower a hit below POSSIBLE_MATCH_REFER: only a positive distinguishing feature, never
the coincidence of name and birth date that makes people mistaken for a listed subject. Through
HTTP with real tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.screening.helpers import active_entry, screen, traveller

REVIEWER = {"role": "reviewer", "agency": "police", "sub": "rene"}
PRIMARY_NAME = "Qasim Yusuf Tahiri"  # the factory entry's own primary name and birth date
LISTED_PASSPORT = {"number": "ZX4410982", "country": "JO"}
CLEARED_PASSPORT = {"number": "P1234567", "country": "JO"}


def _register(client, headers, entry_id: str, documents: list[dict]) -> str:  # noqa: ANN001
    response = client.post("/v1/cleared-persons", json={
        "entry_id": entry_id,
        "consent": {"reference": "consent form CP-2026-9", "given_at": "2026-11-01T10:00:00Z"},
        "identity": {"names": [PRIMARY_NAME], "birth_date": "1984-07-14",
                     "documents": documents},
    }, headers=headers("reviewer", agency="fusion-cell", sub="ruth", purpose=None))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _decide_false_positive(client, headers, screening: dict) -> None:  # noqa: ANN001
    hit = screening["hits"][0]
    response = client.post(
        f"/v1/screenings/{screening['screening_id']}/hits/{hit['hit_id']}/decision",
        json={"decision": "false_positive", "reason": "documents checked in secondary"},
        headers=headers(**REVIEWER, purpose=None))
    assert response.status_code == 201, response.text


def test_cleared_profile_needs_its_document_not_name_and_birth_date(client, headers) -> None:
    """MT-misidentified: a profile registered for someone with the listed subject's own name and
    birth date does not let a traveller with that name and birth date but no document pass; the
    profile's passport does distinguish its holder."""
    entry = active_entry(client, headers)
    profile_id = _register(client, headers, entry["id"], [CLEARED_PASSPORT])

    no_document = screen(client, headers, traveller(names=[PRIMARY_NAME],
                                                    travel_document=None)).json()
    assert no_document["result"] == "POSSIBLE_MATCH_REFER"
    (hit,) = no_document["hits"]
    assert hit["status"] == "POSSIBLE_MATCH_REFER" and "cleared_person_id" not in hit

    with_passport = screen(client, headers, traveller(names=[PRIMARY_NAME],
                                                      travel_document=CLEARED_PASSPORT)).json()
    assert with_passport["result"] == "NO_MATCH"
    assert with_passport["hits"][0]["status"] == "CLEARED_PERSON"
    assert with_passport["hits"][0]["cleared_person_id"] == profile_id


def test_the_listed_subjects_own_document_never_clears(client, headers) -> None:
    """MT-misidentified: a document the listed entry itself holds (a misused identity may come
    with a copy of the victim's passport) cannot tell the traveller apart, even when a profile
    lists it."""
    entry = active_entry(client, headers)
    _register(client, headers, entry["id"], [CLEARED_PASSPORT, LISTED_PASSPORT])
    response = screen(client, headers, traveller(names=[PRIMARY_NAME],
                                                 travel_document=LISTED_PASSPORT)).json()
    assert response["result"] == "POSSIBLE_MATCH_REFER"
    assert response["hits"][0]["status"] == "POSSIBLE_MATCH_REFER"


def test_false_positive_decided_on_a_document_needs_that_document(client, headers) -> None:
    """MT-human-in-loop, MT-misidentified: a false positive recorded for a traveller with a
    passport is not applied to a traveller of the same name and birth date without one."""
    active_entry(client, headers)
    first = screen(client, headers, traveller()).json()
    _decide_false_positive(client, headers, first)
    assert screen(client, headers, traveller()).json()["hits"][0]["status"] \
        == "PREVIOUSLY_CLEARED"
    without = screen(client, headers, traveller(travel_document=None)).json()
    assert without["result"] == "POSSIBLE_MATCH_REFER"
    assert without["hits"][0]["status"] == "POSSIBLE_MATCH_REFER"


def test_false_positive_decided_without_a_document_needs_none_either(client, headers) -> None:
    """MT-human-in-loop: a false positive recorded on name and birth date alone identifies the
    traveller only while no document is presented; a traveller who shows a passport is not
    known to be that person and is referred."""
    active_entry(client, headers)
    no_document = traveller(travel_document=None)
    _decide_false_positive(client, headers, screen(client, headers, no_document).json())
    assert screen(client, headers, no_document).json()["hits"][0]["status"] \
        == "PREVIOUSLY_CLEARED"
    with_passport = screen(client, headers, traveller()).json()
    assert with_passport["result"] == "POSSIBLE_MATCH_REFER"
