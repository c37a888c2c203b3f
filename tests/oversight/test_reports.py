"""Transparency report and subject access report (OV-console, MT-outcome-stats, LG-use-limit)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from service.db.engine import make_engine
from service.models.audit import AuditEvent
from service.models.entry import Entry
from tests.screening.helpers import active_entry, screen, traveller

OVERSIGHT = {"agency": "dpa", "sub": "inspector"}
TRAVELLERS = [  # nationality, gender, birth date: the groups the report breaks down by
    ("JO", "male", "1984-07-14"),
    ("JO", "male", "1990-01-01"),
    ("JO", "female", "1960"),
    ("FR", "female", "2010-05-05"),
    ("FR", "male", "1984-07-14"),
    (None, None, None),
]


def _screen_and_decide(client, headers) -> list[str]:  # noqa: ANN001
    """Six screenings through the API; hits decided by a named reviewer (MT-human-in-loop)."""
    active_entry(client, headers)
    decisions = ["false_positive", "false_positive", "confirmed", "false_positive"]
    screening_ids = []
    for index, (nationality, gender, born) in enumerate(TRAVELLERS):
        body = traveller(nationality=nationality, gender=gender, birth_date=born)
        body = {k: v for k, v in body.items() if v is not None}
        response = screen(client, headers, body)
        assert response.status_code == 201, response.text
        result = response.json()
        screening_ids.append(result["screening_id"])
        if result["hits"] and index < len(decisions):
            hit = result["hits"][0]
            decided = client.post(
                f"/v1/screenings/{result['screening_id']}/hits/{hit['hit_id']}/decision",
                json={"decision": decisions[index], "reason": "documents compared at the desk"},
                headers=headers("reviewer", agency="fusion-cell", sub="rita", purpose=None),
            )
            assert decided.status_code == 201, decided.text
    return screening_ids


def _report(client, headers, **params):  # noqa: ANN001, ANN003, ANN202
    return client.get(
        "/v1/reports/transparency",
        params=params,
        headers=headers("oversight", **OVERSIGHT, purpose=None),
    )


def test_transparency_report_adds_up_against_raw_tables(
    client, headers, settings, monkeypatch
) -> None:
    """OV-console, MT-outcome-stats: with suppression off, every figure equals a count over the
    raw tables, and each breakdown (nationality, sex, age band) sums to the total."""
    monkeypatch.setenv("WATCHLIST_REPORT_MIN_COUNT", "1")
    _screen_and_decide(client, headers)
    response = _report(client, headers)
    assert response.status_code == 200, response.text
    report = response.json()
    sections = report["sections"]
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        by_status = dict(
            session.execute(select(Entry.status, func.count()).group_by(Entry.status)).all()
        )
        assert sections["entries"]["by_status"] == by_status
        assert sections["entries"]["total"] == sum(by_status.values())
        assert sum(sections["entries"]["by_data_subject_category"].values()) == sum(
            by_status.values()
        )
        raw = session.execute(
            select(func.count()).select_from(
                __import__("service.models", fromlist=["Screening"]).Screening
            )
        ).scalar_one()
        decision_model = __import__("service.models", fromlist=["HitDecision"]).HitDecision
        false_positives = session.execute(
            select(func.count())
            .select_from(decision_model)
            .where(decision_model.decision == "false_positive", decision_model.revoked_at.is_(None))
        ).scalar_one()
    engine.dispose()
    screenings = sections["screenings"]
    assert screenings["totals"]["screened"] == raw == len(TRAVELLERS)
    assert screenings["totals"]["false_positive"] == false_positives
    for dimension in ("by_nationality", "by_sex", "by_age_band"):
        groups = screenings[dimension]
        assert sum(g["screened"] for g in groups.values()) == raw, dimension
        assert sum(g["false_positive"] for g in groups.values()) == false_positives, dimension
    assert set(screenings["by_nationality"]) == {"JO", "FR", "unknown"}
    assert "ethnicity" not in response.text and "religion" not in response.text
    decided = screenings["totals"]["hits_decided"]
    if decided:
        assert screenings["totals"]["false_positive_rate"] == round(false_positives / decided, 4)


def test_small_counts_are_suppressed(client, headers) -> None:
    """OV-console, MT-outcome-stats: counts from 1 to 4 are published as '<5' and rates built
    on them are null, so no individual can be singled out."""
    _screen_and_decide(client, headers)
    report = _report(client, headers).json()
    sections = report["sections"]
    assert report["min_published_count"] == 5
    assert sections["entries"]["by_status"]["active"] == "<5"
    assert sections["screenings"]["totals"]["screened"] == 6
    jo = sections["screenings"]["by_nationality"]["JO"]
    assert jo["screened"] == "<5" and jo["false_positive_rate"] is None

    def counts(value):  # noqa: ANN001, ANN202
        if isinstance(value, dict):
            for item in value.values():
                yield from counts(item)
        elif isinstance(value, int) and not isinstance(value, bool):
            yield value

    assert all(n == 0 or n >= 5 for n in counts(sections))


def test_transparency_report_as_csv_and_audited(client, headers) -> None:
    """OV-console, LG-use-limit: CSV on request (format or Accept); reading it is recorded;
    only oversight reads it."""
    response = _report(client, headers, format="csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["section", "metric", "group", "value"] and len(rows) > 5
    by_accept = client.get(
        "/v1/reports/transparency",
        headers={**headers("oversight", **OVERSIGHT, purpose=None), "Accept": "text/csv"},
    )
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert (
        _report(
            client, headers, **{"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}
        ).status_code
        == 200
    )
    assert (
        client.get(
            "/v1/reports/transparency", headers=headers("operator", purpose=None)
        ).status_code
        == 403
    )
    events = client.get(
        "/v1/audit/events",
        params={"action": "report.transparency"},
        headers=headers("oversight", **OVERSIGHT),
    ).json()["items"]
    assert len(events) == 3 and {e["details"]["format"] for e in events} == {"csv", "json"}


def _nominate_and_amend(client, headers) -> str:  # noqa: ANN001
    from tests.service.factories import entry_body

    entry = client.post(
        "/v1/entries", json=entry_body(), headers=headers("operator", agency="police", sub="alice")
    ).json()
    patched = client.patch(
        f"/v1/entries/{entry['id']}",
        json={"reason": "new passport seen", "nationalities": ["JO", "SY"]},
        headers={**headers("operator", agency="police", sub="alice"), "If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.text
    return entry["id"]


def test_subject_access_report_shows_data_and_history(client, headers) -> None:
    """RD-case-id, LG-use-limit: the report holds the data and every version; it is a recorded
    disclosure; who may not see the entry gets 404, other roles 403."""
    entry_id = _nominate_and_amend(client, headers)
    response = client.get(
        f"/v1/reports/subject-access/{entry_id}",
        params={"case": "RCN-1"},
        headers=headers("reviewer", agency="fusion-cell", sub="rita"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert "Qasim Yusuf Tahiri" in text and "ZX4410982" in text and "RCN-1" in text
    assert "| 1 |" in text and "| 2 |" in text and "new passport seen" in text
    assert "alice" not in text  # officials' identities are not part of the subject's data
    # LG-use-limit: the subject can check how the data were used (aggregated processing log).
    assert "## Processing log" in text and "| collection | entry.nominate | police | 1 |" in text
    assert (
        client.get(
            f"/v1/reports/subject-access/{entry_id}", headers=headers("oversight", **OVERSIGHT)
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/v1/reports/subject-access/{entry_id}", headers=headers("reviewer", agency="army")
        ).status_code
        == 404
    )
    assert (
        client.get(f"/v1/reports/subject-access/{entry_id}", headers=headers("border")).status_code
        == 403
    )
    events = client.get(
        "/v1/audit/events",
        params={"action": "report.subject_access"},
        headers=headers("oversight", **OVERSIGHT),
    ).json()["items"]
    assert [e["operation"] for e in events] == ["disclosure", "disclosure"]
    assert events[0]["target_id"] == entry_id and events[0]["details"]["case_ref"] == "RCN-1"
    assert "Tahiri" not in str(events)


def test_subject_access_report_respects_recorded_restriction(client, headers, settings) -> None:
    """RD-restriction-reasons: after a restricted reply is recorded in a redress case, the
    grounds and change reasons are withheld with a note naming the case."""
    policy = pytest.importorskip("service.models.policy")
    entry_id = _nominate_and_amend(client, headers)
    now = datetime.now(UTC)
    engine = make_engine(settings.database_url)
    with Session(engine) as session, session.begin():
        case_id = str(uuid.uuid4())
        session.add(
            policy.RedressCaseRecord(
                id=case_id,
                tracking_number="RCN-TEST-0001",
                request_kind="access",
                state="decided",
                profile_name="led",
                pack_id="default",
                pack_version="1",
                milestones={},
                extensions={},
                escalations={},
                decision_outcome="restricted_reply",
                opened_by="rita",
                opened_agency="fusion-cell",
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        session.add(
            policy.RedressCaseEntry(
                case_id=case_id, entry_id=entry_id, linked_by="rita", linked_at=now
            )
        )
    engine.dispose()
    text = client.get(
        f"/v1/reports/subject-access/{entry_id}",
        headers=headers("reviewer", agency="fusion-cell", sub="rita"),
    ).text
    assert "Withheld" in text and "RCN-TEST-0001" in text
    assert "Bank records" not in text and "new passport seen" not in text
    assert "Qasim Yusuf Tahiri" in text  # identity data are still shown to the case file
    assert create_engine  # (kept for type checkers)
    assert AuditEvent


def test_subject_access_report_adds_dispute_reviews_hits_and_recipients(client, headers) -> None:
    """RD-disputed, RV-extension-record, MT-human-in-loop, LG-use-limit: the report also shows
    the subject's own statement, the review decisions, the human decisions on hits against
    the entry and the recipients; officials appear by agency only; the disclosure records how
    much of each it showed."""
    entry = active_entry(client, headers)
    reviewer = headers("reviewer", agency="fusion-cell", sub="rev-2")
    review = client.post(f"/v1/entries/{entry['id']}/reviews", headers=reviewer, json={
        "outcome": "retain",
        "necessity": "Transfers continued in 2026 (bank records).",
        "proportionality": "Discreet check only; no less intrusive measure works.",
    })
    assert review.status_code == 201, review.text
    case = client.post("/v1/redress/cases", json={"request_kind": "rectification"},
                       headers=reviewer).json()
    dispute = client.post(f"/v1/redress/cases/{case['tracking_number']}/dispute", headers=reviewer,
                          json={"entry_id": entry["id"],
                                "subject_statement": "I never sent money to that group."})
    assert dispute.status_code == 200, dispute.text
    screened = screen(client, headers, traveller()).json()
    assert screened["hits"], screened
    decided = client.post(
        f"/v1/screenings/{screened['screening_id']}/hits/{screened['hits'][0]['hit_id']}/decision",
        json={"decision": "false_positive", "reason": "different person at the desk"},
        headers=headers("reviewer", agency="fusion-cell", sub="rita", purpose=None),
    )
    assert decided.status_code == 201, decided.text

    report = client.get(f"/v1/reports/subject-access/{entry['id']}",
                        headers=headers("oversight", **OVERSIGHT))
    assert report.status_code == 200, report.text
    text = report.text
    assert "> I never sent money to that group." in text
    assert "## Review decisions" in text and "| retain | fusion-cell |" in text
    assert "Transfers continued in 2026" in text
    assert "| false_positive | fusion-cell |" in text
    assert "different person at the desk" not in text  # about the traveller, not the subject
    assert "Shared with (recipients): customs" in text
    assert "rev-2" not in text and "rita" not in text
    events = client.get("/v1/audit/events", params={"action": "report.subject_access"},
                        headers=headers("oversight", **OVERSIGHT)).json()["items"]
    details = events[-1]["details"]
    assert (details["disputed"], details["review_decisions"], details["hit_decisions"]) == (
        True, 1, 1)
