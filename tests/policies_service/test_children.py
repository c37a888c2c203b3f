"""CH-minor through HTTP and the policy run, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from policies import Duration
from tests.policies_service.helpers import approve, audit_actions, nominate, now, parse, run
from tests.service.factories import entry_body


def _birth_date_turning_18_in(days: int) -> str:
    today = now().date()
    return (today.replace(year=today.year - 18) + timedelta(days=days)).isoformat()


JUSTIFICATION = (
    "Listing protects the child: the subject is being groomed for travel to a "
    "conflict zone; discreet checks let child-protection services intervene."
)


def test_minor_nomination_needs_best_interests_justification(client, headers) -> None:
    """CH-minor: a nomination whose birth date makes the subject a minor needs a
    best-interests justification (422 naming the field otherwise)."""
    body = entry_body(birth_dates=[{"date": _birth_date_turning_18_in(60)}])
    response = client.post(
        "/v1/entries", json=body, headers=headers("operator", agency="police", sub="alice")
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "best_interests_justification"]
    assert detail["rule"] == "best_interests_justification_required"


def test_minor_entry_needs_senior_approval_and_the_minor_interval(app, client, headers) -> None:
    """CH-minor: a reviewer cannot approve a minor's entry, a senior reviewer can; the review
    interval is the pack's minors' interval (6 months); turning 18 flags a re-assessment."""
    entry = nominate(
        client,
        headers,
        birth_dates=[{"date": _birth_date_turning_18_in(60)}],
        best_interests_justification=JUSTIFICATION,
    )
    approve(client, headers, entry["id"], role="reviewer", expect=403)
    approved = approve(client, headers, entry["id"], role="senior_reviewer")
    activated = parse(approved["activated_at"])
    assert parse(approved["review_due"]) == Duration(6, "months").after(activated)

    # A periodic review of a minor's entry is a senior reviewer's too.
    retain = {
        "outcome": "retain",
        "necessity": "Grooming contacts continued in October.",
        "proportionality": "Discreet check only; protects the child.",
    }
    url = f"/v1/entries/{entry['id']}/reviews"
    assert (
        client.post(
            url, json=retain, headers=headers("reviewer", agency="fusion-cell", sub="r9")
        ).status_code
        == 403
    )

    # Before 18: nothing to flag. After the 18th birthday: re-assessment flagged once.
    assert run(app, now() + timedelta(days=30))["counts"].get("minor_flag_changed", 0) == 0
    later = now() + timedelta(days=62)
    assert run(app, later)["counts"]["minor_flag_changed"] == 1
    assert run(app, later + timedelta(days=1))["counts"].get("minor_flag_changed", 0) == 0
    assert ("entry.majority_reassessment", "system", "success") in audit_actions(app, entry["id"])
    queue = client.get(
        "/v1/reviews",
        params={"as_of": later.isoformat()},
        headers=headers("reviewer", agency="fusion-cell"),
    ).json()
    [item] = [i for i in queue["items"] if i["entry_id"] == entry["id"]]
    assert "turned_18" in item["reasons"] and item["is_minor"] is False


def test_adult_entry_is_not_subject_to_minor_rules(client, headers) -> None:
    """CH-minor: an adult's nomination needs no justification and a reviewer approves it."""
    entry = nominate(client, headers, birth_dates=[{"date": _birth_date_turning_18_in(-1)}])
    approved = approve(client, headers, entry["id"], role="reviewer")
    assert parse(approved["review_due"]) == Duration(12, "months").after(
        parse(approved["activated_at"])
    )
