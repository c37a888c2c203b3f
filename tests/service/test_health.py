"""Liveness and readiness probes."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings


def test_healthz_answers_without_a_token(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_migrated(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready"


def test_readyz_is_503_when_the_schema_is_behind(tmp_path: Path, jwks_file: Path) -> None:
    """A fresh, empty database has no migrations applied: not ready, and it says why."""
    settings = Settings(environment="test", database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                        jwks_file=jwks_file, data_dir=tmp_path)
    # No lifespan (no ``with``): feature start-up hooks read their own tables, and the point here
    # is what the probe says about a database that is behind.
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready",
                               "reason": "database schema is not at the current migration"}
    assert client.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path, jwks_file: Path) -> None:
    settings = Settings(environment="test",
                        database_url="postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
                        jwks_file=jwks_file, data_dir=tmp_path)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "database unreachable"
