"""Redress cases through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from policies.redress import NEUTRAL_INDIRECT_ACCESS_TEXT, is_valid_tracking_number
from service.redress import disputed_statement_for
from tests.policies_service.helpers import (
    audit_actions,
    chain_ok,
    listed,
    nominate,
    now,
    parse,
    read_entry,
    run,
)
from tests.service.factories import entry_body


def _officer(headers):  # noqa: ANN001, ANN202
    return headers("reviewer", agency="fusion-cell", sub="redress-officer")


def _open(client, headers, kind: str = "access") -> dict:  # noqa: ANN001
    response = client.post(
        "/v1/redress/cases", json={"request_kind": kind}, headers=_officer(headers)
    )
    assert response.status_code == 201, response.text
    return response.json()


def _step(client, headers, number: str, to: str, reasons: str | None = None) -> dict:  # noqa: ANN001
    body = {"to": to} | ({"reasons": reasons} if reasons else {})
    response = client.post(
        f"/v1/redress/cases/{number}/transitions", json=body, headers=_officer(headers)
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_case_gets_a_public_tracking_number_and_moves_through_states(app, client, headers) -> None:
    """RD-case-id: a tracking number that reveals nothing, a visible status, a determination
    letter at the end; every step is audited and the chain verifies."""
    case = _open(client, headers)
    number = case["tracking_number"]
    assert is_valid_tracking_number(number)
    assert case["state"] == "received" and case["public_status"] == "in_process"
    assert case["policy_pack"] == "default@2026.1" and case["profile"] == "eu-interop"
    # Case, spaces and hyphens are forgiven when looking a case up; a wrong check symbol is not.
    assert (
        client.get(
            f"/v1/redress/cases/{number.lower().replace('-', '')}", headers=_officer(headers)
        ).json()["id"]
        == case["id"]
    )
    bad = number[:-1] + ("2" if number[-1] != "2" else "3")
    assert client.get(f"/v1/redress/cases/{bad}", headers=_officer(headers)).status_code == 404
    assert client.get(f"/v1/redress/cases/{number}", headers=headers("operator")).status_code == 403

    assert (
        _step(client, headers, number, "needs_documents", "a copy of the passport is needed")[
            "public_status"
        ]
        == "needs_documents"
    )
    _step(client, headers, number, "admissible")
    _step(client, headers, number, "information_gathering")
    # A case is decided only through the decision endpoint, with reasons.
    refused = client.post(
        f"/v1/redress/cases/{number}/transitions", json={"to": "decided"}, headers=_officer(headers)
    )
    assert refused.status_code == 422
    invalid = client.post(
        f"/v1/redress/cases/{number}/transitions",
        json={"to": "received"},
        headers=_officer(headers),
    )
    assert invalid.status_code == 422
    early = client.get(f"/v1/redress/cases/{number}/letter", headers=_officer(headers))
    assert early.status_code == 409, early.text  # the case exists; it is not decided yet
    decided = client.post(
        f"/v1/redress/cases/{number}/decision",
        json={"outcome": "no_record"},
        headers=_officer(headers),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["public_status"] == "completed"
    letter = client.get(f"/v1/redress/cases/{number}/letter", headers=_officer(headers))
    assert letter.status_code == 200 and number in letter.text
    assert "does not confirm or deny" in letter.text
    _step(client, headers, number, "closed")
    actions = [a[0] for a in audit_actions(app, case["id"])]
    assert actions == ["redress.open"] + ["redress.transition"] * 3 + [
        "redress.decide",
        "redress.transition",
    ]
    assert chain_ok(app)


def test_deadlines_come_from_the_pack_and_escalate_when_overdue(app, client, headers) -> None:
    """RD-deadlines: eu-interop profile: forward within 7 days, reply within 45 (+15 with
    reasons); the policy run escalates each overdue deadline once."""
    case = _open(client, headers)
    number = case["tracking_number"]
    received = parse(case["milestones"]["received"])
    deadlines = {d["name"]: d for d in case["deadlines"]}
    assert parse(deadlines["reply"]["due_at"]) == received + timedelta(days=45)
    assert parse(deadlines["forward"]["due_at"]) == received + timedelta(days=7)
    assert deadlines["verify"]["due_at"] is None  # starts when forwarded
    forwarded = client.post(
        f"/v1/redress/cases/{number}/milestones",
        json={"milestone": "forwarded"},
        headers=_officer(headers),
    ).json()
    deadlines = {d["name"]: d for d in forwarded["deadlines"]}
    assert deadlines["forward"]["met_at"] is not None and deadlines["verify"]["due_at"]
    extended = client.post(
        f"/v1/redress/cases/{number}/deadlines/reply/extension",
        json={"reasons": "the originating agency needs two more weeks"},
        headers=_officer(headers),
    )
    assert extended.status_code == 200, extended.text
    reply = {d["name"]: d for d in extended.json()["deadlines"]}["reply"]
    assert parse(reply["due_at"]) == received + timedelta(days=60) and reply["extended"]
    again = client.post(
        f"/v1/redress/cases/{number}/deadlines/reply/extension",
        json={"reasons": "and two more weeks please"},
        headers=_officer(headers),
    )
    assert again.status_code == 409
    assert (
        run(app, received + timedelta(days=59))["counts"].get("redress_escalated", 0) == 1
    )  # verify
    report = run(app, received + timedelta(days=61))
    assert report["counts"]["redress_escalated"] == 1  # reply, once
    assert run(app, received + timedelta(days=62))["counts"].get("redress_escalated", 0) == 0
    case = client.get(f"/v1/redress/cases/{number}", headers=_officer(headers)).json()
    assert case["escalated"] is True
    escalated = {d["name"] for d in case["deadlines"] if d["escalated_at"]}
    assert escalated == {"verify", "reply"}
    assert [a[0] for a in audit_actions(app, case["id"])].count("redress.escalate") == 2


def test_restricted_reply_needs_reasons_and_reads_like_no_record(client, headers) -> None:
    """RD-restriction-reasons: a restriction records its factual and legal reasons internally;
    the letter is the same neutral letter as "no record" and carries none of them."""
    letters = {}
    for outcome in ("restricted_reply", "no_record"):
        number = _open(client, headers)["tracking_number"]
        _step(client, headers, number, "admissible")
        _step(client, headers, number, "information_gathering")
        url = f"/v1/redress/cases/{number}/decision"
        if outcome == "restricted_reply":
            missing = client.post(
                url,
                json={"outcome": outcome, "factual_reasons": "ongoing op"},
                headers=_officer(headers),
            )
            assert missing.status_code == 422
            assert missing.json()["detail"][0]["loc"] == ["body", "legal_reasons"]
            body = {
                "outcome": outcome,
                "factual_reasons": "Operation Nightjar is ongoing.",
                "legal_reasons": "LED Art 15(1)(a): would obstruct an inquiry.",
            }
        else:
            body = {"outcome": outcome}
        assert client.post(url, json=body, headers=_officer(headers)).status_code == 200
        letter = client.get(f"/v1/redress/cases/{number}/letter", headers=_officer(headers)).text
        letters[outcome] = letter.replace(number, "<ref>")
    assert letters["restricted_reply"] == letters["no_record"]
    assert "Nightjar" not in letters["restricted_reply"]


def test_disputed_entry_carries_the_statement_for_every_hit(app, client, headers) -> None:
    """RD-disputed: the person's statement is attached, the entry is flagged, the recipients
    to notify are named, and ``disputed_statement_for`` gives screening what to show."""
    entry = listed(client, headers)
    number = _open(client, headers, "rectification")["tracking_number"]
    with app.state.container.session_factory() as session:
        assert disputed_statement_for(session, entry["id"]) == {"disputed": False}
    response = client.post(
        f"/v1/redress/cases/{number}/dispute",
        json={
            "entry_id": entry["id"],
            "subject_statement": "I never sent money to that organisation; the account was stolen.",
        },
        headers=_officer(headers),
    )
    assert response.status_code == 200, response.text
    assert response.json()["notify_recipients"] == ["customs", "police"]
    assert response.json()["case"]["linked_entries"] == [entry["id"]]
    with app.state.container.session_factory() as session:
        notice = disputed_statement_for(session, entry["id"])
    assert notice["disputed"] is True and "account was stolen" in notice["subject_statement"]
    queue = client.get(
        "/v1/reviews",
        params={"as_of": entry["review_due"]},
        headers=headers("operator", agency="police"),
    ).json()
    assert [i["disputed"] for i in queue["items"] if i["entry_id"] == entry["id"]] == [True]
    empty = client.post(
        f"/v1/redress/cases/{number}/dispute",
        json={"entry_id": entry["id"], "subject_statement": "     "},
        headers=_officer(headers),
    )
    assert empty.status_code == 422
    hit = client.post(
        "/v1/screenings",
        json={
            "names": ["Qasim Yusuf Tahiri"],
            "birth_date": "1984-07-14",
            "purpose": "border check flight XY123",
        },
        headers=_officer(headers),
    )
    assert hit.status_code == 201, hit.text
    first = hit.json()["hits"][0]
    assert first["disputed"] is True and "account was stolen" in first["subject_statement"]


def test_delisting_through_redress_blocks_relisting_on_the_same_facts(client, headers) -> None:
    """RD-no-moot: delisted through redress with recorded reasons; nominating the same person
    on the same facts is refused; with new material added and linked it is accepted."""
    entry = listed(client, headers)
    number = _open(client, headers, "erasure")["tracking_number"]
    client.post(
        f"/v1/redress/cases/{number}/entries",
        json={"entry_id": entry["id"]},
        headers=_officer(headers),
    )
    _step(client, headers, number, "admissible")
    _step(client, headers, number, "information_gathering")
    no_reasons = client.post(
        f"/v1/redress/cases/{number}/decision",
        json={"outcome": "delisted"},
        headers=_officer(headers),
    )
    assert no_reasons.status_code == 422
    decided = client.post(
        f"/v1/redress/cases/{number}/decision",
        json={"outcome": "delisted", "factual_reasons": "The transfers were made by an impostor."},
        headers=_officer(headers),
    )
    assert decided.status_code == 200, decided.text
    assert read_entry(client, headers, entry["id"]).json()["status"] == "delisted"

    again = client.post(
        "/v1/entries", json=entry_body(), headers=headers("operator", agency="police", sub="alice")
    )
    assert again.status_code == 409, again.text
    assert again.json()["detail"][0]["rule"] == "relisting_same_facts"
    reworded = entry_body(
        articulable_facts="Sent money to a listed organisation three times in 2025."
    )
    refused = client.post(
        "/v1/entries", json=reworded, headers=headers("operator", agency="police", sub="alice")
    )
    assert refused.status_code == 409
    assert refused.json()["detail"][0]["rule"] == "relisting_without_new_material"
    new_material = entry_body(
        articulable_facts="Recorded in 2026 recruiting travellers for a listed group."
    )
    new_material["derogatory_items"].append(
        {
            "kind": "fact",
            "text": "Intercepted messages of March 2026 arrange travel for recruits.",
            "conduct_based": True,
            "source_ref": "Intercept 2026/31",
            "source_reliability": "B",
            "information_credibility": "2",
        }
    )
    accepted = client.post(
        "/v1/entries", json=new_material, headers=headers("operator", agency="police", sub="alice")
    )
    assert accepted.status_code == 201, accepted.text
    # Somebody else entirely is not affected.
    other = entry_body(
        names=[{"full_name": "Ilse Marguerite Vandenbrande", "name_type": "primary"}],
        birth_dates=[{"date": "1990-01-01"}],
    )
    assert (
        client.post(
            "/v1/entries", json=other, headers=headers("operator", agency="police", sub="alice")
        ).status_code
        == 201
    )


def test_indirect_access_answer_is_neutral(app, client, headers) -> None:
    """RD-indirect-access: the oversight body gets the same answer whether or not the person is
    listed; a found entry gets an internal lawfulness review; the identity is not logged."""
    entry = listed(client, headers)
    oversight = headers("oversight", agency="dpa")
    answers = []
    for names, reference in (
        (["Qasim Yusuf Tahiri"], "DPA-2026-001"),
        (["Ingrid Solveig Marthinsen"], "DPA-2026-001"),
    ):
        response = client.post(
            "/v1/redress/indirect-access",
            json={"request_reference": reference, "names": names, "birth_dates": ["1984-07-14"]},
            headers=oversight,
        )
        assert response.status_code == 200, response.text
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert answers[0]["text"] == NEUTRAL_INDIRECT_ACCESS_TEXT
    with app.state.container.session_factory() as session:
        reviews = session.execute(text("SELECT entry_id FROM lawfulness_reviews")).scalars().all()
        details = (
            session.execute(
                text("SELECT details FROM audit_events WHERE action = 'redress.indirect_access'")
            )
            .scalars()
            .all()
        )
    assert reviews == [entry["id"]]
    assert "Tahiri" not in str(details) and "1984" not in str(details)
    # Only oversight may ask; a reviewer cannot.
    assert (
        client.post(
            "/v1/redress/indirect-access",
            json={"request_reference": "x", "names": ["A B"]},
            headers=_officer(headers),
        ).status_code
        == 403
    )


def test_lawfulness_review_is_queued_and_closed_by_a_review_RD_indirect_access(
    app, client, headers
) -> None:
    """RD-indirect-access: the lawfulness review an indirect access request leaves on a found
    entry puts it on the controller's review queue; the next review decision closes it
    (audited); oversight sees open/closed counts only, never which entry."""
    entry = listed(client, headers)
    found = client.post(
        "/v1/redress/indirect-access",
        json={
            "request_reference": "DPA-2026-002",
            "names": ["Qasim Yusuf Tahiri"],
            "birth_dates": ["1984-07-14"],
        },
        headers=headers("oversight", agency="dpa"),
    )
    assert found.status_code == 200, found.text
    queue = client.get("/v1/reviews", headers=headers("reviewer", agency="fusion-cell")).json()
    [item] = [i for i in queue["items"] if i["entry_id"] == entry["id"]]
    assert item["reasons"] == ["lawfulness_review"]
    assert _lawfulness_counts(client, headers) == (1, 0)

    decided = client.post(
        f"/v1/entries/{entry['id']}/reviews",
        json={
            "outcome": "retain",
            "necessity": "Checked after the indirect access request: the transfers are documented.",
            "proportionality": "Secondary inspection only; the listing stays proportionate.",
        },
        headers=headers("reviewer", agency="fusion-cell", sub="rev-2"),
    )
    assert decided.status_code == 201, decided.text
    queue = client.get("/v1/reviews", headers=headers("reviewer", agency="fusion-cell")).json()
    assert entry["id"] not in [i["entry_id"] for i in queue["items"]]
    with app.state.container.session_factory() as session:
        closed = session.execute(
            text("SELECT closed_by FROM lawfulness_reviews WHERE closed_at IS NOT NULL")
        ).scalar_one()
        details = session.execute(
            text("SELECT details FROM audit_events WHERE action = 'entry.review'")
        ).scalar_one()
    assert closed == "rev-2"
    details = json.loads(details) if isinstance(details, str) else details
    assert details["lawfulness_reviews_closed"] == 1
    assert _lawfulness_counts(client, headers) == (0, 1)
    assert chain_ok(app)


def _lawfulness_counts(client, headers) -> tuple[int, int]:  # noqa: ANN001
    """(open, closed) lawfulness reviews as oversight sees them: counts, no entry ids."""
    stats = client.get("/v1/reviews/stats", headers=headers("oversight", agency="dpa")).json()
    return stats["review"]["lawfulness_reviews_open"], stats["review"]["lawfulness_reviews_closed"]


def test_processing_outside_a_configured_purpose_is_refused(client, headers) -> None:
    """GV-purpose-config: a purpose the pack does not configure is refused (422)."""
    response = client.post(
        "/v1/redress/cases",
        json={"request_kind": "access", "purpose": "marketing"},
        headers=_officer(headers),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "purpose_not_allowed"
    response = client.post(
        "/v1/redress/indirect-access",
        json={"request_reference": "DPA-1", "purpose": "curiosity", "names": ["A B"]},
        headers=headers("oversight", agency="dpa"),
    )
    assert response.status_code == 422


def test_nomination_alone_is_not_affected_by_unrelated_cases(client, headers) -> None:
    """RD-no-moot: the guard only concerns people delisted through redress."""
    nominate(client, headers)
    assert nominate(client, headers)["status"] == "pending_review"
    _ = now()


def test_restriction_is_re_evaluated_at_every_review(client, headers) -> None:
    """RD-restriction-reasons: once a reply about an entry was restricted, a decision to keep
    the entry must re-evaluate the restriction."""
    entry = listed(client, headers)
    number = _open(client, headers)["tracking_number"]
    client.post(
        f"/v1/redress/cases/{number}/entries",
        json={"entry_id": entry["id"]},
        headers=_officer(headers),
    )
    _step(client, headers, number, "admissible")
    _step(client, headers, number, "information_gathering")
    assert (
        client.post(
            f"/v1/redress/cases/{number}/decision",
            json={
                "outcome": "restricted_reply",
                "factual_reasons": "An inquiry is ongoing.",
                "legal_reasons": "LED Art 15(1)(a).",
            },
            headers=_officer(headers),
        ).status_code
        == 200
    )
    retain = {
        "outcome": "retain",
        "necessity": "Transfers continued in 2026.",
        "proportionality": "Discreet check only.",
    }
    url = f"/v1/entries/{entry['id']}/reviews"
    reviewer = headers("reviewer", agency="fusion-cell", sub="rev-2")
    refused = client.post(url, json=retain, headers=reviewer)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "restriction_reassessment"]
    retain["restriction_reassessment"] = "The inquiry is still open; restriction still needed."
    assert client.post(url, json=retain, headers=reviewer).status_code == 201
