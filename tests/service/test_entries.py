"""The entries workflow through HTTP with real tokens, on both databases."""

from __future__ import annotations

import pytest

from tests.service.factories import entry_body


def _nominate(client, headers, **overrides):  # noqa: ANN001, ANN202
    response = client.post("/v1/entries", json=entry_body(**overrides),
                           headers=headers("operator", agency="police", sub="alice"))
    assert response.status_code == 201, response.text
    return response.json()


def test_nomination_starts_pending_review(client, headers) -> None:
    """LB-second-review: a nomination is never active on creation."""
    entry = _nominate(client, headers)
    assert entry["status"] == "pending_review"
    assert entry["nominating_officer"] == "alice"
    assert entry["version"] == 1
    assert entry["names"][1]["script"] == "Arabic"


@pytest.mark.parametrize(
    ("missing", "rule"),
    [
        ("legal_basis", "LB-legal-basis"),
        ("decision_ref", "LB-legal-basis"),
        ("listing_standard", "LB-standard"),
        ("articulable_facts", "LB-standard"),
        ("data_subject_category", "DQ-subject-category"),
        ("originating_agency", "LB-legal-basis"),
        ("derogatory_items", "LB-standard"),
        ("names", "LB-legal-basis"),
    ],
)
def test_creation_without_required_listing_field_is_refused(client, headers, missing, rule) -> None:
    """LB-legal-basis, LB-standard, DQ-subject-category: 422 names the field and the rule."""
    body = entry_body()
    del body[missing]
    response = client.post("/v1/entries", json=body, headers=headers("operator"))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(
        item["loc"][:2] == ["body", missing] and item.get("rule") == rule for item in detail
    ), detail


def test_all_missing_fields_are_named_at_once(client, headers) -> None:
    """LB-legal-basis, LB-standard, DQ-subject-category: every missing field in one answer."""
    response = client.post("/v1/entries", json={"kind": "person"}, headers=headers("operator"))
    assert response.status_code == 422
    named = {tuple(item["loc"][:2]) for item in response.json()["detail"]}
    for field in ("legal_basis", "decision_ref", "listing_standard", "articulable_facts",
                  "data_subject_category", "originating_agency", "names", "derogatory_items"):
        assert ("body", field) in named


def test_derogatory_items_need_conduct_and_grading(client, headers) -> None:
    """DQ-fact-vs-assessment, LB-standard: items are graded and at least one is conduct-based;
    each refusal names the rule it enforces."""
    def refused(body: dict) -> list[dict]:
        response = client.post("/v1/entries", json=body, headers=headers("operator"))
        assert response.status_code == 422, response.text
        return response.json()["detail"]

    body = entry_body()
    for item in body["derogatory_items"]:
        item["conduct_based"] = False
    [detail] = refused(body)
    assert (detail["loc"], detail["rule"]) == (["body", "derogatory_items"], "LB-standard")

    [detail] = refused(entry_body(derogatory_items=[]))
    assert (detail["loc"], detail["rule"]) == (["body", "derogatory_items"], "LB-standard")

    body = entry_body()
    del body["derogatory_items"][1]["holding_body"]
    [detail] = refused(body)
    assert detail["loc"][:3] == ["body", "derogatory_items", 1]
    assert detail["rule"] == "DQ-fact-vs-assessment"
    assert "holding_body" in detail["msg"]

    for field, value in (("kind", "rumour"), ("source_reliability", "Z"),
                         ("information_credibility", "9"), ("holding_body", "")):
        body = entry_body()
        body["derogatory_items"][0][field] = value
        [detail] = refused(body)
        assert detail["loc"][:4] == ["body", "derogatory_items", 0, field], detail
        assert detail["rule"] == "DQ-fact-vs-assessment", detail

    body = entry_body()
    del body["derogatory_items"][0]["source_reliability"]
    [detail] = refused(body)
    assert detail["rule"] == "DQ-fact-vs-assessment"
    assert detail["msg"] == "source_reliability is required (DQ-fact-vs-assessment)"


def test_associates_cannot_carry_intrusive_actions(client, headers) -> None:
    """LB-association: OTHER_PARTY entries are limited to low-intrusion action codes."""
    response = client.post(
        "/v1/entries",
        json=entry_body(
            data_subject_category="OTHER_PARTY", action_on_hit="refer_secondary_inspection"
        ),
        headers=headers("operator"),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "LB-association"
    ok = client.post("/v1/entries",
                     json=entry_body(data_subject_category="OTHER_PARTY",
                                     action_on_hit="discreet_check"),
                     headers=headers("operator"))
    assert ok.status_code == 201


def test_operator_cannot_nominate_for_another_agency(client, headers) -> None:
    response = client.post("/v1/entries", json=entry_body(originating_agency="customs"),
                           headers=headers("operator", agency="police"))
    assert response.status_code == 422


def test_second_review_by_someone_else(client, headers) -> None:
    """LB-second-review: the nominator cannot approve; another reviewer can; no direct path to
    active."""
    entry = _nominate(client, headers)
    url = f"/v1/entries/{entry['id']}"
    read_version = {"If-Match": '"1"'}
    # An operator lacks the approve scope.
    assert client.post(url + "/approve", json={"reason": "looks fine"},
                       headers=headers("operator", sub="bob", **read_version)).status_code == 403
    # The nominator holding a reviewer role still may not approve their own nomination.
    self_approval = client.post(url + "/approve", json={"reason": "self approval"},
                                headers=headers(["operator", "reviewer"], sub="alice",
                                                **read_version))
    assert self_approval.status_code == 403
    assert "LB-second-review" in self_approval.json()["message"]
    # PATCH cannot set the status.
    current = client.get(url, headers=headers("operator", sub="alice"))
    patched = client.patch(url, json={"reason": "try to activate", "status": "active"},
                           headers=headers("operator", sub="alice",
                                           **{"If-Match": current.headers["ETag"]}))
    assert patched.status_code == 422
    approved = client.post(url + "/approve", json={"reason": "criteria met"},
                           headers=headers("reviewer", sub="rita", **read_version))
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "active"
    assert body["reviewed_by"] == "rita"
    assert body["review_due"] is not None
    # Approving twice is a lifecycle error, not a silent success.
    assert client.post(url + "/approve", json={"reason": "again"},
                       headers=headers("reviewer", sub="rita",
                                       **{"If-Match": approved.headers["ETag"]})).status_code == 422


def test_reading_requires_a_purpose_and_is_audited(client, headers) -> None:
    """LG-consult-fields: a read without a purpose is refused; a read with one is recorded."""
    entry = _nominate(client, headers)
    url = f"/v1/entries/{entry['id']}"
    missing = client.get(url, headers=headers("operator", purpose=None))
    assert missing.status_code == 422
    assert any(d["loc"] == ["header", "X-Purpose"] for d in missing.json()["detail"])
    read = client.get(url, headers=headers("operator", sub="carol",
                                           purpose="border alert follow-up"))
    assert read.status_code == 200
    events = client.get("/v1/audit/events",
                        params={"action": "entry.read", "target_id": entry["id"]},
                        headers=headers("oversight", agency="dpa")).json()["items"]
    assert len(events) == 1
    event = events[0]
    assert event["operation"] == "consultation"
    assert event["actor_sub"] == "carol"
    assert event["actor_agency"] == "police"
    assert event["purpose"] == "border alert follow-up"
    assert event["request_id"]


def test_stale_update_is_refused_and_loses_nothing(client, headers) -> None:
    """Optimistic concurrency: a write against an old version gets 412 and changes nothing."""
    entry = _nominate(client, headers)
    url = f"/v1/entries/{entry['id']}"
    etag = client.get(url, headers=headers("operator")).headers["ETag"]
    first = client.patch(url, json={"reason": "add alias", "birth_places": ["Second City"]},
                         headers=headers("operator", sub="alice", **{"If-Match": etag}))
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    stale = client.patch(url, json={"reason": "conflicting edit", "birth_places": ["Other City"]},
                         headers=headers("operator", sub="dan", **{"If-Match": etag}))
    assert stale.status_code == 412
    current = client.get(url, headers=headers("operator")).json()
    assert current["birth_places"] == ["Second City"]
    assert current["version"] == 2
    no_precondition = client.patch(url, json={"reason": "no if-match", "birth_places": []},
                                   headers=headers("operator"))
    assert no_precondition.status_code == 428
    history = client.get(url + "/history", headers=headers("operator")).json()["versions"]
    assert [v["version"] for v in history] == [1, 2]
    assert history[1]["changed_fields"] == ["birth_places"]
    assert history[1]["reason"] == "add alias"
    assert history[0]["snapshot"]["birth_places"] == ["Fictional City"]


def test_agency_isolation_is_a_404(client, headers) -> None:
    entry = _nominate(client, headers, shared_with=["customs"])
    url = f"/v1/entries/{entry['id']}"
    assert client.get(url, headers=headers("operator", agency="army")).status_code == 404
    assert client.get(url, headers=headers("operator", agency="customs")).status_code == 200
    assert client.get(url, headers=headers("reviewer", agency="fusion-cell")).status_code == 200
    listed = client.get("/v1/entries", headers=headers("operator", agency="army")).json()
    assert listed["items"] == []


def test_cursor_pagination_visits_every_entry_once(client, headers) -> None:
    created = {_nominate(client, headers)["id"] for _ in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/entries", params=params, headers=headers("operator")).json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(created)
    assert client.get("/v1/entries", params={"cursor": "garbage"},
                      headers=headers("operator")).status_code == 422


def test_border_and_oversight_cannot_read_entries(client, headers) -> None:
    entry = _nominate(client, headers)
    url = f"/v1/entries/{entry['id']}"
    assert client.get(url, headers=headers("border")).status_code == 403
    assert client.get(url, headers=headers("oversight")).status_code == 403
    assert client.get(url).status_code == 401


def test_hostile_unicode_is_refused_clearly(client, headers) -> None:
    """Bidi overrides, NUL and lone surrogates get a 422 with the field path, never a 500."""
    for bad in ("Qasim\u202eirahaT", "Qasim\x00Tahiri"):
        body = entry_body(names=[{"full_name": bad}])
        response = client.post("/v1/entries", json=body, headers=headers("operator"))
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"][:3] == ["body", "names", 0]
    raw = '{"names": [{"full_name": "\\ud800abc"}]}'
    response = client.post("/v1/entries", content=raw.encode(),
                           headers={**headers("operator"), "Content-Type": "application/json"})
    assert response.status_code == 422
    # Zero-width joiners are legitimate in Persian names and are kept.
    body = entry_body(names=[{"full_name": "می\u200cخواهم"}])
    assert client.post("/v1/entries", json=body, headers=headers("operator")).status_code == 201


def test_oversized_body_is_413(client, headers) -> None:
    """A body over the limit is a 413 whether its length is declared or it arrives in chunks
    (FastAPI used to turn the chunked case into a 400), and nothing is written."""
    body = entry_body(articulable_facts="x" * 3_000_000)
    declared = client.post("/v1/entries", json=body, headers=headers("operator"))
    assert declared.status_code == 413
    assert declared.json()["error"] == "payload_too_large"

    import json

    payload = json.dumps(body).encode()

    def chunks():  # noqa: ANN202  (no Content-Length: httpx sends Transfer-Encoding: chunked)
        for start in range(0, len(payload), 64 * 1024):
            yield payload[start:start + 64 * 1024]

    chunked = client.post("/v1/entries", content=chunks(),
                          headers={**headers("operator"), "Content-Type": "application/json"})
    assert chunked.status_code == 413, chunked.text
    assert chunked.json()["error"] == "payload_too_large"
    assert "exceeds" in chunked.json()["message"]
    assert client.get("/v1/entries", headers=headers("operator")).json()["items"] == []


LIST_FIELDS = ("names", "documents", "nationalities", "birth_dates", "birth_places",
               "derogatory_items", "warning_flags", "shared_with")


def test_null_for_a_field_an_entry_cannot_lack_is_a_422(client, headers) -> None:
    """A null list (or legal basis, category, ...) is refused with its field path, not a 500,
    and nothing changes; leaving a field out keeps it, [] empties a list that may be empty."""
    entry = _nominate(client, headers)
    url = f"/v1/entries/{entry['id']}"
    for field in (*LIST_FIELDS, "legal_basis", "data_subject_category", "contact_point"):
        response = client.patch(url, json={"reason": "clear it", field: None},
                                headers=headers("operator", sub="alice", **{"If-Match": '"1"'}))
        assert response.status_code == 422, (field, response.text)
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert client.get(url, headers=headers("operator")).json()["version"] == 1
    cleared = client.patch(url, json={"reason": "no flags", "warning_flags": [], "gender": None},
                           headers=headers("operator", sub="alice", **{"If-Match": '"1"'}))
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["warning_flags"], cleared.json()["gender"]) == ([], None)


def test_an_amendment_that_changes_nothing_writes_no_version(client, headers) -> None:
    """A PATCH with only a reason, or with the stored values, answers 200 with the entry as it
    is: no new version, no history row, no alteration in the audit trail."""
    entry = _nominate(client, headers)
    url = f"/v1/entries/{entry['id']}"
    same = {field: entry[field] for field in ("names", "birth_dates", "documents",
                                                "derogatory_items", "shared_with", "gender")}
    same["birth_dates"] = [{"date": d["date"]} for d in entry["birth_dates"]]
    for body in ({"reason": "just a note"}, {"reason": "same values", **same}):
        response = client.patch(url, json=body,
                                headers=headers("operator", sub="alice", **{"If-Match": '"1"'}))
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 1
        assert response.headers["ETag"] == '"1"'
        assert response.json()["updated_at"] == entry["updated_at"]
    history = client.get(url + "/history", headers=headers("operator")).json()["versions"]
    assert [v["version"] for v in history] == [1]
    events = client.get("/v1/audit/events", params={"target_id": entry["id"]},
                        headers=headers("oversight", agency="dpa")).json()["items"]
    assert "entry.update" not in {event["action"] for event in events}


def _cursor(*parts: object) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


OUT_OF_RANGE = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00", "1899-12-31T23:59:59Z",
                "0001-01-01T00:00:00")


def test_date_times_outside_the_storable_years_are_a_422(client, headers) -> None:
    """A date-time whose conversion to UTC leaves the calendar, or that no backend compares
    with, is refused naming the parameter, not a 500 (entries, audit events)."""
    for moment in OUT_OF_RANGE:
        for path, param, role, agency in (("/v1/entries", "updated_since", "operator", "police"),
                                          ("/v1/audit/events", "since", "oversight", "dpa"),
                                          ("/v1/audit/events", "until", "oversight", "dpa")):
            response = client.get(path, params={param: moment},
                                  headers=headers(role, agency=agency))
            assert response.status_code == 422, (path, param, moment, response.text)
            assert response.json()["detail"][0]["loc"] == ["query", param]
    for moment in ("1900-01-01T00:00:00Z", "9998-12-31T23:59:59-12:00", "2026-01-01T00:00:00"):
        response = client.get("/v1/entries", params={"updated_since": moment},
                              headers=headers("operator"))
        assert response.status_code == 200, (moment, response.text)


def test_cursors_this_service_did_not_issue_are_a_422(client, headers) -> None:
    """invalid_cursor for out-of-range or naive date-times and ids that are not UUIDs (a NUL
    character was a PostgreSQL 500)."""
    an_id = "6f1c2d4e-9a8b-4c3d-8e7f-0a1b2c3d4e5f"
    bad = [_cursor(moment, an_id) for moment in OUT_OF_RANGE]
    bad += [_cursor("2026-01-01T00:00:00+00:00", entry_id)
            for entry_id in ("a\x00b", "x" * 36, an_id.upper(), 42, None)]
    for cursor in bad:
        response = client.get("/v1/entries", params={"cursor": cursor}, headers=headers("operator"))
        assert response.status_code == 422, (cursor, response.text)
        assert response.json()["error"] == "invalid_cursor"
    ok = client.get("/v1/entries", params={"cursor": _cursor("2026-01-01T00:00:00+00:00", an_id)},
                    headers=headers("operator"))
    assert ok.status_code == 200, ok.text
