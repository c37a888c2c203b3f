"""Purpose achieved / case closed: the deletion task, its escalation and the removal SLA
(RV-purpose-achieved, RV-removal-latency), through HTTP and ``watchlist policies run --now``
on the real database, both backends."""

from __future__ import annotations

from datetime import timedelta

from tests.policies_service.helpers import (
    DAY,
    audit_actions,
    cli_chain_ok,
    cli_run,
    listed,
    now,
    parse,
)

RETAIN = {
    "outcome": "retain",
    "necessity": "The hit did not end the investigation: a second suspect is still sought.",
    "proportionality": "Discreet check only; no less intrusive measure would find them.",
}


def _queue(client, headers, at) -> dict:  # noqa: ANN001
    response = client.get(
        "/v1/reviews",
        params={"as_of": at.isoformat()},
        headers=headers("reviewer", agency="fusion-cell"),
    )
    assert response.status_code == 200, response.text
    return {item["entry_id"]: item for item in response.json()["items"]}


def _stats(client, headers, at) -> dict:  # noqa: ANN001
    response = client.get(
        "/v1/reviews/stats",
        params={"as_of": at.isoformat()},
        headers=headers("oversight", agency="dpa"),
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_purpose_achieved_opens_a_deletion_task_escalated_when_overdue_RV_purpose_achieved(
    app, client, headers, settings
) -> None:
    """RV-purpose-achieved, RV-removal-latency: a reviewer handling a hit records "purpose
    achieved" with a reason (audited); a 15-day deletion task opens and shows on the review
    queue; unanswered past its reply date the policy run escalates it once (audited) and the
    queue says so; past the 30-day SLA the run records a breach once (audited); the owner's
    delisting answers the task and records the removal."""
    entry = listed(client, headers)
    url = f"/v1/entries/{entry['id']}/removal-trigger"
    reviewer = headers("reviewer", agency="fusion-cell", sub="rev-7")
    body = {"trigger": "purpose_achieved", "reason": "hit 2026-118: the subject was arrested"}
    no_reason = client.post(url, json={"trigger": "purpose_achieved"}, headers=reviewer)
    assert no_reason.status_code == 422
    assert client.post(url, json=body, headers=headers("border")).status_code == 403
    reported = client.post(url, json=body, headers=reviewer)
    assert reported.status_code == 200, reported.text
    trigger_at = parse(reported.json()["trigger_at"])
    reply_due = parse(reported.json()["reply_due"])
    assert reply_due == trigger_at + timedelta(days=15)
    assert ("entry.removal_trigger", "rev-7", "success") in audit_actions(app, entry["id"])

    item = _queue(client, headers, now())[entry["id"]]
    assert item["reasons"] == ["purpose_achieved"]
    assert parse(item["removal_reply_due"]) == reply_due
    late = _queue(client, headers, reply_due + DAY)[entry["id"]]
    assert late["reasons"] == ["purpose_achieved", "deletion_task_overdue"]

    assert "deletion_tasks_escalated" not in cli_run(settings, reply_due - DAY)["counts"]
    assert cli_run(settings, reply_due + DAY)["counts"]["deletion_tasks_escalated"] == 1
    assert "deletion_tasks_escalated" not in cli_run(settings, reply_due + 2 * DAY)["counts"]
    actions = [a[0] for a in audit_actions(app, entry["id"])]
    assert actions.count("review.deletion_task_overdue") == 1
    assert "review.removal_sla_breached" not in actions

    sla_deadline = trigger_at + timedelta(days=30)
    assert cli_run(settings, sla_deadline + DAY)["counts"]["removal_sla_breached"] == 1
    assert "removal_sla_breached" not in cli_run(settings, sla_deadline + 2 * DAY)["counts"]
    actions = [a[0] for a in audit_actions(app, entry["id"])]
    assert actions.count("review.removal_sla_breached") == 1
    stats = _stats(client, headers, sla_deadline + DAY)["removal_latency"]
    assert stats["sla_breaches"] == 1 and stats["pending"] == 1
    assert stats["deletion_tasks_escalated"] == 1

    delisted = client.post(
        f"/v1/entries/{entry['id']}/reviews",
        json={"outcome": "delist", "reasons": "purpose achieved: the subject is in custody"},
        headers=headers("reviewer", agency="fusion-cell", sub="rev-8"),
    )
    assert delisted.status_code == 201, delisted.text
    assert "review.removal_recorded" in [a[0] for a in audit_actions(app, entry["id"])]
    assert entry["id"] not in _queue(client, headers, now())
    assert cli_chain_ok(settings)


def test_keeping_the_entry_with_reasons_answers_the_task_RV_purpose_achieved(
    app, client, headers, settings
) -> None:
    """RV-purpose-achieved: the owner may keep the entry by a review decision with its
    reasons (necessity, proportionality): the task is answered, it leaves the queue, nothing
    is escalated and no removal, hence no SLA breach, is owed."""
    entry = listed(client, headers)
    owner = headers("operator", agency="police", sub="alice")
    reported = client.post(
        f"/v1/entries/{entry['id']}/removal-trigger",
        json={"trigger": "case_closed", "reason": "case 2026-17 closed by the prosecutor"},
        headers=owner,
    )
    assert reported.status_code == 200, reported.text
    trigger_at = parse(reported.json()["trigger_at"])
    kept = client.post(
        f"/v1/entries/{entry['id']}/reviews",
        json=RETAIN,
        headers=headers("reviewer", agency="fusion-cell", sub="rev-2"),
    )
    assert kept.status_code == 201, kept.text
    assert entry["id"] not in _queue(client, headers, now())
    report = cli_run(settings, trigger_at + timedelta(days=40))
    assert "deletion_tasks_escalated" not in report["counts"]
    assert "removal_sla_breached" not in report["counts"]
    stats = _stats(client, headers, trigger_at + timedelta(days=40))["removal_latency"]
    assert stats["pending"] == 0 and stats["sla_breaches"] == 0
    assert cli_chain_ok(settings)


def test_removal_by_delisting_is_recorded_by_the_policy_run_RV_removal_latency(
    app, client, headers, settings
) -> None:
    """RV-removal-latency: when the entry stops being listed by another route (a plain
    delisting), the policy run records the completed removal, audited with its latency."""
    entry = listed(client, headers)
    client.post(
        f"/v1/entries/{entry['id']}/removal-trigger",
        json={"trigger": "case_closed", "reason": "investigation closed"},
        headers=headers("operator", agency="police", sub="alice"),
    )
    delisted = client.post(
        f"/v1/entries/{entry['id']}/delist",
        json={"reason": "case closed"},
        headers={
            **headers("reviewer", agency="fusion-cell"),
            "If-Match": f'"{entry["version"]}"',
        },
    )
    assert delisted.status_code == 200, delisted.text
    assert cli_run(settings, now() + DAY)["counts"]["removal_recorded"] == 1
    assert "removal_recorded" not in cli_run(settings, now() + 2 * DAY)["counts"]
    assert ("review.removal_recorded", "system", "success") in audit_actions(app, entry["id"])
    stats = _stats(client, headers, now() + DAY)["removal_latency"]
    assert stats["completed"] == 1 and stats["sla_breaches"] == 0
    assert cli_chain_ok(settings)
