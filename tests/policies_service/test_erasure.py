"""Erasure for real and audit-log retention, on SQLite and PostgreSQL.

The scan reflects EVERY table of the database (not only mapped ones), selects every row and
looks for the erased person's names, birth date and document number.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.policies_service.helpers import (
    BIRTH_DATE,
    DAY,
    DOCUMENT,
    NAMES,
    NEEDLES,
    audit_actions,
    chain_ok,
    cli_chain_ok,
    cli_run,
    listed,
    now,
    parse,
    read_entry,
    run,
    scan_database,
)
from tests.policies_service.helpers import person as _person


def _leave_traces_everywhere(client, headers, entry: dict) -> None:  # noqa: ANN001
    """Touch every feature that may copy data about the entry: an amendment (a version),
    a review decision, a dispute with a statement, a screening with a hit and an adjudication,
    a cleared-person profile."""
    entry_id = entry["id"]
    patch = client.patch(
        f"/v1/entries/{entry_id}",
        json={"reason": "add a birth place", "birth_places": ["Fictional Town"]},
        headers={
            **headers("operator", agency="police", sub="alice"),
            "If-Match": f'"{entry["version"]}"',
        },
    )
    assert patch.status_code == 200, patch.text
    # An amendment of a listed entry goes back to a second review (LB-second-review).
    reapproved = client.post(
        f"/v1/entries/{entry_id}/approve",
        json={"reason": "amendment checked"},
        headers={
            **headers("reviewer", agency="fusion-cell", sub="rev-1"),
            "If-Match": patch.headers["ETag"],
        },
    )
    assert reapproved.status_code == 200, reapproved.text
    review = client.post(
        f"/v1/entries/{entry_id}/reviews",
        json={
            "outcome": "retain",
            "necessity": f"{NAMES[0]} still organises transfers (checked again).",
            "proportionality": "Discreet check only; less intrusive means would not work.",
        },
        headers=headers("reviewer", agency="fusion-cell", sub="rev-2"),
    )
    # The one-year pack allows no extension: the refusal is recorded, the text is not kept.
    assert review.status_code in (201, 409), review.text
    case = client.post(
        "/v1/redress/cases",
        json={"request_kind": "rectification"},
        headers=headers("reviewer", agency="fusion-cell"),
    ).json()
    dispute = client.post(
        f"/v1/redress/cases/{case['tracking_number']}/dispute",
        json={
            "entry_id": entry_id,
            "subject_statement": f"I, {NAMES[0]}, born {BIRTH_DATE}, passport {DOCUMENT}, deny it.",
        },
        headers=headers("reviewer", agency="fusion-cell"),
    )
    assert dispute.status_code == 200, dispute.text
    screening = client.post(
        "/v1/screenings",
        json={
            "names": [NAMES[0]],
            "birth_date": BIRTH_DATE,
            "purpose": "border check flight XY123",
            "travel_document": {"number": DOCUMENT, "country": "JO"},
        },
        headers=headers("reviewer", agency="fusion-cell"),
    )
    assert screening.status_code == 201, screening.text
    hits = screening.json()["hits"]
    assert hits, "the listed person must be found before erasure"
    decision = client.post(
        f"/v1/screenings/{screening.json()['screening_id']}/hits/{hits[0]['hit_id']}/decision",
        json={"decision": "confirmed", "reason": "same passport, same birth date"},
        headers=headers("reviewer", agency="fusion-cell", sub="rev-3"),
    )
    assert decision.status_code == 201, decision.text
    cleared = client.post(
        "/v1/cleared-persons",
        json={
            "entry_id": entry_id,
            "consent": {"reference": "consent form 7", "given_at": now().isoformat()},
            "identity": {"names": [NAMES[1]], "birth_date": "1981-05-05"},
        },
        headers=headers("reviewer", agency="fusion-cell"),
    )
    assert cleared.status_code == 201, cleared.text


# A pack whose retention cap equals its review interval: review_due is capped at expires_at, so
# the entry reaches its retention cap (not a lapsed review) first.
ONE_YEAR_PACK = """
[pack]
id = "one-year-cap"
version = "test.1"
[review]
minor_interval = "6 months"
warning_lead_time = "1 month"
[review.by_category]
SUSPECT = "12 months"
CONVICTED = "12 months"
VICTIM = "12 months"
OTHER_PARTY = "12 months"
[retention]
max_retention = "12 months"
erasure_grace_period = "30 days"
audit_log = "3 years"
[extensions]
max_extensions = 0
require_assessment = true
[redress]
profile = "eu-interop"
[purposes]
allowed = ["counter_terrorism_screening", "border_screening", "oversight", "redress"]
"""


@pytest.fixture
def capped(settings, tmp_path):  # noqa: ANN001, ANN201
    """An app and client running the one-year-cap pack from a file (GV-purpose-config)."""
    from fastapi.testclient import TestClient

    from service.app import create_app

    pack_file = tmp_path / "one-year.toml"
    pack_file.write_text(ONE_YEAR_PACK)
    capped_settings = settings.model_copy(update={"policy_pack_file": pack_file})
    app = create_app(capped_settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client, capped_settings


def test_expired_entry_leaves_no_personal_data_anywhere(capped, headers, database_url) -> None:
    """RV-erasure-log, RV-review-date, GV-purpose-config: at expires_at the entry is erased for
    real, with its versions, shares, review assessments, dispute statement, hits,
    adjudications, cleared persons and query data; every table is scanned; only metadata
    remains; the chain verifies. The clock is moved by ``watchlist policies run --now`` on the
    real database."""
    app, client, capped_settings = capped
    entry = listed(client, headers, **_person())
    assert parse(entry["review_due"]) == parse(entry["expires_at"])
    _leave_traces_everywhere(client, headers, entry)
    before = scan_database(database_url, NEEDLES)
    assert "entries" in before and "entry_versions" in before  # the scan does see the data

    expires = parse(read_entry(client, headers, entry["id"]).json()["expires_at"])
    report = cli_run(capped_settings, expires + DAY)
    assert report["counts"]["erased:max_retention_reached"] == 1, report
    assert report["failures"] == {}

    assert scan_database(database_url, NEEDLES) == {}
    assert read_entry(client, headers, entry["id"]).status_code == 404
    assert ("entry.erase", "system", "success") in audit_actions(app, entry["id"])
    with app.state.container.session_factory() as session:
        details = session.execute(
            text("SELECT details FROM audit_events WHERE action = 'entry.erase'")
        ).scalar_one()
        record = session.execute(
            text("SELECT legal_reason, erased_by FROM erasure_records WHERE entry_id = :id"),
            {"id": entry["id"]},
        ).one()
    if isinstance(details, str):
        import json

        details = json.loads(details)
    assert {"entry_id", "erased_by", "erased_at", "legal_reason", "decided_by"} <= set(details)
    assert set(details) <= {
        "entry_id",
        "erased_by",
        "erased_at",
        "legal_reason",
        "decided_by",
        "rows_erased",
        "tables",
    }
    assert tuple(record) == ("max_retention_reached", "system")
    assert details["decided_by"] == "one-year-cap@test.1"
    assert cli_chain_ok(capped_settings)
    # Idempotent: nothing more to erase.
    assert cli_run(capped_settings, expires + 2 * DAY)["counts"] == {}


def test_delisted_entry_is_erased_after_the_grace_period(
    app, client, headers, database_url
) -> None:
    """RV-erasure-log: a delisted entry keeps no personal data after the pack's grace period."""
    entry = listed(client, headers, **_person())
    client.post(
        f"/v1/entries/{entry['id']}/delist",
        json={"reason": "no longer needed"},
        headers=headers("reviewer", agency="fusion-cell"),
    )
    assert run(app, now() + timedelta(days=29))["counts"].get("erased", 0) == 0
    assert scan_database(database_url, NEEDLES)
    assert run(app, now() + timedelta(days=31))["counts"]["erased:delisted"] == 1
    assert scan_database(database_url, NEEDLES) == {}
    assert chain_ok(app)


def test_lapsed_review_leads_to_suspension_then_erasure(app, client, headers, database_url) -> None:
    """RV-review-date: no extension recorded before review_due: suspended at once, erased after
    the grace period (automatic expiry and deletion)."""
    entry = listed(client, headers, **_person())
    due = parse(entry["review_due"])
    assert run(app, due + DAY)["counts"]["suspended_overdue"] == 1
    assert run(app, due + timedelta(days=31))["counts"]["erased:review_lapsed"] == 1
    assert scan_database(database_url, NEEDLES) == {}


def test_audit_purge_keeps_the_chain_verifiable(app, client, headers) -> None:
    """LG-retention: events older than the log-retention period are purged behind a recorded
    checkpoint; the remaining chain verifies from it; UPDATE and DELETE above the cut are
    still refused by the database, and checkpoints cannot be rewritten."""
    listed(client, headers)
    with app.state.container.session_factory() as session:
        before = session.execute(text("SELECT count(*), max(seq) FROM audit_events")).one()
    # default pack: "end_of_following_year" -> two years on, everything so far may go.
    later = now() + timedelta(days=2 * 366)
    report = run(app, later)
    assert report["counts"]["audit_events_purged"] >= before[0]
    with app.state.container.session_factory() as session:
        cut_seq, cut_hash = session.execute(
            text("SELECT cut_seq, cut_hash FROM audit_checkpoints")
        ).one()
        assert cut_seq >= before[1]
        remaining = session.execute(text("SELECT min(seq), count(*) FROM audit_events")).one()
        assert remaining[0] == cut_seq + 1
    assert chain_ok(app)
    oversight = headers("oversight", agency="dpa")
    verified = client.get("/v1/audit/verify", headers=oversight)
    assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text
    # Today nothing is old enough to go; new activity chains on from the checkpoint.
    assert run(app, now())["counts"].get("audit_events_purged", 0) == 0
    listed(client, headers)
    assert chain_ok(app)
    # A second purge moves the cut forward behind a second checkpoint.
    assert run(app, later)["counts"]["audit_events_purged"] > 0
    with app.state.container.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM audit_checkpoints")).scalar() == 2
    assert chain_ok(app)

    engine = app.state.container.engine
    for statement in (
        "UPDATE audit_events SET purpose = 'x' WHERE seq = (SELECT max(seq) FROM audit_events)",
        "DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)",
        "UPDATE audit_checkpoints SET cut_seq = cut_seq + 100",
        "DELETE FROM audit_checkpoints",
    ):
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(text(statement))
    assert chain_ok(app)


def test_tampering_before_the_cut_is_not_checkpointed(app, client, headers) -> None:
    """LG-retention: a broken stretch is never purged behind a checkpoint (it stays for
    investigation); the refusal is itself audited."""
    listed(client, headers)
    engine = app.state.container.engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
            )
            connection.execute(text("UPDATE audit_events SET purpose = 'forged' WHERE seq = 1"))
            connection.execute(
                text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update")
            )
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("UPDATE audit_events SET purpose = 'forged' WHERE seq = 1"))
    report = run(app, now() + timedelta(days=2 * 366))
    assert report["counts"].get("audit_events_purged", 0) == 0
    with app.state.container.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM audit_checkpoints")).scalar() == 0
    assert ("audit.purge", "system", "refused") in audit_actions(app)
