"""The ``watchlist`` command: a development token it issues is accepted by the service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.cli import main
from service.config import Settings, get_settings


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch):  # noqa: ANN201
    """Run the CLI in-process against this test's database and a fresh development key."""
    monkeypatch.setenv("WATCHLIST_DATABASE_URL", database_url)
    monkeypatch.setenv("WATCHLIST_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("WATCHLIST_ENVIRONMENT", "development")
    for name in ("WATCHLIST_JWKS_FILE", "WATCHLIST_JWKS_URL", "WATCHLIST_JWT_ISSUER"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield Settings()
    get_settings.cache_clear()


def test_cli_token_is_accepted_by_the_service(cli_env: Settings, capsys) -> None:
    assert main(["token", "--role", "operator", "--agency", "police", "--sub", "alice"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.count(".") == 2
    with TestClient(create_app(cli_env), raise_server_exceptions=False) as client:
        auth = {"Authorization": f"Bearer {token}", "X-Purpose": "CLI token check"}
        assert client.get("/v1/entries", headers=auth).status_code == 200
        # The token carries the role it was issued with, and nothing more.
        assert client.get("/v1/audit/events", headers=auth).status_code == 403


def test_cli_jwks_publishes_the_public_half_only(cli_env: Settings, capsys) -> None:
    assert main(["jwks"]) == 0
    keys = json.loads(capsys.readouterr().out)["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert "d" not in keys[0] and "p" not in keys[0]


def test_cli_short_lived_token_expires(cli_env: Settings, capsys) -> None:
    assert main(["token", "--role", "operator", "--agency", "police", "--sub", "alice",
                 "--ttl", "-120"]) == 0
    token = capsys.readouterr().out.strip()
    with TestClient(create_app(cli_env), raise_server_exceptions=False) as client:
        response = client.get("/v1/entries", headers={"Authorization": f"Bearer {token}",
                                                      "X-Purpose": "CLI token check"})
        assert response.status_code == 401


def test_cli_migrate_and_demo(tmp_path: Path, monkeypatch, capsys) -> None:
    """``watchlist migrate`` builds an empty SQLite file; ``demo`` loads once, then says so."""
    monkeypatch.setenv("WATCHLIST_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("WATCHLIST_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
        assert main(["demo", "--count", "12"]) == 0
        assert main(["demo", "--count", "12"]) == 0
        assert main(["audit", "verify"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "demo data: 12 entries created" in out
    assert "demo data already present" in out
    assert '"ok": true' in out
