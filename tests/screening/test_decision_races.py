"""One standing decision per hit, even when two reviewers decide at the same moment; on SQLite
and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from service.db.engine import normalise_url
from service.db.migrate import upgrade
from tests.screening.helpers import active_entry, screen, traveller

REVIEWERS = [{"role": "reviewer", "agency": "police", "sub": sub} for sub in ("rene", "rosa")]


def _hit_url(screening: dict) -> str:
    return (f"/v1/screenings/{screening['screening_id']}/hits/"
            f"{screening['hits'][0]['hit_id']}/decision")


def test_two_concurrent_decisions_on_one_hit_one_wins_one_gets_409(client, headers) -> None:
    """MT-human-in-loop: two reviewers decide the same hit at once (two threads): one decision
    is stored, the other gets a clear 409; the hit can still be revoked and decided again."""
    active_entry(client, headers)
    screening = screen(client, headers, traveller()).json()
    url = _hit_url(screening)
    start = threading.Barrier(2)
    responses: list = [None, None]

    def decide(i: int, decision: str) -> None:
        start.wait()
        responses[i] = client.post(url, json={"decision": decision, "reason": f"checked by {i}"},
                                   headers=headers(**REVIEWERS[i], purpose=None))

    threads = [threading.Thread(target=decide, args=(0, "false_positive")),
               threading.Thread(target=decide, args=(1, "confirmed"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["error"] == "conflict" and "revoke it" in loser["message"]
    winner = next(r for r in responses if r.status_code == 201).json()

    revoked = client.post(url + "/revoke", json={"reason": "second opinion"},
                          headers=headers(**REVIEWERS[0], purpose=None))
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["decision_id"] == winner["decision_id"]
    again = client.post(url, json={"decision": "inconclusive", "reason": "needs fingerprints"},
                        headers=headers(**REVIEWERS[1], purpose=None))
    assert again.status_code == 201, again.text


def _insert_decision(connection, hit: dict, *, revoked: bool = False,  # noqa: ANN001
                     at: datetime | None = None) -> str:
    decision_id = str(uuid.uuid4())
    when = (at or datetime.now(UTC)).replace(tzinfo=None)
    connection.execute(text(
        "INSERT INTO hit_decisions (id, hit_id, screening_id, entry_id, decision, reason, "
        "decided_by, decided_agency, decided_at, revoked_at) VALUES (:id, :hit, :screening, "
        ":entry, 'confirmed', 'test', 'rene', 'police', :at, :revoked)"),
        {"id": decision_id, "hit": hit["id"], "screening": hit["screening_id"],
         "entry": hit["entry_id"], "at": when, "revoked": when if revoked else None})
    return decision_id


def test_the_database_refuses_a_second_standing_decision(client, headers, database_url) -> None:
    """MT-human-in-loop: the partial unique index holds whatever bypasses the service: a second
    standing decision on a hit is refused; revoked ones may be many."""
    active_entry(client, headers)
    screen(client, headers, traveller())
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as connection:
            hit = dict(connection.execute(text(
                "SELECT id, screening_id, entry_id FROM screening_hits")).mappings().one())
            _insert_decision(connection, hit, revoked=True)
            _insert_decision(connection, hit, revoked=True)
            _insert_decision(connection, hit)
        with pytest.raises(IntegrityError), engine.begin() as connection:
            _insert_decision(connection, hit)
    finally:
        engine.dispose()


def _fresh_database(database_url: str, tmp_path) -> str:  # noqa: ANN001
    """An empty database beside the test's own, for migrating step by step."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'stepwise.sqlite3'}"
    return database_url  # the test's PostgreSQL database, emptied below


def test_migration_0007_keeps_the_earliest_of_duplicate_standing_decisions(
        database_url, tmp_path) -> None:
    """Duplicates stored before the index existed: the earliest decision stands, the later one
    is marked revoked by the migration (never deleted), and the index is then created. Digests
    of name and birth date that can no longer recognise anyone are cleared (MT-misidentified:
    a decision made on a document, a cleared profile)."""
    url = _fresh_database(database_url, tmp_path)
    engine = create_engine(normalise_url(url))
    try:
        if url.startswith("postgresql"):
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(url, "0002_screening")
        now = datetime.now(UTC).replace(tzinfo=None)
        hit = {"id": str(uuid.uuid4()), "screening_id": str(uuid.uuid4()),
               "entry_id": str(uuid.uuid4())}
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO screenings (id, created_at, actor_sub, actor_agency, actor_role, "
                "purpose, query_digest, list_version, data_as_of, stale, result, hit_count, "
                "raised_count) VALUES (:id, :now, 'gate', 'border-guard', 'border', 'gate', "
                "'d', 1, :now, false, 'POSSIBLE_MATCH_REFER', 1, 1)"),
                {"id": hit["screening_id"], "now": now})
            connection.execute(text(
                "INSERT INTO screening_hits (id, screening_id, rank, entry_id, score, band, "
                "status, explanation, algorithm, algorithm_version, list_version) VALUES "
                "(:id, :screening, 0, :entry, 0.9, 'high', 'POSSIBLE_MATCH_REFER', '[]', "
                "'names', 'v1', 1)"),
                {"id": hit["id"], "screening": hit["screening_id"], "entry": hit["entry_id"]})
            first = _insert_decision(connection, hit, at=datetime.now(UTC) - timedelta(minutes=1))
            second = _insert_decision(connection, hit)
            connection.execute(text("UPDATE hit_decisions SET document_digest = :d, "
                                    "name_birth_digest = :n WHERE id = :id"),
                               {"d": "d" * 64, "n": "n" * 64, "id": first})
            connection.execute(text(
                "INSERT INTO cleared_persons (id, entry_id, consent_ref, consent_given_at, "
                "recorded_by, recorded_agency, recorded_at, document_digests, "
                "name_birth_digests) VALUES (:id, :entry, 'form', :now, 'ruth', 'fusion-cell', "
                ":now, '[]', :digests)"),
                {"id": str(uuid.uuid4()), "entry": hit["entry_id"], "now": now,
                 "digests": '["' + "n" * 64 + '"]'})
        upgrade(url)
        with engine.connect() as connection:
            rows = {row.id: (row.revoked_by, row.document_digest, row.name_birth_digest)
                    for row in connection.execute(text("SELECT * FROM hit_decisions"))}
            profile_digests = connection.execute(text(
                "SELECT name_birth_digests FROM cleared_persons")).scalar_one()
        assert rows == {first: (None, "d" * 64, None), second: ("migration-0007", None, None)}
        assert profile_digests in ([], "[]")
    finally:
        engine.dispose()
