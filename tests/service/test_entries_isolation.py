"""Agency isolation for writes: sharing an entry lets an agency read it, not change it.
Through HTTP with real tokens, on both databases."""

from __future__ import annotations

from tests.service.factories import entry_body


def _entry(client, headers) -> dict:  # noqa: ANN001
    created = client.post("/v1/entries", json=entry_body(shared_with=["customs"]),
                          headers=headers("operator", agency="police", sub="alice"))
    assert created.status_code == 201, created.text
    return created.json()


def _patch(client, headers, entry: dict, *, agency: str):  # noqa: ANN001
    return client.patch(f"/v1/entries/{entry['id']}",
                        json={"reason": "our correction", "birth_places": ["Elsewhere"]},
                        headers=headers("operator", agency=agency, sub=f"op-{agency}",
                                        **{"If-Match": f'"{entry["version"]}"'}))


def _decide(client, headers, entry: dict, action: str, *, agency: str):  # noqa: ANN001
    return client.post(f"/v1/entries/{entry['id']}/{action}", json={"reason": f"{action} it"},
                       headers=headers("reviewer", agency=agency, sub=f"rev-{agency}",
                                       **{"If-Match": f'"{entry["version"]}"'}))


def test_only_the_originating_agency_amends(client, headers) -> None:
    """DQ-owner-accuracy: an agency the entry is shared with may read it but not amend it (403,
    it knows the entry exists); an agency it is not shared with gets 404, as for a read."""
    entry = _entry(client, headers)
    shared = _patch(client, headers, entry, agency="customs")
    assert shared.status_code == 403, shared.text
    assert shared.json()["detail"][0]["rule"] == "DQ-owner-accuracy"
    assert "originating agency" in shared.json()["message"]
    assert _patch(client, headers, entry, agency="army").status_code == 404
    # The fusion cell sees every entry and decides on them, but the owner keeps its facts.
    assert _patch(client, headers, entry, agency="fusion-cell").status_code == 403
    current = client.get(f"/v1/entries/{entry['id']}", headers=headers("operator")).json()
    assert (current["version"], current["birth_places"]) == (1, ["Fictional City"])
    assert _patch(client, headers, entry, agency="police").status_code == 200


def test_lifecycle_decisions_by_the_owner_or_the_review_agency_only(client, headers) -> None:
    """DQ-owner-accuracy, LB-second-review: approving, suspending, reinstating and delisting are
    for the originating agency and the fusion cell, never for an agency the entry is shared
    with."""
    entry = _entry(client, headers)
    for action in ("approve", "reject", "delist"):
        refused = _decide(client, headers, entry, action, agency="customs")
        assert refused.status_code == 403, (action, refused.text)
        assert _decide(client, headers, entry, action, agency="army").status_code == 404
    approved = _decide(client, headers, entry, "approve", agency="fusion-cell")
    assert approved.status_code == 200, approved.text
    entry = approved.json()
    assert _decide(client, headers, entry, "suspend", agency="customs").status_code == 403
    suspended = _decide(client, headers, entry, "suspend", agency="police")
    assert suspended.status_code == 200, suspended.text
    entry = suspended.json()
    assert _decide(client, headers, entry, "reinstate", agency="customs").status_code == 403
    assert _decide(client, headers, entry, "delist", agency="customs").status_code == 403
    current = client.get(f"/v1/entries/{entry['id']}", headers=headers("operator")).json()
    assert (current["status"], current["version"]) == ("suspended", entry["version"])
    assert _decide(client, headers, entry, "delist", agency="fusion-cell").status_code == 200
