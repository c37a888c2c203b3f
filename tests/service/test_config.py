"""Production mode refuses settings that are only safe on a developer's machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.app import create_app
from service.cli import main
from service.config import ConfigurationError, Settings, get_settings, validate_for_production

PG_URL = "postgresql://watchlist@db.internal:5432/watchlist"


def _production(tmp_path: Path, **overrides: object) -> Settings:
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": []}')
    values: dict[str, object] = {"environment": "production", "database_url": PG_URL,
                                 "jwks_file": jwks, "jwt_issuer": "https://idp.example.org",
                                 "data_dir": tmp_path, "screening_identity_key": "ab" * 32}
    values.update(overrides)
    return Settings(**values)


def test_production_settings_with_real_keys_and_postgres_pass(tmp_path: Path) -> None:
    settings = _production(tmp_path)
    assert settings.production_problems() == []
    validate_for_production(settings)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"database_url": "sqlite:///var/watchlist.sqlite3"}, "SQLite"),
        ({"jwks_file": None}, "development key"),
        ({"jwt_issuer": "watchlist-dev"}, "development issuer"),
        ({"screening_identity_key": None}, "WATCHLIST_SCREENING_IDENTITY_KEY"),
    ],
)
def test_production_refuses_dev_settings(tmp_path: Path, overrides: dict, problem: str) -> None:
    settings = _production(tmp_path, **overrides)
    with pytest.raises(ConfigurationError, match=problem):
        validate_for_production(settings)
    with pytest.raises(ConfigurationError, match="refusing to start in production mode"):
        create_app(settings)


def test_development_defaults_are_refused_in_production() -> None:
    settings = Settings(environment="production")
    problems = " ".join(settings.production_problems())
    assert "SQLite" in problems and "development key" in problems


def test_token_command_refuses_in_production(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("WATCHLIST_ENVIRONMENT", "production")
    monkeypatch.setenv("WATCHLIST_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        code = main(["token", "--role", "admin", "--agency", "police", "--sub", "mallory"])
    finally:
        get_settings.cache_clear()
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "refusing" in captured.err
    assert not (tmp_path / "dev-signing-key.json").exists()


def test_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("WATCHLIST_DATABASE_URL", PG_URL)
    monkeypatch.setenv("WATCHLIST_JWT_AUDIENCE", "watchlist-prod")
    monkeypatch.setenv("WATCHLIST_MAX_BODY_BYTES", "1000")
    settings = Settings()
    assert settings.database_url == PG_URL
    assert settings.jwt_audience == "watchlist-prod"
    assert settings.max_body_bytes == 1000
    assert not settings.is_sqlite
