"""The transparency report adds up against the raw tables (OV-console, RV-extension-record,
RD-deadlines, MT-outcome-stats), and no suppressed count can be recovered by subtraction.

Expected figures are counted here with SQL over the raw tables, or built from the raw rows this
test inserts, never with the report's own code.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from service.oversight.suppression import SECONDARY, suppress
from tests.policies_service.helpers import DAY, listed, parse, run

REVIEWER = {"agency": "fusion-cell", "sub": "rev-2"}
RETAIN = {
    "outcome": "retain",
    "necessity": "New travel bookings show the facilitation network is still active in 2026.",
    "proportionality": "Discreet check only; no less intrusive measure would detect travel.",
}


@pytest.fixture
def no_suppression(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("WATCHLIST_REPORT_MIN_COUNT", "1")


@pytest.fixture
def long_logs(settings, tmp_path):  # noqa: ANN001, ANN201
    """App and client under the default pack with audit logs kept 3 years, so that the purge
    at the turn of the year cannot remove the events a test counts (whatever today's date)."""
    from pathlib import Path

    from fastapi.testclient import TestClient

    import policies
    from service.app import create_app

    pack = (Path(policies.__file__).parent / "packs" / "default.toml").read_text()
    pack_file = tmp_path / "long-logs.toml"
    pack_file.write_text(
        pack.replace('audit_log = "end_of_following_year"', 'audit_log = "3 years"')
    )
    assert 'audit_log = "3 years"' in pack_file.read_text()
    app = create_app(settings.model_copy(update={"policy_pack_file": pack_file}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


def _report(client, headers) -> dict:  # noqa: ANN001
    response = client.get("/v1/reports/transparency",
                          headers=headers("oversight", agency="dpa", purpose=None))
    assert response.status_code == 200, response.text
    return response.json()["sections"]


def _sql(app, statement: str, **params: object) -> list[tuple]:  # noqa: ANN001
    with app.state.container.session_factory() as session:
        return [tuple(row) for row in session.execute(text(statement), params)]


def _grouped(app, statement: str) -> dict[str, int]:  # noqa: ANN001
    return {str(key): count for key, count in _sql(app, statement)}


def test_review_extension_lapse_erasure_and_legal_basis_figures_add_up(
    long_logs, headers, no_suppression
) -> None:
    """OV-console, RV-extension-record, RV-review-date: an extension is a decision that started
    a new period (a delist after a retain carries extension_number 1 but extends nothing);
    reviews that lapsed into fail-safe suspension are counted in the period although the
    runner leaves none overdue; erasures and legal bases equal their raw rows."""
    app, client = long_logs
    delisted = listed(client, headers)
    lapsing = [listed(client, headers),
               listed(client, headers, legal_basis={"instrument": "Other Act 2020",
                                                    "article": "s. 3"})]
    url = f"/v1/entries/{delisted['id']}/reviews"
    reviewer = headers("reviewer", **REVIEWER)
    assert client.post(url, json=RETAIN, headers=reviewer).status_code == 201
    delist = client.post(url, json={"outcome": "delist", "reasons": "no ground left"},
                         headers=reviewer)
    assert delist.status_code == 201, delist.text

    reviews = _report(client, headers)["reviews"]
    raw = _grouped(app, "SELECT outcome, count(*) FROM review_decisions GROUP BY outcome")
    assert {k: v for k, v in reviews["by_outcome"].items() if v} == raw == {"retain": 1,
                                                                           "delist": 1}
    assert reviews["decisions"] == sum(raw.values())
    assert _sql(app, "SELECT max(extension_number) FROM review_decisions "
                     "WHERE outcome = 'delist'") == [(1,)]  # the old count carried along
    extensions = _sql(app, "SELECT count(*) FROM review_decisions "
                           "WHERE outcome IN ('retain', 'modify')")[0][0]
    assert reviews["extensions"] == extensions == 1
    assert reviews["lapsed_in_period"] == 0

    due = parse(lapsing[0]["review_due"])
    counts = run(app, due + DAY)["counts"]
    assert counts["suspended_overdue"] == len(lapsing)
    sections = _report(client, headers)
    lapsed = _sql(app, "SELECT count(*) FROM audit_events WHERE action = 'entry.suspend' "
                       "AND actor_sub = 'system'")[0][0]
    assert sections["reviews"]["lapsed_in_period"] == lapsed == len(lapsing)
    assert sections["entries"]["active_review_overdue_now"] == 0  # why the old figure misled

    run(app, due + 31 * DAY)  # erases the delisted entry and the lapsed ones
    sections = _report(client, headers)
    erasures = sections["erasures"]
    raw = _grouped(app, "SELECT legal_reason, count(*) FROM erasure_records "
                        "GROUP BY legal_reason")
    assert erasures["by_legal_reason"] == raw and erasures["total"] == sum(raw.values()) == 3
    # The lapses stay counted after the entries they suspended are gone.
    assert sections["reviews"]["lapsed_in_period"] == len(lapsing)
    basis = _grouped(app, "SELECT legal_basis_instrument, count(*) FROM entries "
                          "GROUP BY legal_basis_instrument")
    assert sections["entries"]["by_legal_basis"] == basis


def _case(app, number: int, kind: str = "access", outcome: str | None = None,  # noqa: ANN001
          **milestones_days_ago: int) -> None:
    """A redress case stored as the service stores it, with milestones in the past."""
    from service.models.policy import RedressCaseRecord

    now = datetime.now(UTC)
    milestones = {name: (now - timedelta(days=days)).isoformat()
                  for name, days in milestones_days_ago.items()}
    with app.state.container.session_factory() as session, session.begin():
        session.add(RedressCaseRecord(
            id=str(uuid.uuid4()), tracking_number=f"RCN-TEST-{number:04d}", request_kind=kind,
            state="decided" if outcome else "received", profile_name="eu-interop",
            pack_id="default", pack_version="2026.1", milestones=milestones, extensions={},
            escalations={}, decision_outcome=outcome, decided_by="rita" if outcome else None,
            opened_by="rita", opened_agency="fusion-cell", created_at=now, updated_at=now))


def test_redress_outcomes_and_deadline_compliance_add_up(
    app, client, headers, no_suppression
) -> None:
    """RD-deadlines, OV-console: each deadline of each case is met on time, met late, open
    within its deadline or open past it (or not started); none escalated yet, so the old
    figure called all four cases compliant. eu-interop: forward within 7 days of receipt,
    verify within 30 days of forwarding, reply within 45 days of receipt."""
    _case(app, 1, received=100)  # forward overdue, verify not started, reply overdue
    _case(app, 2, received=10, forwarded=8)  # forward on time; verify and reply running
    _case(app, 3, received=60, forwarded=20)  # forward late; verify running; reply overdue
    _case(app, 4, outcome="no_record", received=50, decided=10)  # forward late by decision;
    # verify answered by the decision before it started; reply on time
    expected = {"met_on_time": 3, "met_late": 2, "open_within_deadline": 3, "open_overdue": 3,
                "not_started": 1}
    redress = _report(client, headers)["redress"]
    assert redress["deadline_compliance"] == expected
    assert redress["opened"] == _sql(app, "SELECT count(*) FROM redress_cases")[0][0] == 4
    outcomes = _grouped(app, "SELECT coalesce(decision_outcome, 'unknown'), count(*) "
                             "FROM redress_cases GROUP BY decision_outcome")
    assert redress["by_outcome"] == outcomes == {"no_record": 1, "unknown": 3}
    states = _grouped(app, "SELECT state, count(*) FROM redress_cases GROUP BY state")
    assert redress["by_state"] == states


def test_hit_rates_add_up_against_raw_screenings(app, client, headers, no_suppression) -> None:
    """MT-outcome-stats: the hit rate is screenings with hits over screenings, per group too."""
    from tests.oversight.test_reports import _screen_and_decide

    _screen_and_decide(client, headers)
    totals = _report(client, headers)["screenings"]["totals"]
    screened, with_hits = _sql(app, "SELECT count(*), sum(CASE WHEN hit_count > 0 THEN 1 "
                                    "ELSE 0 END) FROM screenings")[0]
    assert totals["screened"] == screened and totals["with_hits"] == with_hits
    assert totals["hit_rate"] == round(with_hits / screened, 4)


def _hidden(value: object) -> bool:
    return isinstance(value, str)


def test_a_suppressed_count_is_never_alone_in_its_group() -> None:
    """OV-console: complementary suppression: a count hidden alone in a breakdown could be
    recovered as total minus the others, so one more is hidden; the same across groups of a
    dimension, within the parts of a figure, and for figures derived from a hidden count."""
    report = {
        "total": 27,
        "by_status": {"active": 20, "suspended": 3, "delisted": 4},
        "by_kind": {"person": 25, "organisation": 2, "vessel": 0},
        "reviews": {"decisions": 30, "by_outcome": {"retain": 3, "modify": 12, "delist": 15},
                    "extensions": 15},
        "deadlines": {"met_on_time": 9, "met_late": 0, "open_overdue": 2},
        "screenings": {
            "JO": {"screened": 40, "hits_decided": 12, "false_positive": 9, "confirmed": 1,
                   "inconclusive": 2, "false_positive_rate": 0.75},
            "FR": {"screened": 3, "hits_decided": 10, "false_positive": 10, "confirmed": 0,
                   "inconclusive": 0, "false_positive_rate": 1.0},
            "SY": {"screened": 30, "hits_decided": 6, "false_positive": 6, "confirmed": 0,
                   "inconclusive": 0, "false_positive_rate": 1.0},
        },
    }
    published = suppress(report, 5)
    by_status = published["by_status"]
    assert by_status == {"active": 20, "suspended": "<5", "delisted": "<5"}  # two small ones
    # One small one: the smallest other (the zero) is hidden too, so 27 - 25 is 'organisation
    # plus vessel', not 'organisation'.
    assert published["by_kind"] == {"person": 25, "organisation": "<5", "vessel": SECONDARY}
    outcomes = published["reviews"]["by_outcome"]
    assert outcomes == {"retain": "<5", "modify": SECONDARY, "delist": 15}
    assert published["reviews"]["extensions"] == SECONDARY  # retain + modify would give both
    assert published["deadlines"] == {"met_on_time": 9, "met_late": SECONDARY,
                                      "open_overdue": "<5"}
    screenings = published["screenings"]
    # Across the groups of a dimension: FR screened is small, so SY (the next smallest) goes.
    assert screenings["FR"]["screened"] == "<5" and screenings["SY"]["screened"] == SECONDARY
    # Within one figure: confirmed + inconclusive + false_positive = hits_decided.
    jo = screenings["JO"]
    assert jo["confirmed"] == "<5" and jo["inconclusive"] == "<5"
    assert jo["false_positive_rate"] == 0.75  # built on published counts only
    for group in (published["by_status"], published["by_kind"], outcomes,
                  published["deadlines"]):
        assert sum(_hidden(v) for v in group.values()) != 1, group
    for metric in ("screened", "false_positive", "confirmed", "inconclusive", "hits_decided"):
        assert sum(_hidden(screenings[g][metric]) for g in screenings) != 1, metric
    for figures in screenings.values():
        parts = [figures[p] for p in ("false_positive", "confirmed", "inconclusive")]
        assert sum(_hidden(v) for v in parts) != 1, figures
        if any(_hidden(figures[p]) for p in ("false_positive", "hits_decided")):
            assert figures["false_positive_rate"] is None


def test_the_published_report_hides_no_count_alone(client, headers) -> None:
    """OV-console: with the default threshold, one suspended entry among several active ones
    is not recoverable as total minus active."""
    for _ in range(5):
        listed(client, headers)
    pending = client.post("/v1/entries", json=__import__("tests.service.factories",
                          fromlist=["entry_body"]).entry_body(), headers=headers("operator"))
    assert pending.status_code == 201
    entries = _report(client, headers)["entries"]
    assert entries["total"] == 6
    assert entries["by_status"] == {"active": SECONDARY, "pending_review": "<5"}
