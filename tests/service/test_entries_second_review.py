"""LB-second-review after the nomination: amendments, reinstatement and decisions on a version
the reviewer read. Through HTTP with real tokens, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.screening.helpers import screen, traveller
from tests.service.factories import entry_body

JUSTIFICATION = (
    "Listing protects the child: the subject is being groomed for travel to a conflict zone; "
    "discreet checks let child-protection services intervene."
)


def _if_match(entry: dict) -> dict[str, str]:
    return {"If-Match": f'"{entry["version"]}"'}


def _nominate(client, headers, **overrides) -> dict:  # noqa: ANN001
    response = client.post("/v1/entries", json=entry_body(**overrides),
                           headers=headers("operator", agency="police", sub="alice"))
    assert response.status_code == 201, response.text
    return response.json()


def _decide(client, headers, entry: dict, action: str, *, sub: str = "rita",  # noqa: ANN001
            role: str | list[str] = "reviewer", agency: str = "fusion-cell"):
    return client.post(f"/v1/entries/{entry['id']}/{action}", json={"reason": f"{action} it"},
                       headers=headers(role, agency=agency, sub=sub, **_if_match(entry)))


def _active(client, headers, **overrides) -> dict:  # noqa: ANN001
    approved = _decide(client, headers, _nominate(client, headers, **overrides), "approve")
    assert approved.status_code == 200, approved.text
    return approved.json()


def _amend(client, headers, entry: dict, *, sub: str = "alice",  # noqa: ANN001
           role: str | list[str] = "operator", **fields):
    return client.patch(f"/v1/entries/{entry['id']}", json={"reason": "new information", **fields},
                        headers=headers(role, agency="police", sub=sub, **_if_match(entry)))


def _hits(client, headers) -> list:  # noqa: ANN001
    response = screen(client, headers, traveller())
    assert response.status_code == 201, response.text
    return response.json()["hits"]


def test_substantive_amendment_of_active_entry_goes_back_to_review(client, headers) -> None:
    """LB-second-review: an amended active entry stops matching until a reviewer who is neither
    its nominator nor its editor approves the amendment; the review clock is not reset."""
    entry = _active(client, headers)
    assert _hits(client, headers), "the active entry should match the traveller"

    alias = {"full_name": "Abu Qasim al-Urduni", "name_type": "alias"}
    amended = _amend(client, headers, entry, sub="carol", role=["operator", "reviewer"],
                     names=[*entry["names"], alias])
    assert amended.status_code == 200, amended.text
    pending = amended.json()
    assert pending["status"] == "pending_review"
    assert pending["version"] == entry["version"] + 1
    assert _hits(client, headers) == []

    by_nominator = _decide(client, headers, pending, "approve", sub="alice", agency="police",
                           role=["operator", "reviewer"])
    assert by_nominator.status_code == 403
    by_editor = _decide(client, headers, pending, "approve", sub="carol", agency="police",
                        role=["operator", "reviewer"])
    assert by_editor.status_code == 403
    assert "LB-second-review" in by_editor.json()["message"]

    approved = _decide(client, headers, pending, "approve", sub="rita")
    assert approved.status_code == 200, approved.text
    active = approved.json()
    assert active["status"] == "active"
    assert active["names"][-1]["full_name"] == "Abu Qasim al-Urduni"
    assert (active["activated_at"], active["review_due"], active["expires_at"]) == (
        entry["activated_at"], entry["review_due"], entry["expires_at"])
    assert _hits(client, headers)

    history = client.get(f"/v1/entries/{entry['id']}/history", headers=headers("operator")).json()
    assert [v["change"] for v in history["versions"]] == [
        "nominated", "approve", "updated", "approve"]
    assert history["versions"][2]["changed_fields"] == ["names", "status"]


def test_administrative_amendment_keeps_the_entry_active(client, headers) -> None:
    """LB-second-review: whom to call on a hit and who may read are not what the listing rests
    on; changing them leaves the entry on screening."""
    entry = _active(client, headers)
    amended = _amend(client, headers, entry, contact_point="Police CT night desk",
                     shared_with=["customs", "army"])
    assert amended.status_code == 200, amended.text
    assert amended.json()["status"] == "active"
    assert amended.json()["shared_with"] == ["army", "customs"]


def test_amendment_that_makes_the_subject_a_minor_needs_the_minor_rules(client, headers) -> None:
    """CH-minor, LB-second-review: new birth dates that make the subject a minor need a
    best-interests justification, and the amendment a senior reviewer; the review date comes
    forward to the minors' interval."""
    entry = _active(client, headers)
    today = datetime.now(UTC).date()
    child = [{"date": today.replace(year=today.year - 15).isoformat()}]
    refused = _amend(client, headers, entry, birth_dates=child)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["rule"] == "best_interests_justification_required"
    unchanged = client.get(f"/v1/entries/{entry['id']}", headers=headers("operator")).json()
    assert (unchanged["version"], unchanged["status"]) == (entry["version"], "active")

    amended = _amend(client, headers, entry, birth_dates=child,
                     best_interests_justification=JUSTIFICATION)
    assert amended.status_code == 200, amended.text
    pending = amended.json()
    assert pending["status"] == "pending_review"
    assert _decide(client, headers, pending, "approve", sub="rita").status_code == 403
    approved = _decide(client, headers, pending, "approve", sub="sam", role="senior_reviewer")
    assert approved.status_code == 200, approved.text
    due = datetime.fromisoformat(approved.json()["review_due"])
    assert due < datetime.fromisoformat(entry["review_due"])
    assert due <= datetime.now(UTC) + timedelta(days=186)


def test_reinstatement_needs_a_second_reviewer(client, headers) -> None:
    """LB-second-review: neither the nominator nor whoever amended the entry since its last
    approval may put a suspended entry back on screening."""
    suspended = _decide(client, headers, _active(client, headers), "suspend")
    assert suspended.status_code == 200, suspended.text
    entry = suspended.json()
    by_nominator = _decide(client, headers, entry, "reinstate", sub="alice", agency="police",
                           role=["operator", "reviewer"])
    assert by_nominator.status_code == 403
    assert "LB-second-review" in by_nominator.json()["message"]

    amended = _amend(client, headers, entry, sub="carol", role=["operator", "reviewer"],
                     contact_point="Police CT night desk")
    assert amended.status_code == 200, amended.text
    entry = amended.json()
    assert entry["status"] == "suspended"
    assert _decide(client, headers, entry, "reinstate", sub="carol", agency="police",
                   role=["operator", "reviewer"]).status_code == 403
    reinstated = _decide(client, headers, entry, "reinstate", sub="rita")
    assert reinstated.status_code == 200, reinstated.text
    assert reinstated.json()["status"] == "active"


def test_decisions_are_taken_on_the_version_the_reviewer_read(client, headers) -> None:
    """LB-second-review: approve, reject and reinstate need If-Match (428 without it); a
    version changed since the reviewer read it is a 412 and nothing changes."""
    entry = _nominate(client, headers)
    url = f"/v1/entries/{entry['id']}"
    for action in ("approve", "reject", "reinstate"):
        response = client.post(f"{url}/{action}", json={"reason": "no version sent"},
                               headers=headers("reviewer", agency="fusion-cell", sub="rita"))
        assert response.status_code == 428, (action, response.text)
    read_by_reviewer = dict(entry)
    changed = _amend(client, headers, entry, articulable_facts=(
        "Transferred funds to a listed organisation on five documented occasions in 2025."))
    assert changed.status_code == 200, changed.text
    stale = _decide(client, headers, read_by_reviewer, "approve")
    assert stale.status_code == 412
    assert stale.headers["ETag"] == f'"{changed.json()["version"]}"'
    current = client.get(url, headers=headers("operator")).json()
    assert current["status"] == "pending_review"
    assert current["version"] == changed.json()["version"]
    approved = _decide(client, headers, current, "approve")
    assert approved.status_code == 200
    # Suspending takes an entry off screening and needs no If-Match, but honours a stale one.
    assert _decide(client, headers, current, "suspend").status_code == 412
    suspended = client.post(f"{url}/suspend", json={"reason": "hold it"},
                            headers=headers("reviewer", agency="fusion-cell", sub="rita"))
    assert suspended.status_code == 200, suspended.text


def test_rejected_amendment_restores_the_reviewed_entry(client, headers) -> None:
    """LB-second-review: a refused amendment does not end the listing, which was reviewed and
    approved; the entry returns to its last reviewed state and matches again. The editor cannot
    refuse (or approve) their own amendment."""
    entry = _active(client, headers)
    original_names = [name["full_name"] for name in entry["names"]]
    amended = _amend(client, headers, entry, sub="carol", role=["operator", "reviewer"],
                     names=[{"full_name": "Someone Else Entirely", "name_type": "primary"}],
                     birth_dates=[{"date": "1990"}])
    assert amended.status_code == 200, amended.text
    amended = amended.json()
    assert amended["status"] == "pending_review" and not _hits(client, headers)

    own = _decide(client, headers, amended, "reject", sub="carol")
    assert own.status_code == 403 and own.json()["detail"][0]["rule"] == "LB-second-review"

    rejected = _decide(client, headers, amended, "reject")
    assert rejected.status_code == 200, rejected.text
    restored = rejected.json()
    assert restored["status"] == "active"
    assert [name["full_name"] for name in restored["names"]] == original_names
    assert restored["birth_dates"] == entry["birth_dates"]
    assert restored["version"] == amended["version"] + 1
    assert _hits(client, headers), "the restored entry should match the traveller again"

    history = client.get(f"/v1/entries/{entry['id']}/history",
                         headers=headers("reviewer", agency="fusion-cell")).json()
    assert history["versions"][-1]["change"] == "amendment_rejected"
