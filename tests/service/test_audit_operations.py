"""What the audit trail says about each processing operation on an entry, on both databases."""

from __future__ import annotations

from datetime import timedelta

from tests.policies_service.helpers import chain_ok, now, run
from tests.service.factories import entry_body

OVERSIGHT = {"role": "oversight", "agency": "dpa"}


def _events(client, headers, **params: str) -> list[dict]:  # noqa: ANN001
    response = client.get("/v1/audit/events", params=params, headers=headers(**OVERSIGHT))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_each_processing_operation_is_recorded_with_its_type(app, client, headers) -> None:
    """LG-ops: a nomination is a collection, an amendment an alteration, a read a consultation,
    a delisting an alteration (the data are kept until the grace period ends) and the removal
    of the data an erasure; each event is chained and the chain verifies."""
    created = client.post("/v1/entries", json=entry_body(),
                          headers=headers("operator", agency="police", sub="alice"))
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    url = f"/v1/entries/{entry_id}"
    amended = client.patch(url, json={"reason": "second birth place", "birth_places": ["X Town"]},
                           headers=headers("operator", sub="alice", **{"If-Match": '"1"'}))
    assert amended.status_code == 200, amended.text
    assert client.get(url, headers=headers("operator", sub="carol")).status_code == 200
    delisted = client.post(url + "/delist", json={"reason": "no longer needed"},
                           headers=headers("reviewer", agency="fusion-cell", sub="rita"))
    assert delisted.status_code == 200, delisted.text
    assert run(app, now() + timedelta(days=31))["counts"]["erased:delisted"] == 1

    trail = [(e["action"], e["operation"], e["actor_sub"])
             for e in _events(client, headers, target_id=entry_id)]
    assert trail == [
        ("entry.nominate", "collection", "alice"),
        ("entry.update", "alteration", "alice"),
        ("entry.read", "consultation", "carol"),
        ("entry.delist", "alteration", "rita"),
        ("entry.erase", "erasure", "system"),
    ]
    assert chain_ok(app)


def test_list_and_history_reads_record_who_when_why(client, headers) -> None:
    """LG-consult-fields: listing entries and reading an entry's history are consultations
    recorded with the stated purpose, date and time, the person and their authority, the
    request, and which entries were consulted."""
    created = client.post("/v1/entries", json=entry_body(),
                          headers=headers("operator", agency="police", sub="alice"))
    entry_id = created.json()["id"]
    listed = client.get("/v1/entries", headers=headers("operator", sub="carol",
                                                        purpose="weekly backlog check"))
    assert listed.status_code == 200
    history = client.get(f"/v1/entries/{entry_id}/history",
                         headers=headers("operator", sub="dan", purpose="redress case 2026-3"))
    assert history.status_code == 200
    for action in ("entry.list", "entry.history"):
        without = client.get("/v1/entries" if action == "entry.list"
                             else f"/v1/entries/{entry_id}/history",
                             headers=headers("operator", purpose=None))
        assert without.status_code == 422, action

    [list_event] = _events(client, headers, action="entry.list")
    assert (list_event["operation"], list_event["actor_sub"], list_event["actor_agency"],
            list_event["purpose"]) == ("consultation", "carol", "police", "weekly backlog check")
    assert list_event["details"]["entry_ids"] == [entry_id]
    [history_event] = _events(client, headers, action="entry.history")
    assert (history_event["operation"], history_event["actor_sub"], history_event["actor_agency"],
            history_event["purpose"], history_event["target_id"]) == (
        "consultation", "dan", "police", "redress case 2026-3", entry_id)
    for event in (list_event, history_event):
        assert event["occurred_at"] and event["request_id"] and event["actor_role"] == "operator"
