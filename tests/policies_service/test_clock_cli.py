"""Acceptance: "with a clock moved forward in tests and through the CLI on a real database".

Each test drives ``watchlist policies run --now ...`` in process (``service.cli.main``) against
the same database the API uses, on SQLite and PostgreSQL, and checks the outcome through the
API; ``watchlist audit verify`` must pass after each. The API itself runs on the wall clock, so
every decision taken through it happens "now" and the CLI moves the policy clock past it.
"""

from __future__ import annotations

import time
from datetime import timedelta

from policies import Duration
from tests.policies_service.helpers import (
    DAY,
    approve,
    audit_actions,
    cli_chain_ok,
    cli_run,
    listed,
    nominate,
    now,
    parse,
    read_entry,
)

SCREEN = {
    "names": ["Qasim Yusuf Tahiri"],
    "birth_date": "1984-07-14",
    "purpose": "border check flight XY123",
}
RETAIN = {
    "outcome": "retain",
    "necessity": "New travel bookings show the facilitation network is still active in 2026.",
    "proportionality": "Secondary inspection only; no less intrusive measure would detect it.",
}


def _hit_ids(client, headers) -> list[str]:  # noqa: ANN001
    response = client.post(
        "/v1/screenings", json=SCREEN, headers=headers("reviewer", agency="fusion-cell")
    )
    assert response.status_code == 201, response.text
    return [hit.get("entry_id") for hit in response.json()["hits"]]


def _stops_matching(client, headers, entry_id: str) -> bool:  # noqa: ANN001
    """The CLI is another process as far as the API's live index is concerned: it learns of the
    change from the change feed within a poll interval (issue 4: "within a few seconds across
    replicas"), so wait for it, up to a bound, instead of racing the follower thread."""
    deadline = time.monotonic() + 5.0
    while entry_id in _hit_ids(client, headers):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _queue_item(client, headers, entry_id: str, at) -> dict | None:  # noqa: ANN001
    response = client.get(
        "/v1/reviews",
        params={"as_of": at.isoformat()},
        headers=headers("reviewer", agency="fusion-cell"),
    )
    assert response.status_code == 200, response.text
    return next((i for i in response.json()["items"] if i["entry_id"] == entry_id), None)


def test_overdue_entry_stops_matching_RV_review_date(app, client, headers, settings) -> None:
    """RV-review-date: the CLI run past review_due suspends the entry and the next screening
    through the API no longer finds it."""
    entry = listed(client, headers)
    assert entry["id"] in _hit_ids(client, headers)
    due = parse(entry["review_due"])
    assert "suspended_overdue" not in cli_run(settings, due - DAY)["counts"]
    assert entry["id"] in _hit_ids(client, headers)
    assert cli_run(settings, due + DAY)["counts"]["suspended_overdue"] == 1
    assert _stops_matching(client, headers, entry["id"])
    assert read_entry(client, headers, entry["id"]).json()["status"] == "suspended"
    assert cli_chain_ok(settings)


def test_retained_entry_gets_a_new_period_and_an_extension_RV_extension_record(
    app, client, headers, settings
) -> None:
    """RV-extension-record, RV-review-date: a retain decision (with its assessment) before the
    due date starts a new full period from the decision and counts one extension; the CLI run
    keeps the entry active until the new due date and suspends it after."""
    entry = listed(client, headers)
    before = now()
    decided = client.post(
        f"/v1/entries/{entry['id']}/reviews",
        json=RETAIN,
        headers=headers("reviewer", agency="fusion-cell", sub="rev-2"),
    )
    assert decided.status_code == 201, decided.text
    new_due = parse(decided.json()["new_review_due"])
    assert Duration(12, "months").after(before) <= new_due <= Duration(12, "months").after(now())
    assert new_due > parse(entry["review_due"])

    report = cli_run(settings, new_due - DAY)
    assert "suspended_overdue" not in report["counts"]
    item = _queue_item(client, headers, entry["id"], new_due - DAY)
    assert item is not None and item["extension_count"] == 1
    assert parse(item["review_due"]) == new_due and item["review_state"] == "warning"
    assert read_entry(client, headers, entry["id"]).json()["status"] == "active"

    assert cli_run(settings, new_due + DAY)["counts"]["suspended_overdue"] == 1
    assert read_entry(client, headers, entry["id"]).json()["status"] == "suspended"
    assert cli_chain_ok(settings)


def test_redress_case_is_escalated_when_overdue_RD_deadlines(
    app, client, headers, settings
) -> None:
    """RD-deadlines: the CLI run escalates each overdue deadline of an open case once (the
    eu-interop profile: forward within 7 days, reply within 45), visible on the case."""
    officer = headers("reviewer", agency="fusion-cell", sub="redress-officer")
    case = client.post("/v1/redress/cases", json={"request_kind": "access"}, headers=officer)
    assert case.status_code == 201, case.text
    number, received = case.json()["tracking_number"], parse(case.json()["milestones"]["received"])

    assert "redress_escalated" not in cli_run(settings, received + 6 * DAY)["counts"]
    assert cli_run(settings, received + 8 * DAY)["counts"]["redress_escalated"] == 1
    escalated = client.get(f"/v1/redress/cases/{number}", headers=officer).json()
    assert escalated["escalated"] is True
    assert {d["name"] for d in escalated["deadlines"] if d["escalated_at"]} == {"forward"}
    assert "redress_escalated" not in cli_run(settings, received + 9 * DAY)["counts"]
    assert cli_run(settings, received + 46 * DAY)["counts"]["redress_escalated"] == 1
    escalated = client.get(f"/v1/redress/cases/{number}", headers=officer).json()
    assert {d["name"] for d in escalated["deadlines"] if d["escalated_at"]} == {
        "forward",
        "reply",
    }
    assert [a[0] for a in audit_actions(app, escalated["id"])].count("redress.escalate") == 2
    assert cli_chain_ok(settings)


def test_minor_gets_the_minors_interval_and_is_reassessed_at_18_CH_minor(
    app, client, headers, settings
) -> None:
    """CH-minor: a senior reviewer's approval gives a minor's entry the minors' interval
    (6 months); the CLI run after the 18th birthday clears the minor flag once, audits it and
    puts the entry on the review queue for re-assessment (turned_18)."""
    today = now().date()
    turns_18 = today.replace(year=today.year - 18) + timedelta(days=60)
    entry = nominate(
        client,
        headers,
        birth_dates=[{"date": turns_18.isoformat()}],
        best_interests_justification="Listing lets child-protection services intervene on travel.",
    )
    approved = approve(client, headers, entry["id"], role="senior_reviewer")
    activated = parse(approved["activated_at"])
    assert parse(approved["review_due"]) == Duration(6, "months").after(activated)

    assert "minor_flag_changed" not in cli_run(settings, now() + 30 * DAY)["counts"]
    later = now() + 62 * DAY
    assert cli_run(settings, later)["counts"]["minor_flag_changed"] == 1
    assert "minor_flag_changed" not in cli_run(settings, later + DAY)["counts"]
    assert ("entry.majority_reassessment", "system", "success") in audit_actions(app, entry["id"])
    item = _queue_item(client, headers, entry["id"], later)
    assert item is not None and "turned_18" in item["reasons"] and item["is_minor"] is False
    assert cli_chain_ok(settings)


def test_far_as_of_is_a_422_not_an_overflow(client, headers) -> None:
    """The queue adds the pack's periods to as_of: a date near year 9999 is refused (422)."""
    for path in ("/v1/reviews", "/v1/reviews/stats"):
        role = "oversight" if path.endswith("stats") else "reviewer"
        response = client.get(
            path, params={"as_of": "9999-12-01T00:00:00Z"}, headers=headers(role, agency="dpa")
        )
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["query", "as_of"]
