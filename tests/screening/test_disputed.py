"""RD-disputed in screening: every hit on a disputed entry says so, and carries the listed
person's statement to callers entitled to the full view; through HTTP, on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.app import create_app
from tests.screening.helpers import active_entry, screen, traveller, wait_for

STATEMENT = "I never sent money to that organisation; my bank account was used by somebody else."
OFFICER = {"role": "reviewer", "agency": "fusion-cell", "sub": "redress-officer"}


def _dispute(client, headers, entry_id: str) -> None:  # noqa: ANN001
    case = client.post("/v1/redress/cases", json={"request_kind": "rectification"},
                       headers=headers(**OFFICER))
    assert case.status_code == 201, case.text
    disputed = client.post(f"/v1/redress/cases/{case.json()['tracking_number']}/dispute",
                           json={"entry_id": entry_id, "subject_statement": STATEMENT},
                           headers=headers(**OFFICER))
    assert disputed.status_code == 200, disputed.text


def test_hits_on_a_disputed_entry_carry_the_flag_and_the_statement(client, headers) -> None:
    """RD-disputed: before the dispute no hit is flagged; after it the border client sees
    ``disputed`` without the statement, the owning agency's operator sees the statement, and
    so does a later read of the screening."""
    entry = active_entry(client, headers)
    assert screen(client, headers, traveller()).json()["hits"][0]["disputed"] is False
    _dispute(client, headers, entry["id"])

    border = screen(client, headers, traveller())
    (hit,) = border.json()["hits"]
    assert hit["disputed"] is True and "subject_statement" not in hit
    assert "bank account" not in border.text

    operator = screen(client, headers, traveller(), role="operator", agency="police", sub="olga")
    (hit,) = operator.json()["hits"]
    assert hit["disputed"] is True and hit["subject_statement"] == STATEMENT

    read = client.get(f"/v1/screenings/{operator.json()['screening_id']}",
                      headers=headers("reviewer", agency="police", purpose="adjudication"))
    assert read.json()["hits"][0]["subject_statement"] == STATEMENT


def test_another_replica_learns_of_the_dispute_from_the_feed(settings, headers) -> None:
    """RD-disputed: recording a dispute is an entry change, so a replica that built its index
    before the dispute shows it with the next hits (bounded wait, no fixed sleep)."""
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        entry = active_entry(one, headers)
        assert wait_for(lambda: screen(two, headers, traveller()).json()["hits"])
        _dispute(one, headers, entry["id"])
        assert wait_for(lambda: screen(two, headers, traveller(), role="operator",
                                       agency="police").json()["hits"][0]
                        .get("subject_statement") == STATEMENT, timeout=5.0)
