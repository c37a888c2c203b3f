"""LB-adequacy-gate through HTTP with real tokens, on both databases: the nominator's
attestation, the duplicate check at nomination and approval, and the impact simulation on the
recent screenings whose data are still held."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, update

from service.db.engine import normalise_url
from service.models.screening import Screening, ScreeningQuery
from tests.screening.helpers import screen
from tests.service.factories import entry_body

ROOT = Path(__file__).resolve().parents[2]
RULE = "LB-adequacy-gate"
FUSION = {"agency": "fusion-cell", "sub": "rita"}
FIRST_DOCUMENT = "ZX4410982"


def first_person(**overrides) -> dict:  # noqa: ANN003
    body = entry_body(
        names=[{"full_name": "Muhammad al-Tahiri", "name_type": "primary"}],
        birth_dates=[{"date": "1984-07-14"}],
        documents=[{"type": "passport", "number": FIRST_DOCUMENT, "issuing_country": "JO"}],
    )
    body.update(overrides)
    return body


def variant(**overrides) -> dict:  # noqa: ANN003
    """The same person under another transliteration, same birth date, no document."""
    body = entry_body(names=[{"full_name": "Mohamed Tahiri", "name_type": "primary"}],
                      birth_dates=[{"date": "1984-07-14"}], documents=[])
    body.update(overrides)
    return body


def nominate(client, headers, body: dict, *, agency: str = "police", sub: str = "alice"):  # noqa: ANN001, ANN201
    response = client.post("/v1/entries", json=body,
                           headers=headers("operator", agency=agency, sub=sub))
    assert response.status_code == 201, response.text
    return response


def approve(client, headers, created, **body):  # noqa: ANN001, ANN003, ANN201
    entry = created.json()
    return client.post(f"/v1/entries/{entry['id']}/approve",
                       json={"reason": "criteria met", **body},
                       headers=headers("reviewer", **FUSION,
                                       **{"If-Match": created.headers["ETag"]}))


def listed(client, headers, body: dict, *, agency: str = "police") -> dict:  # noqa: ANN001
    approved = approve(client, headers, nominate(client, headers, body, agency=agency))
    assert approved.status_code == 200, approved.text
    return approved.json()


def events(client, headers, **params) -> list[dict]:  # noqa: ANN001, ANN003
    response = client.get("/v1/audit/events", params=params,
                          headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.mark.parametrize("attested", ["missing", False, "true", 1, None])
def test_nomination_without_attestation_is_refused_and_nothing_is_written(
        client, headers, attested) -> None:
    """LB-adequacy-gate: a nomination whose nominator does not attest, explicitly and as JSON
    true, that the information is adequate, accurate and important enough is refused with a
    422 naming the field and the rule; no entry and no nomination event are written."""
    body = entry_body()
    if attested == "missing":
        del body["adequacy_attested"]
    else:
        body["adequacy_attested"] = attested
    response = client.post("/v1/entries", json=body, headers=headers("operator"))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(item["loc"][:2] == ["body", "adequacy_attested"] and item.get("rule") == RULE
               for item in detail), detail
    assert "Tahiri" not in response.text
    listing = client.get("/v1/entries", headers=headers("reviewer", agency="fusion-cell"))
    assert listing.json()["items"] == []
    assert events(client, headers, action="entry.nominate") == []


def test_attestation_and_note_are_kept_with_the_nomination(client, headers) -> None:
    """LB-adequacy-gate: the attestation is recorded as the nominator's, with their note, and
    shown where the reviewer decides."""
    created = nominate(client, headers, entry_body(adequacy_note="checked against FIU file"))
    report = client.get(f"/v1/entries/{created.json()['id']}/adequacy",
                        headers=headers("reviewer", **FUSION))
    assert report.status_code == 200, report.text
    attestation = report.json()["attestation"]
    assert attestation["attested_as"] == "nominator"
    assert attestation["attested_by"] == "alice"
    assert attestation["note"] == "checked against FIU file"
    assert attestation["attested_at"]


def test_transliteration_variant_is_a_possible_duplicate_and_approval_needs_a_reason(
        client, headers) -> None:
    """LB-adequacy-gate: "Mohamed Tahiri" nominated after "Muhammad al-Tahiri" with the same
    birth date lists the first as a possible duplicate (id, score, band); approval is refused
    (409, naming the field and the rule, audited as refused) until the reviewer records why
    they are different people. The audit trail holds counts, never names."""
    first = listed(client, headers, first_person())
    created = nominate(client, headers, variant(), sub="bob")
    second = created.json()
    [duplicate] = second["possible_duplicates"]
    assert duplicate["visible"] is True
    assert duplicate["entry_id"] == first["id"]
    assert duplicate["score"] >= 0.8 and duplicate["band"] in ("strong", "possible")
    read = client.get(f"/v1/entries/{second['id']}", headers=headers("reviewer", **FUSION))
    assert read.json()["possible_duplicates"] == [duplicate]

    refused = approve(client, headers, created)
    assert refused.status_code == 409, refused.text
    [detail] = refused.json()["detail"]
    assert detail["loc"] == ["body", "duplicate_resolution"] and detail["rule"] == RULE
    assert "Tahiri" not in refused.text and "1984" not in refused.text
    still = client.get(f"/v1/entries/{second['id']}", headers=headers("reviewer", **FUSION))
    assert still.json()["status"] == "pending_review"
    [refusal] = [e for e in events(client, headers, target_id=second["id"])
                 if e["outcome"] == "refused"]
    assert refusal["details"]["rules"] == [RULE] and refusal["details"]["status"] == 409

    approved = approve(client, headers, created,
                       duplicate_resolution="different fathers' names in the case files")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "active"
    report = client.get(f"/v1/entries/{second['id']}/adequacy",
                        headers=headers("reviewer", **FUSION)).json()
    assert report["duplicate_check"]["resolution_recorded"] is True

    nominated = events(client, headers, target_id=second["id"], action="entry.nominate")
    assert nominated[0]["details"]["possible_duplicates"] == 1
    activated = [e for e in events(client, headers, target_id=second["id"],
                                   action="entry.approve") if e["outcome"] == "success"]
    assert activated[0]["details"]["possible_duplicates"] == 1
    assert activated[0]["details"]["duplicate_resolution_recorded"] is True
    for event in nominated + activated:
        assert "Tahiri" not in str(event["details"]) and "1984" not in str(event["details"])


def test_a_duplicate_delisted_meanwhile_no_longer_blocks(client, headers) -> None:
    """LB-adequacy-gate: once the earlier entry is delisted, the later one is approved without
    a resolution: the check runs again at approval on the list as it now stands."""
    first = listed(client, headers, first_person())
    created = nominate(client, headers, variant(), sub="bob")
    assert len(created.json()["possible_duplicates"]) == 1
    delisted = client.post(f"/v1/entries/{first['id']}/delist",
                           json={"reason": "merged into the later nomination"},
                           headers=headers("reviewer", **FUSION))
    assert delisted.status_code == 200, delisted.text
    read = client.get(f"/v1/entries/{created.json()['id']}",
                      headers=headers("reviewer", **FUSION))
    assert read.json()["possible_duplicates"] == []
    approved = approve(client, headers, created)
    assert approved.status_code == 200, approved.text


def test_a_namesake_with_another_birth_date_and_document_is_not_blocked(client, headers) -> None:
    """LB-adequacy-gate: a different person with a similar name but another birth date and
    another passport is not a possible duplicate. The matching engine scores the pair below its
    default threshold (band ``weak``): the birth dates disagree. Only the pairs screening itself
    would call a possible match block; namesakes would bury the real duplicates."""
    listed(client, headers, first_person())
    other = entry_body(names=[{"full_name": "Mohamed Tahiri", "name_type": "primary"}],
                       birth_dates=[{"date": "1962-03-02"}],
                       documents=[{"type": "passport", "number": "AB1234567",
                                   "issuing_country": "JO"}])
    created = nominate(client, headers, other, sub="bob")
    assert created.json()["possible_duplicates"] == []
    approved = approve(client, headers, created)
    assert approved.status_code == 200, approved.text


def test_of_two_pending_nominations_only_the_later_is_the_duplicate(client, headers) -> None:
    """LB-adequacy-gate: two nominations of one person awaiting review do not block each
    other both: the earlier is approved without a resolution, the later needs one."""
    earlier = nominate(client, headers, first_person())
    later = nominate(client, headers, variant(), sub="bob")
    assert [d["entry_id"] for d in later.json()["possible_duplicates"]] == [earlier.json()["id"]]
    assert approve(client, headers, earlier).status_code == 200
    assert approve(client, headers, later).status_code == 409


def test_an_amendment_of_the_identity_checks_again(client, headers) -> None:
    """LB-adequacy-gate: an amendment that changes the names is checked for duplicates again;
    once it names somebody else, the entry is approved without a resolution."""
    listed(client, headers, first_person())
    created = nominate(client, headers, variant(), sub="bob")
    amended = client.patch(f"/v1/entries/{created.json()['id']}",
                           json={"reason": "the source spelled another person's name",
                                 "names": [{"full_name": "Zebulon Quartermaine"}]},
                           headers=headers("operator", sub="bob",
                                           **{"If-Match": created.headers["ETag"]}))
    assert amended.status_code == 200, amended.text
    assert amended.json()["possible_duplicates"] == []
    [event] = events(client, headers, target_id=created.json()["id"], action="entry.update")
    assert event["details"]["possible_duplicates"] == 0
    approved = client.post(f"/v1/entries/{created.json()['id']}/approve",
                           json={"reason": "criteria met"},
                           headers=headers("reviewer", **FUSION,
                                           **{"If-Match": amended.headers["ETag"]}))
    assert approved.status_code == 200, approved.text


def test_an_agency_that_may_not_see_the_duplicate_learns_only_that_it_exists(
        client, headers) -> None:
    """LB-adequacy-gate, sharing restrictions: customs lists the person without sharing the
    entry; police nominate them again and learn that a possible duplicate exists, not its id,
    score or data. The fusion cell, which sees every entry, gets its id and score."""
    first = listed(client, headers, first_person(originating_agency="customs", shared_with=[]),
                   agency="customs")
    created = nominate(client, headers, variant(), sub="bob")
    assert created.json()["possible_duplicates"] == [
        {"visible": False, "entry_id": None, "score": None, "band": None}]
    for response in (
        created,
        client.get(f"/v1/entries/{created.json()['id']}", headers=headers("operator", sub="bob")),
        client.get(f"/v1/entries/{created.json()['id']}/adequacy",
                   headers=headers("operator", sub="bob")),
    ):
        assert response.status_code in (200, 201), response.text
        assert first["id"] not in response.text
        assert FIRST_DOCUMENT not in response.text and "Muhammad" not in response.text
    police_view = client.get(f"/v1/entries/{created.json()['id']}/adequacy",
                             headers=headers("operator", sub="bob")).json()
    assert police_view["duplicate_check"]["possible_duplicates"] == [
        {"visible": False, "entry_id": None, "score": None, "band": None}]
    fusion_view = client.get(f"/v1/entries/{created.json()['id']}/adequacy",
                             headers=headers("reviewer", **FUSION)).json()
    [seen] = fusion_view["duplicate_check"]["possible_duplicates"]
    assert seen["entry_id"] == first["id"] and seen["score"] >= 0.8


MATCHING_TRAVELLERS = [
    {"names": ["Mohamed Tahiri"], "birth_date": "1984-07-14"},
    {"names": ["Mohammed al Tahiri"], "birth_date": "1984-07-14", "nationality": "JO"},
    {"names": ["Muhamad Tahiri"], "birth_date": "1984"},
]
OTHER_TRAVELLERS = [
    {"names": ["John Smith"], "birth_date": "1984-07-14"},
    {"names": ["Ahmed Hassan"], "birth_date": "1970-01-01"},
]


def _age_query(database_url: str, screening_id: str, days: int) -> None:
    """Move one stored screening query back in time (as if screened ``days`` ago)."""
    engine = create_engine(normalise_url(database_url))
    with engine.begin() as connection:
        query_id = connection.execute(
            select(Screening.query_id).where(Screening.id == screening_id)).scalar_one()
        connection.execute(update(ScreeningQuery).where(ScreeningQuery.id == query_id).values(
            created_at=datetime.now(UTC) - timedelta(days=days)))
    engine.dispose()


def _erase_queries(settings, older_than_days: int) -> None:  # noqa: ANN001
    env = {**os.environ, "WATCHLIST_DATABASE_URL": settings.database_url,
           "WATCHLIST_ENVIRONMENT": "test", "WATCHLIST_DATA_DIR": str(settings.data_dir)}
    result = subprocess.run([sys.executable, "-m", "service.cli", "screening", "erase-queries",
                             "--older-than-days", str(older_than_days)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_impact_counts_the_held_recent_screenings_that_would_hit(
        client, headers, settings, database_url) -> None:
    """LB-adequacy-gate: the impact simulation counts how many stored recent screenings would
    have hit the new entry at the default threshold: three of five here. A query older than the
    retention period is left out even before it is erased, and an erased one is gone for good.
    The answer holds counts only, never a traveller's data, and the read is audited."""
    screened = [screen(client, headers, traveller).json()["screening_id"]
                for traveller in MATCHING_TRAVELLERS + OTHER_TRAVELLERS]
    created = nominate(client, headers, first_person())
    url = f"/v1/entries/{created.json()['id']}/adequacy"

    def impact() -> dict:
        response = client.get(url, headers=headers("reviewer", **FUSION))
        assert response.status_code == 200, response.text
        for token in ("Smith", "Hassan", "Mohamed", "Muhamad", "1970"):
            assert token not in response.text
        return response.json()["impact"]

    first = impact()
    assert (first["queries_examined"], first["would_hit"], first["complete"]) == (5, 3, True)
    assert first["strong"] + first["possible"] == 3
    assert first["threshold"] == pytest.approx(0.8)

    _age_query(database_url, screened[0], days=120)  # held, but past the retention period
    aged = impact()
    assert (aged["queries_examined"], aged["would_hit"]) == (4, 2)

    _age_query(database_url, screened[1], days=40)
    _erase_queries(settings, older_than_days=30)  # erases both old queries
    erased = impact()
    assert (erased["queries_examined"], erased["would_hit"]) == (3, 1)

    [*_, event] = events(client, headers, target_id=created.json()["id"],
                         action="entry.adequacy")
    assert event["operation"] == "consultation"
    assert event["details"]["impact_would_hit"] == 1
    assert event["details"]["impact_queries_examined"] == 3
