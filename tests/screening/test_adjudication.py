"""Human decisions on hits and the cleared-persons register, through HTTP on both databases."""

from __future__ import annotations

from tests.screening.helpers import active_entry, screen, traveller

REVIEWER = {"role": "reviewer", "agency": "police", "sub": "rene"}


def _decide(client, headers, screening, decision, reason="documents checked in secondary"):  # noqa: ANN001, ANN202
    hit = screening["hits"][0]
    return client.post(f"/v1/screenings/{screening['screening_id']}/hits/{hit['hit_id']}/decision",
                       json={"decision": decision, "reason": reason},
                       headers=headers(**REVIEWER, purpose=None))


def test_false_positive_suppresses_the_repeat_alert_for_that_traveller_only(client,
                                                                           headers) -> None:
    """MT-human-in-loop: a named reviewer's false_positive is remembered for this traveller and
    entry; the next screening says the hit was previously cleared and links the decision, while
    another traveller with the same name is still referred. Revocation raises it again."""
    active_entry(client, headers)
    first = screen(client, headers, traveller()).json()
    assert first["result"] == "POSSIBLE_MATCH_REFER"
    decided = _decide(client, headers, first, "false_positive")
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["decided_by"] == "rene" and decision["remembers_traveller"] is True

    again = screen(client, headers, traveller()).json()
    assert again["result"] == "NO_MATCH"
    (hit,) = again["hits"]
    assert hit["status"] == "PREVIOUSLY_CLEARED"
    assert hit["previous_decision_id"] == decision["decision_id"]
    assert "false positive" in hit["note"]
    # The same person presenting the same document, name written differently: still cleared.
    same_doc = screen(client, headers, traveller(names=["TAHIRI Kasim Yousef"])).json()
    assert same_doc["hits"][0]["status"] == "PREVIOUSLY_CLEARED"
    # Another traveller of the same name with another passport is raised afresh.
    other = screen(client, headers, traveller(travel_document={"number": "Q7654321",
                                                               "country": "JO"})).json()
    assert other["result"] == "POSSIBLE_MATCH_REFER"
    assert other["hits"][0]["status"] == "POSSIBLE_MATCH_REFER"

    revoked = client.post(
        f"/v1/screenings/{first['screening_id']}/hits/{first['hits'][0]['hit_id']}/decision/revoke",
        json={"reason": "new information about the passport"},
        headers=headers(**REVIEWER, purpose=None))
    assert revoked.status_code == 200 and revoked.json()["revoked_by"] == "rene"
    assert screen(client, headers, traveller()).json()["result"] == "POSSIBLE_MATCH_REFER"


def test_without_a_document_name_and_birth_date_identify_the_traveller(client, headers) -> None:
    active_entry(client, headers)
    no_doc = traveller(travel_document=None)
    first = screen(client, headers, no_doc).json()
    assert _decide(client, headers, first, "false_positive").status_code == 201
    assert screen(client, headers, no_doc).json()["hits"][0]["status"] == "PREVIOUSLY_CLEARED"
    # A namesake with another (or less precise) birth date is another traveller.
    namesake = screen(client, headers, traveller(travel_document=None, birth_date="1984")).json()
    assert namesake["result"] == "POSSIBLE_MATCH_REFER"


def test_decisions_need_a_named_reviewer_of_an_entitled_agency(client, headers) -> None:
    """MT-human-in-loop: border systems cannot decide; an agency that may not see the entry
    gets 404; one standing decision per hit; a confirmed hit is raised again next time."""
    active_entry(client, headers)
    screening = screen(client, headers, traveller()).json()
    hit_url = (f"/v1/screenings/{screening['screening_id']}/hits/"
               f"{screening['hits'][0]['hit_id']}/decision")
    body = {"decision": "confirmed", "reason": "identity confirmed by fingerprints"}
    assert client.post(hit_url, json=body, headers=headers("border", agency="border-guard",
                                                           purpose=None)).status_code == 403
    assert client.post(hit_url, json=body, headers=headers("reviewer", agency="tax-office",
                                                           purpose=None)).status_code == 404
    assert client.post(hit_url, json={"decision": "maybe", "reason": "unsure"},
                       headers=headers(**REVIEWER, purpose=None)).status_code == 422
    reviewer = headers(**REVIEWER, purpose=None)
    assert client.post(hit_url, json=body, headers=reviewer).status_code == 201
    assert client.post(hit_url, json=body, headers=reviewer).status_code == 409
    assert screen(client, headers, traveller()).json()["result"] == "POSSIBLE_MATCH_REFER"


def test_decisions_are_in_the_verified_audit_trail(client, headers) -> None:
    """LG-consult-fields, MT-human-in-loop: the decision and its revocation are audit events with
    the named human and the reason; the chain verifies."""
    active_entry(client, headers)
    screening = screen(client, headers, traveller()).json()
    decision = _decide(client, headers, screening, "false_positive").json()
    client.post(f"/v1/screenings/{screening['screening_id']}/hits/"
                f"{screening['hits'][0]['hit_id']}/decision/revoke",
                json={"reason": "decided in error"}, headers=headers(**REVIEWER, purpose=None))
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    events = client.get("/v1/audit/events", params={"target_id": screening["hits"][0]["hit_id"]},
                        headers=oversight).json()["items"]
    assert [e["action"] for e in events] == ["screening.decision", "screening.decision.revoke"]
    assert events[0]["actor_sub"] == "rene"
    assert events[0]["purpose"] == "documents checked in secondary"
    assert events[0]["details"]["decision_id"] == decision["decision_id"]
    assert client.get("/v1/audit/verify", headers=oversight).json()["ok"] is True


def test_cleared_person_register(client, headers) -> None:
    """MT-misidentified: with consent, a misidentified person's identity distinguishes them (the
    hit is annotated), every use is audited, and withdrawal erases the data."""
    entry = active_entry(client, headers)
    redress = headers("reviewer", agency="fusion-cell", sub="ruth", purpose=None)
    profile = {
        "entry_id": entry["id"],
        "consent": {"reference": "consent form CP-2026-7", "given_at": "2026-11-01T10:00:00Z"},
        "identity": {"names": ["Kasim Yousef Tahiri"], "birth_date": "1984-07-14",
                     "documents": [{"number": "P1234567", "country": "JO"}]},
    }
    created = client.post("/v1/cleared-persons", json=profile, headers=redress)
    assert created.status_code == 201, created.text
    profile_id = created.json()["id"]
    border = headers("border", agency="border-guard", purpose=None)
    assert client.post("/v1/cleared-persons", json=profile, headers=border).status_code == 403

    screening = screen(client, headers, traveller()).json()
    (hit,) = screening["hits"]
    assert hit["status"] == "CLEARED_PERSON" and hit["cleared_person_id"] == profile_id
    assert "MT-misidentified" in hit["note"]
    # Somebody else with the same name but another passport is not covered by the profile.
    other = screen(client, headers, traveller(travel_document={"number": "Q7654321",
                                                               "country": "JO"})).json()
    assert other["hits"][0]["status"] == "POSSIBLE_MATCH_REFER"

    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    uses = client.get("/v1/audit/events", params={"action": "cleared_person.use"},
                      headers=oversight).json()["items"]
    assert [u["details"]["screening_id"] for u in uses] == [screening["screening_id"]]

    withdrawn = client.post(f"/v1/cleared-persons/{profile_id}/withdraw",
                            json={"reason": "consent withdrawn by letter"}, headers=redress)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["identity"] is None and withdrawn.json()["withdrawn_by"] == "ruth"
    read = client.get(f"/v1/cleared-persons/{profile_id}",
                      headers=headers("reviewer", agency="fusion-cell", purpose="redress file"))
    assert read.json()["identity"] is None
    after = screen(client, headers, traveller()).json()
    assert after["hits"][0]["status"] == "POSSIBLE_MATCH_REFER"
    assert client.get("/v1/audit/verify", headers=oversight).json()["ok"] is True


def test_search_data_are_erased_after_retention_and_the_audit_still_verifies(
        client, headers, settings) -> None:
    """LG-consult-fields, LG-retention: the data used for a search are kept apart and erased after
    the retention period; the screening keeps the id and digest, and the chain verifies."""
    from sqlalchemy.orm import Session

    from service.db.engine import make_engine
    from service.models.screening import Screening, ScreeningQuery
    from service.screening.retention import erase_expired_queries

    active_entry(client, headers)
    screening_id = screen(client, headers, traveller()).json()["screening_id"]
    engine = make_engine(settings.database_url)
    with Session(engine) as session, session.begin():
        assert erase_expired_queries(session, older_than_days=1) == 0
        assert erase_expired_queries(session, older_than_days=0) == 1
    with Session(engine) as session:
        screening = session.get(Screening, screening_id)
        query = session.get(ScreeningQuery, screening.query_id)
        assert query.data is None and query.erased_at is not None and screening.query_digest
    engine.dispose()
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    events = client.get("/v1/audit/events", params={"action": "screening.queries.erase"},
                        headers=oversight).json()["items"]
    assert [e["details"]["erased"] for e in events] == [0, 1]
    # A false positive can still be decided, but can no longer be remembered for the traveller.
    hit = client.get(f"/v1/screenings/{screening_id}",
                     headers=headers("reviewer", agency="police", purpose="adjudication"))
    decided = client.post(
        f"/v1/screenings/{screening_id}/hits/{hit.json()['hits'][0]['hit_id']}/decision",
        json={"decision": "false_positive", "reason": "late review"},
        headers=headers(**REVIEWER, purpose=None))
    assert decided.status_code == 201 and decided.json()["remembers_traveller"] is False
    assert client.get("/v1/audit/verify", headers=oversight).json()["ok"] is True
