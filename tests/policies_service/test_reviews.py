"""Periodic review through HTTP and the policy run, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from tests.policies_service.helpers import (
    DAY,
    approve,
    audit_actions,
    chain_ok,
    listed,
    nominate,
    now,
    parse,
    read_entry,
    run,
)

RETAIN = {
    "outcome": "retain",
    "necessity": "New travel bookings show the facilitation network is still active in 2026.",
    "proportionality": "Discreet check only; no less intrusive measure would detect travel.",
}


def _months_later(start, months):  # noqa: ANN001, ANN202
    from policies import Duration

    return Duration(months, "months").after(start)


def test_approval_sets_review_date_and_expiry_from_the_pack(client, headers) -> None:
    """RV-review-date, GV-purpose-config: review_due = activation + 12 months (default pack),
    expires_at = activation + 5 years, and the pack that decided is recorded."""
    entry = listed(client, headers)
    activated = parse(entry["activated_at"])
    assert parse(entry["review_due"]) == _months_later(activated, 12)
    assert parse(entry["expires_at"]) == _months_later(activated, 60)


def test_overdue_entry_is_suspended_audited_and_the_run_is_idempotent(app, client, headers) -> None:
    """RV-review-date: past review_due without a decision the entry stops being active
    (fail-safe), the suspension is audited as the system, and a second run changes nothing."""
    entry = listed(client, headers)
    due = parse(entry["review_due"])
    report = run(app, due - DAY)
    assert report["counts"].get("suspended_overdue", 0) == 0
    report = run(app, due + DAY)
    assert report["counts"]["suspended_overdue"] == 1
    after = read_entry(client, headers, entry["id"]).json()
    assert after["status"] == "suspended"
    assert "RV-review-date" in after["status_reason"]
    assert ("entry.suspend", "system", "success") in audit_actions(app, entry["id"])
    again = run(app, due + 2 * DAY)
    assert again["counts"].get("suspended_overdue", 0) == 0
    suspensions = [a for a in audit_actions(app, entry["id"]) if a[0] == "entry.suspend"]
    assert len(suspensions) == 1
    # Nobody can put it back by hand: only a review decision could, and that is now too late.
    response = client.post(
        f"/v1/entries/{entry['id']}/reinstate",
        json={"reason": "back please"},
        headers=headers("reviewer", agency="fusion-cell", **{"If-Match": f'"{after["version"]}"'}),
    )
    assert response.status_code == 422
    response = client.post(
        f"/v1/entries/{entry['id']}/reviews",
        json=RETAIN,
        headers=headers("reviewer", agency="fusion-cell", sub="rev-2"),
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["rule"] == "review_lapsed"
    assert chain_ok(app)


def test_review_queue_shows_the_warning_window(app, client, headers) -> None:
    """RV-advance-warning: four months before review_due the entry is on the owner's queue
    (and the run records the warning once)."""
    entry = listed(client, headers)
    due = parse(entry["review_due"])
    owner = headers("operator", agency="police", sub="alice")
    early = client.get(
        "/v1/reviews", params={"as_of": (due - timedelta(days=130)).isoformat()}, headers=owner
    )
    assert early.status_code == 200
    assert entry["id"] not in [item["entry_id"] for item in early.json()["items"]]
    inside = client.get(
        "/v1/reviews", params={"as_of": (due - timedelta(days=100)).isoformat()}, headers=owner
    ).json()
    [item] = [item for item in inside["items"] if item["entry_id"] == entry["id"]]
    assert item["review_state"] == "warning" and item["reasons"] == ["warning"]
    from policies import Duration

    assert parse(item["warning_from"]) == Duration(4, "months").before(due)
    # Another agency does not see it at all.
    other = client.get(
        "/v1/reviews", params={"as_of": due.isoformat()}, headers=headers("operator", agency="army")
    ).json()
    assert entry["id"] not in [i["entry_id"] for i in other["items"]]
    assert run(app, due - timedelta(days=100))["counts"]["warned"] == 1
    assert run(app, due - timedelta(days=99))["counts"].get("warned", 0) == 0
    assert [a[0] for a in audit_actions(app, entry["id"])].count("review.warning") == 1


def test_retain_needs_a_recorded_assessment_and_starts_a_new_period(app, client, headers) -> None:
    """RV-extension-record: retain requires necessity AND proportionality texts (different
    ones), starts a new full period, counts the extension and records the pack version."""
    entry = listed(client, headers)
    url = f"/v1/entries/{entry['id']}/reviews"
    reviewer = headers("reviewer", agency="fusion-cell", sub="rev-2")
    missing = client.post(
        url, json={"outcome": "retain", "necessity": "still needed"}, headers=reviewer
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "proportionality"]
    same = client.post(
        url,
        json={"outcome": "retain", "necessity": "Needed.", "proportionality": "needed."},
        headers=reviewer,
    )
    assert same.status_code == 422
    assert client.post(url, json=RETAIN, headers=headers("operator")).status_code == 403
    before = now()
    decided = client.post(url, json=RETAIN, headers=reviewer)
    assert decided.status_code == 201, decided.text
    body = decided.json()
    assert body["extension_number"] == 1
    assert body["policy_pack"] == "default@2026.1"
    new_due = parse(body["new_review_due"])
    assert _months_later(before, 12) <= new_due <= _months_later(now(), 12)
    assert read_entry(client, headers, entry["id"]).json()["review_due"] == body["new_review_due"]
    second = client.post(url, json=RETAIN, headers=reviewer).json()
    assert second["extension_number"] == 2
    stats = client.get("/v1/reviews/stats", headers=headers("oversight", agency="dpa"))
    assert stats.status_code == 200, stats.text
    assert stats.json()["extensions"]["total"] == 2
    assert stats.json()["review"]["decisions"] == {"retain": 2}
    assert [a[0] for a in audit_actions(app, entry["id"])].count("entry.review") == 2
    # The new period holds until its own due date.
    latest_due = parse(second["new_review_due"])
    assert run(app, latest_due - DAY)["counts"].get("suspended_overdue", 0) == 0
    assert read_entry(client, headers, entry["id"]).json()["status"] == "active"


def test_delist_on_review_and_removal_latency_is_reported(app, client, headers) -> None:
    """RV-removal-latency: from "case closed" to removal is measured and reported to oversight;
    a delisting review decision needs reasons."""
    entry = listed(client, headers)
    trigger = client.post(
        f"/v1/entries/{entry['id']}/removal-trigger",
        json={"trigger": "case_closed", "reason": "investigation closed"},
        headers=headers("operator", agency="police", sub="alice"),
    )
    assert trigger.status_code == 200, trigger.text
    reviewer = headers("reviewer", agency="fusion-cell", sub="rev-2")
    url = f"/v1/entries/{entry['id']}/reviews"
    assert client.post(url, json={"outcome": "delist"}, headers=reviewer).status_code == 422
    response = client.post(
        url, json={"outcome": "delist", "reasons": "case closed, no ground left"}, headers=reviewer
    )
    assert response.status_code == 201, response.text
    assert response.json()["entry_status"] == "delisted"
    stats = client.get("/v1/reviews/stats", headers=headers("oversight", agency="dpa")).json()
    latency = stats["removal_latency"]
    assert latency["completed"] == 1 and latency["pending"] == 0
    assert latency["sla_breaches"] == 0 and latency["sla_days"] == 30
    # After the grace period the delisted entry is erased; the latency is still reported.
    report = run(app, now() + timedelta(days=31))
    assert report["counts"]["erased:delisted"] == 1
    stats = client.get("/v1/reviews/stats", headers=headers("oversight", agency="dpa")).json()
    assert stats["removal_latency"]["completed"] == 1
    assert stats["erasures"] == {"delisted": 1}


def test_pending_removal_past_the_sla_is_a_breach(app, client, headers) -> None:
    """RV-removal-latency: a removal still pending past the SLA counts as a breach."""
    entry = listed(client, headers)
    client.post(
        f"/v1/entries/{entry['id']}/removal-trigger",
        json={"trigger": "purpose_achieved", "reason": "subject arrested"},
        headers=headers("operator", agency="police", sub="alice"),
    )
    stats = client.get(
        "/v1/reviews/stats",
        params={"as_of": (now() + timedelta(days=40)).isoformat()},
        headers=headers("oversight", agency="dpa"),
    ).json()
    assert stats["removal_latency"]["pending"] == 1
    assert stats["removal_latency"]["sla_breaches"] == 1


def test_nominator_cannot_review_their_own_entry(client, headers) -> None:
    """RV-extension-record: the assessment is someone else's (LB-second-review)."""
    entry = nominate(client, headers, sub="rev-x")
    approve(client, headers, entry["id"])
    response = client.post(
        f"/v1/entries/{entry['id']}/reviews",
        json=RETAIN,
        headers=headers("reviewer", agency="fusion-cell", sub="rev-x"),
    )
    assert response.status_code == 403


def test_an_agency_the_entry_is_shared_with_cannot_decide_its_review(client, headers) -> None:
    """RV-extension-record, DQ-owner-accuracy: keeping someone listed is a decision for the
    owner or the fusion cell; a reviewer of an agency that may only read the entry is refused
    and nothing is recorded."""
    entry = listed(client, headers, shared_with=["customs"])
    response = client.post(
        f"/v1/entries/{entry['id']}/reviews",
        json=RETAIN,
        headers=headers("reviewer", agency="customs", sub="customs-reviewer"),
    )
    assert response.status_code == 403, response.text
    assert response.json()["detail"][0]["rule"] == "DQ-owner-accuracy"
    assert read_entry(client, headers, entry["id"]).json()["review_due"] == entry["review_due"]
