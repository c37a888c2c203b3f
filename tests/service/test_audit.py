"""The hash-chained audit trail (LG-input-control, LG-ops): it verifies after a workflow, detects
a row altered behind the triggers' back, refuses UPDATE/DELETE/TRUNCATE, and does not fork under
concurrent writers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.audit.recorder import record_event, verify_stored_chain
from service.auth.principal import SystemActor
from service.cli import main
from service.config import get_settings
from service.db.engine import make_engine
from service.models.audit import AuditEvent
from tests.service.factories import entry_body


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def cli_verify(database_url: str, monkeypatch, capsys):  # noqa: ANN201
    """``watchlist audit verify`` against this test's database: (exit code, report)."""
    monkeypatch.setenv("WATCHLIST_DATABASE_URL", database_url)

    def run() -> tuple[int, dict]:
        get_settings.cache_clear()
        try:
            code = main(["audit", "verify"])
        finally:
            get_settings.cache_clear()
        return code, json.loads(capsys.readouterr().out)

    return run


def _workflow(client, headers) -> str:  # noqa: ANN001
    """Nominate, approve, read, update, list, history: each writes audit events."""
    created = client.post("/v1/entries", json=entry_body(),
                          headers=headers("operator", sub="alice"))
    assert created.status_code == 201, created.text
    url = f"/v1/entries/{created.json()['id']}"
    assert client.post(url + "/approve", json={"reason": "criteria met"},
                       headers=headers("reviewer", sub="rita",
                                       **{"If-Match": created.headers["ETag"]})).status_code == 200
    etag = client.get(url, headers=headers("operator")).headers["ETag"]
    assert client.patch(url, json={"reason": "new place", "birth_places": ["Other Town"]},
                        headers=headers("operator", **{"If-Match": etag})).status_code == 200
    assert client.get("/v1/entries", headers=headers("operator")).status_code == 200
    assert client.get(url + "/history", headers=headers("operator")).status_code == 200
    return created.json()["id"]


def _tamper(engine: Engine, statement: str) -> None:
    """Change the trail the way a database administrator could, bypassing the triggers."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(statement)
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
            connection.exec_driver_sql(statement)


def test_chain_verifies_after_a_workflow(client, headers, cli_verify) -> None:
    """LG-input-control: the API and the CLI recompute the chain and find it intact."""
    _workflow(client, headers)
    response = client.get("/v1/audit/verify", headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["broken_at"] is None
    assert report["events_checked"] >= 6
    code, cli_report = cli_verify()
    assert code == 0
    assert cli_report["ok"] is True
    # The verification itself was recorded after the API check.
    assert cli_report["events_checked"] == report["events_checked"] + 1


def test_a_row_altered_by_hand_is_detected(client, headers, engine, cli_verify) -> None:
    """LG-input-control: editing an event behind the triggers' back names the broken link."""
    _workflow(client, headers)
    _tamper(engine, "UPDATE audit_events SET purpose = 'nothing to see' WHERE seq = 2")
    response = client.get("/v1/audit/verify", headers=headers("oversight", agency="dpa"))
    report = response.json()
    assert report["ok"] is False
    assert report["broken_at"] == 2
    assert "altered" in report["reason"]
    code, cli_report = cli_verify()
    assert code == 1
    assert cli_report["broken_at"] == 2


def test_a_deleted_row_is_detected(client, headers, engine, cli_verify) -> None:
    _workflow(client, headers)
    _tamper(engine, "DELETE FROM audit_events WHERE seq = 3")
    code, report = cli_verify()
    assert code == 1
    assert report["broken_at"] == 4
    assert "gap" in report["reason"]


def test_removing_the_newest_events_is_detected(client, headers, engine, cli_verify) -> None:
    """Truncating the tail leaves a valid-looking chain; the head row gives it away."""
    _workflow(client, headers)
    with Session(engine) as session:
        last = session.execute(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).scalar()
    _tamper(engine, f"DELETE FROM audit_events WHERE seq = {last}")
    code, report = cli_verify()
    assert code == 1
    assert report["broken_at"] == last
    assert "head" in report["reason"]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET outcome = 'denied' WHERE seq = 1",
     "UPDATE audit_events SET details = '{}'",
     "DELETE FROM audit_events WHERE seq = 1",
     "DELETE FROM audit_events"],
)
def test_the_database_refuses_update_and_delete(client, headers, engine, statement) -> None:
    """LG-input-control: the append-only rule is enforced by the database, not only by us."""
    _workflow(client, headers)
    with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert "append-only" in str(raised.value.orig)
    with Session(engine) as session:
        assert verify_stored_chain(session).ok


def test_postgresql_refuses_truncate(client, headers, engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    _workflow(client, headers)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE audit_events")


def test_concurrent_writers_do_not_fork_the_chain(app, client, headers, engine) -> None:
    """Threads appending at once (directly and through HTTP) leave one unbroken chain."""
    factory = app.state.container.session_factory
    writers, events_each, nominators = 6, 8, 3
    barrier = threading.Barrier(writers + nominators)
    failures: list[BaseException] = []

    def append_events(number: int) -> None:
        try:
            barrier.wait()
            for i in range(events_each):
                with factory() as session, session.begin():
                    record_event(session, SystemActor(sub=f"writer-{number}"),
                                 operation="consultation", action="test.concurrent",
                                 details={"writer": number, "i": i})
        except BaseException as error:  # noqa: BLE001
            failures.append(error)

    def nominate(number: int) -> None:
        try:
            barrier.wait()
            response = client.post("/v1/entries", json=entry_body(),
                                   headers=headers("operator", sub=f"officer-{number}"))
            assert response.status_code == 201, response.text
        except BaseException as error:  # noqa: BLE001
            failures.append(error)

    threads = [threading.Thread(target=append_events, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=nominate, args=(n,)) for n in range(nominators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures

    with Session(engine) as session:
        report = verify_stored_chain(session)
        seqs = list(session.execute(select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars())
        distinct_prev = session.execute(
            text("SELECT COUNT(DISTINCT prev_hash) FROM audit_events")).scalar()
        actions = list(session.execute(select(AuditEvent.action)).scalars())
    assert report.ok, report
    assert seqs == list(range(1, len(seqs) + 1))
    assert actions.count("test.concurrent") == writers * events_each
    assert actions.count("entry.nominate") == nominators
    assert distinct_prev == len(seqs)


def _stored(engine: Engine, where: str = "", **params: object) -> list[tuple[int, str]]:
    """(seq, hash) of the stored events, counted with SQL independently of the API."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            text(f"SELECT seq, hash FROM audit_events {where} ORDER BY seq"), params)]


def _pages(client, oversight, **params) -> list[list[dict]]:  # noqa: ANN001, ANN003
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get("/v1/audit/events", params=query, headers=oversight)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_cursor_pages_cover_every_event_exactly_once_in_order(client, headers, engine) -> None:
    """LG-use-limit, OV-console: paging through GET /v1/audit/events with a cursor returns each
    event once, oldest first, although every page read is itself appended to the trail."""
    _workflow(client, headers)
    oversight = headers("oversight", agency="dpa")
    pages = _pages(client, oversight, limit=2)
    seen = [(item["seq"], item["hash"]) for page in pages for item in page]
    assert all(len(page) <= 2 for page in pages) and len(pages) > 3
    stored = _stored(engine)
    # Everything stored up to the last page's read, exactly once and in order; the last
    # read (recorded after its page was read) is the only event after it.
    assert seen == stored[: len(seen)] and len(stored) == len(seen) + 1
    assert [seq for seq, _ in seen] == list(range(1, len(seen) + 1))
    reads = _stored(engine, "WHERE action = 'audit.read'")
    assert len(reads) == len(pages)


def test_cursor_pages_apply_the_filters(client, headers, engine) -> None:
    """OV-console: filters hold on every page; each filter selects what SQL selects."""
    entry_id = _workflow(client, headers)
    oversight = headers("oversight", agency="dpa")
    checks = {
        "target_id": ({"target_id": entry_id}, "WHERE target_id = :v", entry_id),
        "actor": ({"actor": "alice"}, "WHERE actor_sub = :v", "alice"),
        "action": ({"action": "entry.update"}, "WHERE action = :v", "entry.update"),
        "operation": ({"operation": "collection"}, "WHERE operation = :v", "collection"),
    }
    for name, (params, where, value) in checks.items():
        pages = _pages(client, oversight, limit=1, **params)
        seen = [(item["seq"], item["hash"]) for page in pages for item in page]
        assert seen == _stored(engine, where, v=value) and seen, name
    with engine.connect() as connection:
        middle = connection.execute(
            select(AuditEvent.occurred_at).where(AuditEvent.seq == 3)).scalar_one()
    since = [item["seq"] for page in _pages(client, oversight, since=middle.isoformat(),
                                             action="entry.read") for item in page]
    until = [item["seq"] for page in _pages(client, oversight, until=middle.isoformat(),
                                             action="entry.read") for item in page]
    reads = [seq for seq, _ in _stored(engine, "WHERE action = 'entry.read'")]
    assert sorted(since + until) == reads and all(seq >= 3 for seq in since)
    bad = client.get("/v1/audit/events", params={"cursor": "not-a-cursor"}, headers=oversight)
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_cursor"


def test_jsonl_export_streams_every_event_as_stored(client, headers, engine) -> None:
    """LG-use-limit, OV-console: GET /v1/audit/events.jsonl is one JSON object per line, every
    stored event (including the export's own disclosure record) exactly as stored; filters
    select what SQL selects; a purpose is required."""
    entry_id = _workflow(client, headers)
    oversight = headers("oversight", agency="dpa")
    response = client.get("/v1/audit/events.jsonl", headers=oversight)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert [(row["seq"], row["hash"]) for row in rows] == _stored(engine)
    assert rows[-1]["action"] == "audit.export_jsonl" and rows[-1]["operation"] == "disclosure"
    filtered = client.get("/v1/audit/events.jsonl", params={"target_id": entry_id},
                          headers=oversight)
    rows = [json.loads(line) for line in filtered.text.splitlines()]
    assert [(row["seq"], row["hash"]) for row in rows] == _stored(
        engine, "WHERE target_id = :v", v=entry_id)
    missing_purpose = client.get("/v1/audit/events.jsonl",
                                 headers=headers("oversight", agency="dpa", purpose=None))
    assert missing_purpose.status_code == 422
    assert client.get("/v1/audit/events.jsonl", headers=headers("operator")).status_code == 403
