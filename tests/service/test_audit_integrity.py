"""Deleting audit history cannot pass for a retention purge (LG-input-control, LG-retention).

The attack two auditors reproduced: INSERT a retention checkpoint at the chain head, then
DELETE every audit event (the delete trigger lets through events at or below a checkpoint), and
the chain verified with 0 events. Now the database refuses an unsigned or invented cut, and a
cut with a made-up signature is reported by the API, the CLI and the offline export verifier.
A legitimate purge (``watchlist policies run``) still verifies everywhere.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from service.audit.chain import event_hash
from service.cli import main
from service.config import get_settings
from service.db.engine import make_engine
from service.models.audit import AuditEvent, AuditHead
from service.oversight import signing
from service.oversight.verify import verify_export
from tests.service.factories import entry_body

LATER = datetime.now(UTC) + timedelta(days=2 * 366)  # the default pack purges everything by then


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def cli(settings, monkeypatch, capsys):  # noqa: ANN001, ANN201
    """Run ``watchlist ...`` in-process against this test's database and data directory."""
    monkeypatch.setenv("WATCHLIST_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WATCHLIST_DATA_DIR", str(settings.data_dir))

    def run(*argv: str) -> tuple[int, dict]:
        get_settings.cache_clear()
        capsys.readouterr()
        try:
            code = main(list(argv))
        finally:
            get_settings.cache_clear()
        return code, json.loads(capsys.readouterr().out)

    return run


def _activity(client, headers) -> None:  # noqa: ANN001
    for _ in range(2):
        created = client.post("/v1/entries", json=entry_body(), headers=headers("operator"))
        assert created.status_code == 201, created.text
        assert client.get(f"/v1/entries/{created.json()['id']}",
                          headers=headers("operator")).status_code == 200


def _api_verify(client, headers) -> dict:  # noqa: ANN001
    response = client.get("/v1/audit/verify", headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200, response.text
    return response.json()


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM audit_events")).scalar_one()


def _insert_cut(engine: Engine, cut_seq_sql: str, *, hash_sql: str | None = None,
                key_id: str | None = None, signature: str | None = None) -> None:
    """INSERT a retention checkpoint by hand, as any role with write access could."""
    hash_sql = hash_sql or f"(SELECT hash FROM audit_events WHERE seq = {cut_seq_sql})"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_checkpoints (cut_seq, cut_hash, cutoff, purged_events, "
                "created_at, pack_id, pack_version, key_id, signature) "
                f"VALUES ({cut_seq_sql}, {hash_sql}, '2026-01-01 00:00:00', 0, "
                "'2026-01-01 00:00:00', 'x', 'y', :key_id, :signature)"
            ),
            {"key_id": key_id, "signature": signature},
        )


def _append_fake_purge_event(engine: Engine, cut_seq: int, cut_hash: str) -> None:
    """Chain a well-formed ``audit.purge`` event onto the head: SHA-256 needs no key."""
    with engine.begin() as connection:
        head = connection.execute(select(AuditHead.seq, AuditHead.hash)).one()
        row = {
            "seq": head.seq + 1, "occurred_at": datetime.now(UTC), "actor_sub": "system",
            "actor_agency": "system", "actor_role": "system", "operation": "erasure",
            "action": "audit.purge", "target_type": "audit", "target_id": None,
            "purpose": "LG-retention", "request_id": None, "outcome": "success",
            "details": {"cut_seq": cut_seq, "cut_hash": cut_hash}, "prev_hash": head.hash,
        }
        row["hash"] = event_hash(row)
        connection.execute(insert(AuditEvent.__table__).values(**row))
        connection.execute(update(AuditHead).values(seq=row["seq"], hash=row["hash"]))


def _export_report(client, headers, public_key):  # noqa: ANN001, ANN202
    response = client.get("/v1/audit/export", headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200, response.text
    return verify_export(response.content.splitlines(keepends=True), public_key)


def _service_public_key(app):  # noqa: ANN001, ANN202
    from service.oversight.keys import service_signing_key

    return service_signing_key(app.state.container).public_key()


def test_the_reproduced_attack_is_refused_by_the_database(client, headers, engine) -> None:
    """LG-input-control: INSERT a checkpoint with the audit_head values, then DELETE FROM
    audit_events: the insert is refused (unsigned), so the delete is refused too."""
    _activity(client, headers)
    before = _count(engine)
    with pytest.raises(DBAPIError) as raised:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO audit_checkpoints (cut_seq, cut_hash, cutoff, purged_events, "
                "created_at, pack_id, pack_version) SELECT seq, hash, '2026-01-01 00:00:00', 0, "
                "'2026-01-01 00:00:00', 'x', 'y' FROM audit_head"
            ))
    assert "must be signed" in str(raised.value.orig)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events"))
    assert _count(engine) == before
    assert _api_verify(client, headers)["ok"] is True


@pytest.mark.parametrize(
    ("cut_seq_sql", "hash_sql", "message"),
    [
        ("(SELECT seq FROM audit_head)", "'" + "a" * 64 + "'", "not the stored hash"),
        ("(SELECT seq + 5 FROM audit_head)", "'" + "a" * 64 + "'", "not the stored hash"),
        ("0", "'" + "0" * 64 + "'", "move forward"),
    ],
    ids=["invented-hash", "beyond-the-head", "not-forward"],
)
def test_a_cut_at_an_invented_position_is_refused(
    client, headers, engine, cut_seq_sql, hash_sql, message
) -> None:
    """LG-input-control: the insert trigger accepts only a cut at a stored event's hash that
    moves forward, even when it carries a signature."""
    _activity(client, headers)
    with pytest.raises(DBAPIError) as raised:
        _insert_cut(engine, cut_seq_sql, hash_sql=hash_sql, key_id="k" * 16, signature="c2ln")
    assert message in str(raised.value.orig)


@pytest.mark.parametrize("where", ["head", "prefix"])
def test_a_cut_with_a_made_up_signature_is_detected_everywhere(
    app, client, headers, engine, cli, where
) -> None:
    """LG-input-control, LG-retention: someone without the signing key fills in a signature,
    deletes the whole trail (or any prefix of it) and even chains a well-formed audit.purge
    event naming the cut: the API, `watchlist audit verify` and the offline verifier of a
    signed export all report the deletion."""
    _activity(client, headers)
    public_key = _service_public_key(app)
    cut_seq_sql = "(SELECT seq FROM audit_head)" if where == "head" else "3"
    forged = base64.b64encode(os.urandom(64)).decode()
    _insert_cut(engine, cut_seq_sql, key_id=signing.key_id(public_key), signature=forged)
    with engine.begin() as connection:
        cut_seq, cut_hash = connection.execute(
            text("SELECT cut_seq, cut_hash FROM audit_checkpoints")).one()
        deleted = connection.execute(
            text("DELETE FROM audit_events WHERE seq <= :cut"), {"cut": cut_seq}).rowcount
    assert deleted == cut_seq >= 3  # the delete trigger lets the cut through: the attack "works"
    _append_fake_purge_event(engine, cut_seq, cut_hash)

    report = _api_verify(client, headers)
    assert report["ok"] is False
    assert "invalid signature" in report["reason"] and report["broken_at"] == cut_seq
    code, cli_report = cli("audit", "verify")
    assert code == 1 and "invalid signature" in cli_report["reason"]
    exported = _export_report(client, headers, public_key)
    assert not exported.ok and "invalid signature" in exported.error


def test_deletion_behind_an_unsigned_cut_is_reported(client, headers, engine) -> None:
    """LG-retention: a cut without a signature (as recorded before 0006, or by someone who
    disabled the insert trigger) does not account for the missing events."""
    _activity(client, headers)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_checkpoints "
                                    "DISABLE TRIGGER audit_checkpoints_insert_rule"))
        else:
            connection.execute(text("DROP TRIGGER audit_checkpoints_insert_rule"))
    _insert_cut(engine, "2")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq <= 2"))
    report = _api_verify(client, headers)
    assert report["ok"] is False and "not signed" in report["reason"]


def test_a_legitimate_purge_verifies_everywhere(app, client, headers, engine, cli) -> None:
    """LG-retention: `watchlist policies run` purges behind a signed cut and a chained
    audit.purge event; the API, `watchlist audit verify` and the offline verifier accept it,
    also against an export taken before the purge."""
    _activity(client, headers)
    public_key = _service_public_key(app)
    old = client.get("/v1/audit/export", headers=headers("oversight", agency="dpa")).content
    code, run_report = cli("policies", "run", "--now", LATER.isoformat())
    assert code == 0, run_report
    assert run_report["counts"]["audit_events_purged"] >= 5  # 4 of activity, 1 export
    with engine.connect() as connection:
        cut_seq, signature = connection.execute(
            text("SELECT cut_seq, signature FROM audit_checkpoints")).one()
        first = connection.execute(text("SELECT min(seq) FROM audit_events")).scalar_one()
    assert signature and first == cut_seq + 1

    assert _api_verify(client, headers)["ok"] is True
    code, cli_report = cli("audit", "verify")
    assert code == 0 and cli_report["ok"] is True, cli_report

    from service.oversight.verify import Checkpoint

    exported = client.get("/v1/audit/export", headers=headers("oversight", agency="dpa")).content
    report = verify_export(exported.splitlines(keepends=True), public_key)
    assert report.ok, report.as_dict()
    assert report.retention_cut_seq == cut_seq and report.first_seq == cut_seq + 1
    assert any("purged under the retention policy" in note for note in report.notes)
    old_report = verify_export(old.splitlines(keepends=True), public_key)
    held = [Checkpoint(old_report.chain_seq, old_report.chain_hash, "old", "older export")]
    assert verify_export(exported.splitlines(keepends=True), public_key, held).ok


def test_a_held_checkpoint_at_the_cut_must_match_it(app, client, headers, cli) -> None:
    """LG-input-control: an oversight body holding a checkpoint at the cut position detects a
    cut whose hash differs from what it holds."""
    from service.oversight.verify import Checkpoint

    _activity(client, headers)
    public_key = _service_public_key(app)
    assert cli("policies", "run", "--now", LATER.isoformat())[0] == 0
    exported = client.get("/v1/audit/export", headers=headers("oversight", agency="dpa")).content
    lines = exported.splitlines(keepends=True)
    cut = json.loads(next(line for line in lines if b'"type":"retention_cut"' in line))
    held = [Checkpoint(cut["cut_seq"], "f" * 64, "earlier", "held checkpoint")]
    report = verify_export(lines, public_key, held)
    assert not report.ok and "rewritten" in report.error


def test_a_due_purge_without_the_signing_key_deletes_nothing(app, client, headers, engine) -> None:
    """LG-retention: without the key no cut can be signed, so nothing is purged and the run
    reports the failure (no unsigned cut, no partial delete)."""
    from service.policy.pack import pack_of
    from service.policy.runner import run_policies

    _activity(client, headers)
    before = _count(engine)
    container = app.state.container
    report = run_policies(container.session_factory, pack_of(container), LATER)
    assert report.failures == {"audit_purge": 1}
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT count(*) FROM audit_events WHERE seq <= :last"), {"last": before}
        ).scalar_one()
    assert kept == before  # every earlier event is still there (the run only appended)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_checkpoints")).scalar() == 0
