"""The live index: replicas agree, feed gaps are caught, and an unreachable database fails closed
(or, only if configured, answers from the stale index and says how old it is)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.app import create_app
from service.db.engine import normalise_url
from tests.screening.helpers import active_entry, screen, traveller, wait_for

OVERSIGHT = {"role": "oversight", "agency": "dpa", "sub": "olivia", "purpose": "lawfulness check"}


def _admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@contextmanager
def database_outage(app, database_url: str, admin_url: str | None) -> Iterator[None]:  # noqa: ANN001
    """Make the app's database unreachable (no new connections, existing ones cut), then restore."""
    engine = app.state.container.engine
    if database_url.startswith("sqlite"):
        path = Path(make_url(database_url).database)
        moved = path.with_name(path.name + ".away")
        os.replace(path, moved)
        path.mkdir()  # a directory where the file was: every new connection fails
        engine.dispose()
        try:
            yield
        finally:
            path.rmdir()
            os.replace(moved, path)
            engine.dispose()
        return
    name = make_url(database_url).database
    _admin(admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    _admin(admin_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    try:
        yield
    finally:
        _admin(admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def test_two_service_instances_agree_after_a_change(settings, headers) -> None:
    """Two processes' worth of app (two create_app, one database) follow the same change feed."""
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        entry = active_entry(one, headers)
        assert wait_for(lambda: screen(two, headers, traveller()).json()["result"]
                        == "POSSIBLE_MATCH_REFER", timeout=5.0)
        client_headers = headers("reviewer", agency="fusion-cell", sub="rita")
        assert two.post(f"/v1/entries/{entry['id']}/delist", json={"reason": "court order"},
                        headers=client_headers).status_code == 200
        assert wait_for(lambda: screen(one, headers, traveller()).json()["result"] == "NO_MATCH",
                        timeout=5.0)
        # Both report the same list version once they agree.
        versions = {screen(c, headers, traveller()).json()["list_version"] for c in (one, two)}
        assert len(versions) == 1


def test_background_follower_applies_changes_without_a_screening(app, client, headers) -> None:
    live = app.state.container.extensions["live_index"]
    entry = active_entry(client, headers)
    assert wait_for(lambda: entry["id"] in live._index, timeout=5.0)  # noqa: SLF001


def test_feed_gap_from_out_of_order_commits_is_caught(app, client, headers, database_url) -> None:
    """PostgreSQL can commit seq 11 before seq 10: the follower must not skip seq 10."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers: commits cannot be out of order")
    live = app.state.container.extensions["live_index"]
    first = active_entry(client, headers)
    engine = create_engine(normalise_url(database_url))
    slow = engine.connect()
    slow_tx = slow.begin()
    # A transaction that takes a seq now but commits later: suspend the first entry.
    slow.execute(text("UPDATE entries SET status = 'suspended' WHERE id = :id"),
                 {"id": first["id"]})
    slow.execute(text("INSERT INTO entry_changes (entry_id, change, at) "
                      "VALUES (:id, 'suspend', now())"), {"id": first["id"]})
    second = active_entry(client, headers, names=[{"full_name": "Boris Aleksandrovich Zhelyabov"}],
                          documents=[])
    with engine.connect() as connection:
        version = live.refresh(connection)
    assert second["id"] in live._index and first["id"] in live._index  # noqa: SLF001
    slow_tx.commit()
    slow.close()
    with engine.connect() as connection:
        live.refresh(connection)
    engine.dispose()
    assert first["id"] not in live._index  # noqa: SLF001
    assert live.list_version == version


def test_unreachable_database_fails_closed(app, client, headers, database_url,
                                           postgres_admin_url) -> None:
    """By default no answer without the current list and an audit record: 503, clearly worded."""
    active_entry(client, headers)
    with database_outage(app, database_url, postgres_admin_url):
        response = screen(client, headers, traveller())
        assert response.status_code == 503
        assert "fail closed" in response.json()["message"]
        assert "Tahiri" not in response.text
    assert screen(client, headers, traveller()).status_code == 201


def test_stale_mode_says_how_old_the_data_are_and_audits_later(settings, headers, database_url,
                                                                postgres_admin_url) -> None:
    """Only when configured: answer from the last consistent index, say its age in each answer,
    and record the consultation in the audit trail once the database is back."""
    stale_settings = settings.model_copy(update={"screening_allow_stale": True})
    app = create_app(stale_settings)
    with TestClient(app) as client:
        active_entry(client, headers)
        assert screen(client, headers, traveller()).status_code == 201
        with database_outage(app, database_url, postgres_admin_url):
            response = screen(client, headers, traveller())
            assert response.status_code == 201, response.text
            body = response.json()
            assert body["stale"] is True and body["data_age_seconds"] >= 0
            assert body["notice"].startswith("STALE") and body["data_as_of"]
            assert body["result"] == "POSSIBLE_MATCH_REFER"
        spool = Path(stale_settings.data_dir) / "screening-spool.jsonl"
        assert wait_for(lambda: not spool.exists(), timeout=10.0), "spooled audit not replayed"
        oversight = headers(**OVERSIGHT)
        events = client.get("/v1/audit/events", params={"action": "screening.run"},
                            headers=oversight).json()["items"]
        offline = [e for e in events if e["details"].get("answered_offline")]
        assert [e["target_id"] for e in offline] == [body["screening_id"]]
        assert offline[0]["details"]["stale"] is True
        assert client.get("/v1/audit/verify", headers=oversight).json()["ok"] is True
        # Past the configured maximum age, even stale mode fails closed.
        app.state.container.extensions["screening"].settings = stale_settings.model_copy(
            update={"screening_allow_stale": True, "screening_max_staleness_seconds": 0.0})
        with database_outage(app, database_url, postgres_admin_url):
            assert screen(client, headers, traveller()).status_code == 503
    shutil.rmtree(stale_settings.data_dir, ignore_errors=True)
