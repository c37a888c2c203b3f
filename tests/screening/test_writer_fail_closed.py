"""A screening whose record cannot be committed is a clear 503 (fail closed), never a 500 and
never an unrecorded answer: with the real writer stopped, and with a database that hangs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text

from service.app import create_app
from service.db.engine import normalise_url
from service.models.audit import AuditEvent
from service.models.screening import Screening
from tests.screening.helpers import active_entry, screen, traveller


def _counts(app) -> tuple[int, int]:  # noqa: ANN001
    with app.state.container.session_factory() as session:
        return (session.execute(select(func.count()).select_from(Screening)).scalar_one(),
                session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_stopped_writer_answers_503_and_records_nothing(app, client, headers) -> None:
    """LG-consult-fields: no answer without its audit record; the caller is told to retry."""
    active_entry(client, headers)
    writer = app.state.container.extensions["screening"].writer
    before = _counts(app)
    writer.stop()
    try:
        for request in (
            lambda: screen(client, headers, traveller()),
            lambda: client.post("/v1/screenings/batch",
                                json={"purpose": "flight XY123", "travellers": [traveller()]},
                                headers=headers("border", agency="border-guard", purpose=None)),
        ):
            response = request()
            assert response.status_code == 503, response.text
            assert response.json()["error"] == "unavailable"
            assert "fail closed" in response.json()["message"]
            assert "Tahiri" not in response.text and "Kasim" not in response.text
        assert _counts(app) == before
    finally:
        writer.start()
    assert screen(client, headers, traveller()).status_code == 201


def test_hanging_database_answers_503_within_the_commit_timeout(settings, headers,
                                                                database_url) -> None:
    """A database that takes the audit chain's lock and never lets go: the screening gives up
    after ``screening_commit_timeout_seconds`` with a 503 instead of a 500 or a hang."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's single write lock also stops the reads before the writer")
    app = create_app(settings.model_copy(update={"screening_commit_timeout_seconds": 0.5}))
    engine = create_engine(normalise_url(database_url))
    with TestClient(app, raise_server_exceptions=False) as client:
        active_entry(client, headers)
        blocker = engine.connect()
        transaction = blocker.begin()
        blocker.execute(text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE"))
        try:
            response = screen(client, headers, traveller())
            assert response.status_code == 503, response.text
            assert "did not confirm" in response.json()["message"]
            assert "Tahiri" not in response.text
        finally:
            transaction.rollback()
            blocker.close()
            engine.dispose()
        assert screen(client, headers, traveller()).status_code == 201
