"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL, the app,
and real signed tokens for each role.

PostgreSQL is found through WATCHLIST_TEST_POSTGRES_URL. Without it the PostgreSQL half of the
suite is skipped, unless WATCHLIST_REQUIRE_POSTGRES=1, which turns an unreachable server into a
failure (CI sets both).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import service.auth  # noqa: F401  (silences the authlib notice before its import)

# isort: split
from authlib.jose import JsonWebKey
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.auth.keys import public_jwk
from service.auth.tokens import issue_token
from service.config import Settings
from service.db.engine import normalise_url
from service.db.migrate import upgrade

ISSUER = "watchlist-test"
AUDIENCE = "watchlist"
PG_ENV = "WATCHLIST_TEST_POSTGRES_URL"
SHARED_DATA = Path(
    os.environ.get(
        "WATCHLIST_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    )
).resolve()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: runs once per database backend")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def signing_key() -> dict:
    key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "test-key"})
    data = key.as_dict(is_private=True)
    data["alg"] = "RS256"
    return data


@pytest.fixture(scope="session")
def jwks_file(tmp_path_factory: pytest.TempPathFactory, signing_key: dict) -> Path:
    path = tmp_path_factory.mktemp("keys") / "jwks.json"
    import json

    path.write_text(json.dumps({"keys": [public_jwk(signing_key)]}))
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    # Fold the WAL into the main file so that a plain file copy is a complete database.
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


@pytest.fixture(scope="session")
def postgres_admin_url() -> str | None:
    raw = os.environ.get(PG_ENV)
    required = os.environ.get("WATCHLIST_REQUIRE_POSTGRES") == "1"
    if not raw:
        if required:
            pytest.fail(f"WATCHLIST_REQUIRE_POSTGRES=1 but {PG_ENV} is not set")
        return None
    url = normalise_url(raw)
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001
        if required:
            pytest.fail(f"PostgreSQL at {PG_ENV} is unreachable: {type(error).__name__}")
        return None
    return url


def _admin_execute(admin_url: str, statement: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str | None) -> Iterator[str | None]:
    if postgres_admin_url is None:
        yield None
        return
    name = f"wl_tmpl_{_worker()}_{os.getpid()}"
    _admin_execute(postgres_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_execute(postgres_admin_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield name
    _admin_execute(postgres_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
                 postgres_admin_url: str | None, postgres_template: str | None) -> Iterator[str]:
    """A fresh database at the current migration head, for this test only."""
    if request.param == "sqlite":
        path = tmp_path / "watchlist.sqlite3"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    if postgres_admin_url is None or postgres_template is None:
        pytest.skip(f"PostgreSQL not configured ({PG_ENV})")
    name = f"wl_t_{uuid.uuid4().hex[:16]}"
    _admin_execute(postgres_admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    try:
        yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin_execute(postgres_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database_url: str, jwks_file: Path, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        jwks_file=jwks_file,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        data_dir=tmp_path / "var",
        log_json=True,
    )


@pytest.fixture
def app(settings: Settings):  # noqa: ANN201
    from service.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator:  # noqa: ANN001
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


TokenFactory = Callable[..., str]


@pytest.fixture
def make_token(signing_key: dict) -> TokenFactory:
    def factory(role: str | list[str], *, agency: str = "police", sub: str | None = None,
                ttl: int = 600, issuer: str = ISSUER, audience: str = AUDIENCE,
                key: dict | None = None) -> str:
        roles = [role] if isinstance(role, str) else role
        return issue_token(key or signing_key, sub=sub or f"{roles[0]}-{agency}", agency=agency,
                           roles=roles, issuer=issuer, audience=audience, ttl_seconds=ttl)

    return factory


@pytest.fixture
def headers(make_token: TokenFactory) -> Callable[..., dict[str, str]]:
    """Authorization (and optional X-Purpose) headers for a role."""

    def factory(role: str | list[str], *, agency: str = "police", sub: str | None = None,
                purpose: str | None = "case 2026-17 investigation", **extra: str) -> dict[str, str]:
        result = {"Authorization": f"Bearer {make_token(role, agency=agency, sub=sub)}"}
        if purpose is not None:
            result["X-Purpose"] = purpose
        result.update(extra)
        return result

    return factory


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
