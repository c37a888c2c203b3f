"""Refused writes and decisions are in the audit trail (LG-ops), on both databases."""

from __future__ import annotations

from tests.service.factories import entry_body


def _events(client, headers, entry_id: str) -> list[dict]:  # noqa: ANN001
    response = client.get("/v1/audit/events", params={"target_id": entry_id},
                          headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_refused_self_approval_and_a_stale_write_leave_refused_events(client, headers) -> None:
    """LG-ops, LB-second-review: the nominator's attempt to approve (403) and an amendment of
    a stale version (412) are rolled back but recorded with outcome ``refused``, metadata only
    (with the purpose the route serves and the pack, GV-purpose-config), and the hash chain
    still verifies."""
    created = client.post("/v1/entries", json=entry_body(),
                          headers=headers("operator", sub="alice"))
    assert created.status_code == 201, created.text
    entry = created.json()
    url = f"/v1/entries/{entry['id']}"
    self_approval = client.post(url + "/approve", json={"reason": "my own nomination"},
                                headers=headers(["operator", "reviewer"], sub="alice",
                                                **{"If-Match": '"1"'}))
    assert self_approval.status_code == 403
    stale = client.patch(url, json={"reason": "old copy", "birth_places": ["Elsewhere"]},
                         headers=headers("operator", sub="bob", **{"If-Match": '"7"'}))
    assert stale.status_code == 412

    refused = [event for event in _events(client, headers, entry["id"])
               if event["outcome"] == "refused"]
    under = {"purpose_code": "counter_terrorism_screening", "policy_pack": "default@2026.1"}
    assert [(e["actor_sub"], e["action"], e["operation"], e["details"]) for e in refused] == [
        ("alice", "POST /entries/*/approve", "alteration",
         {**under, "status": 403, "error": "forbidden", "rules": ["LB-second-review"]}),
        ("bob", "PATCH /entries/*", "alteration",
         {**under, "status": 412, "error": "precondition_failed", "rules": []}),
    ]
    assert all(e["target_type"] == "entry" and e["request_id"] for e in refused)
    assert "Tahiri" not in str(refused) and "my own nomination" not in str(refused)
    # Nothing of the refused changes was kept.
    current = client.get(url, headers=headers("operator")).json()
    assert (current["status"], current["version"]) == ("pending_review", 1)

    verified = client.get("/v1/audit/verify", headers=headers("oversight", agency="dpa"))
    assert verified.status_code == 200
    assert verified.json()["ok"] is True, verified.json()


def test_reads_and_unauthenticated_attempts_are_not_refusal_events(client, headers) -> None:
    """Only authenticated writes are recorded as refusals: a missing token is no principal,
    and a read that is refused is not a write."""
    created = client.post("/v1/entries", json=entry_body(), headers=headers("operator"))
    entry_id = created.json()["id"]
    assert client.post(f"/v1/entries/{entry_id}/approve", json={"reason": "anonymous"}
                       ).status_code == 401
    assert client.get(f"/v1/entries/{entry_id}", headers=headers("border")).status_code == 403
    assert [e for e in _events(client, headers, entry_id) if e["outcome"] == "refused"] == []
