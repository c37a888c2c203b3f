"""Fail-safe clocks beyond the active entry (RV-review-date): an entry suspended by hand and a
nomination never approved do not keep their data for years. Each is driven through
``watchlist policies run --now`` (in process) on the real database, both backends."""

from __future__ import annotations

from datetime import timedelta

from tests.policies_service.helpers import (
    DAY,
    NEEDLES,
    audit_actions,
    cli_chain_ok,
    cli_run,
    listed,
    nominate,
    parse,
    person,
    read_entry,
    scan_database,
)

GRACE = timedelta(days=30)  # the default pack's erasure_grace_period
PENDING_LIMIT = timedelta(days=90)  # the default pack's review.nomination_pending_limit
RETAIN = {
    "outcome": "retain",
    "necessity": "New travel bookings show the facilitation network is still active.",
    "proportionality": "Discreet check only; no less intrusive measure would detect travel.",
}


def test_entry_suspended_by_hand_lapses_at_review_due_and_is_erased_RV_review_date(
    app, client, headers, settings, database_url
) -> None:
    """RV-review-date: a suspension is not a review decision. An entry suspended by hand and
    left past review_due lapses like an active one (audited as the system), cannot be
    reinstated or retained, and its data are erased a grace period after review_due, not at
    expires_at five years later."""
    entry = listed(client, headers, **person())
    suspended = client.post(
        f"/v1/entries/{entry['id']}/suspend",
        json={"reason": "operational pause requested by the owner"},
        headers={
            **headers("reviewer", agency="fusion-cell", sub="rev-2"),
            "If-Match": f'"{entry["version"]}"',
        },
    )
    assert suspended.status_code == 200, suspended.text
    due = parse(entry["review_due"])

    warned = cli_run(settings, due - timedelta(days=100))  # RV-advance-warning, suspended too
    assert warned["counts"]["warned"] == 1, warned
    assert "lapsed_while_suspended" not in cli_run(settings, due - DAY)["counts"]
    report = cli_run(settings, due + DAY)
    assert report["counts"]["lapsed_while_suspended"] == 1, report
    assert ("entry.review_lapsed", "system", "success") in audit_actions(app, entry["id"])
    assert "lapsed_while_suspended" not in cli_run(settings, due + 2 * DAY)["counts"]

    reviewer = headers("reviewer", agency="fusion-cell", sub="rev-3")
    reinstate = client.post(
        f"/v1/entries/{entry['id']}/reinstate",
        json={"reason": "resume"},
        headers={**reviewer, "If-Match": f'"{suspended.json()["version"]}"'},
    )
    assert reinstate.status_code == 422, reinstate.text
    retain = client.post(f"/v1/entries/{entry['id']}/reviews", json=RETAIN, headers=reviewer)
    assert retain.status_code == 409 and retain.json()["detail"][0]["rule"] == "review_lapsed"

    assert not any(k.startswith("erased") for k in cli_run(settings, due + GRACE - DAY)["counts"])
    assert scan_database(database_url, NEEDLES)  # still there inside the grace period
    report = cli_run(settings, due + GRACE + DAY)
    assert report["counts"]["erased:review_lapsed"] == 1, report
    assert scan_database(database_url, NEEDLES) == {}
    assert read_entry(client, headers, entry["id"]).status_code == 404
    assert cli_chain_ok(settings)


def test_nomination_never_approved_lapses_and_is_erased_RV_review_date(
    app, client, headers, settings, database_url
) -> None:
    """RV-review-date: a nomination left pending beyond the pack's nomination_pending_limit
    (default 90 days) is rejected as lapsed by the system (audited, once) and erased a grace
    period later (nomination_lapsed), instead of waiting five years with its personal data."""
    entry = nominate(client, headers, **person())
    listed_at = parse(entry["listed_at"])

    assert "nominations_lapsed" not in cli_run(settings, listed_at + PENDING_LIMIT - DAY)["counts"]
    report = cli_run(settings, listed_at + PENDING_LIMIT + DAY)
    assert report["counts"]["nominations_lapsed"] == 1, report
    after = read_entry(client, headers, entry["id"]).json()
    assert after["status"] == "rejected" and "nomination lapsed" in after["status_reason"]
    assert ("entry.reject", "system", "success") in audit_actions(app, entry["id"])
    again = cli_run(settings, listed_at + PENDING_LIMIT + 2 * DAY)
    assert "nominations_lapsed" not in again["counts"]

    lapse = listed_at + PENDING_LIMIT
    assert not any(k.startswith("erased") for k in cli_run(settings, lapse + GRACE - DAY)["counts"])
    assert scan_database(database_url, NEEDLES)
    report = cli_run(settings, lapse + GRACE + DAY)
    assert report["counts"]["erased:nomination_lapsed"] == 1, report
    assert scan_database(database_url, NEEDLES) == {}
    assert cli_chain_ok(settings)
